"""Run by ``../test_plugin.py`` in a process where this app is installed."""

from datetime import date

import pytest
from django.test import Client

from retour.accounts.models import ApiToken
from retour.outbox.models import Message
from retour.outbox.worker import Worker
from retour.seam.tests.plugin.subscribers import RECEIVED
from retour.statistics import cube
from retour.testing.factories import case_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
PATH = "/api/v1/cases/{case_id}/actions/record-welfare-visit"


def test_the_capability_appears_in_the_api_the_form_the_history_the_extract_and_the_outbox(
    anna,
):
    case = case_for(anna)
    browser = Client()
    browser.force_login(anna)

    # The API: an endpoint with the input schema as its body.
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"][PATH]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert {"visited_on", "reason", "expected_version"} <= set(body["properties"])
    assert operation["summary"] == "Record a welfare visit"

    # The generated form, offered on the case page and taken.
    url = f"/cases/{case.pk}/actions/record-welfare-visit/"
    assert url in browser.get(f"/cases/{case.pk}/").content.decode()
    form = browser.get(url).content.decode()
    assert "Date of the welfare visit" in form
    response = browser.post(url, {"visited_on": "2026-03-01", "expected_version": case.version})
    assert response.status_code == 302, response.content.decode()

    # The history, in the words the event type declares.
    page = browser.get(f"/cases/{case.pk}/").content.decode()
    assert "Welfare visit recorded" in page and "Visited on" in page

    # Through the API too, with a refusal naming the field.
    _, token = ApiToken.issue(anna, "plugin")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    refused = api.post(PATH.format(case_id=case.pk), {"visited_on": "2099-01-01"},
                       content_type="application/json")
    assert refused.status_code == 422 and "visited_on" in refused.content.decode()
    assert api.post(PATH.format(case_id=case.pk), {"visited_on": "2026-03-02"},
                    content_type="application/json").status_code == 200

    # The statistics extract: the app's column beside the case core's, the first visit.
    extract = cube.extract().to_pylist()
    assert [row["welfare_visited_on"] for row in extract] == [date(2026, 3, 1)]

    # The outbox: one message per visit for the subscriber, delivered once each.
    assert Message.objects.filter(subscriber="welfare-feed").count() == 2
    worker = Worker(["welfare-feed"])
    while worker.run_once():  # one message of a case at a time, in the case's order
        pass
    assert sorted(p["visited_on"] for p in RECEIVED.values()) == ["2026-03-01", "2026-03-02"]
