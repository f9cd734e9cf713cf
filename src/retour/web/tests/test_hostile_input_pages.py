"""Hostile input on the pages (issue 13, points 6 and 7): the forms made from the action
schemas and the search refuse direction overrides, control characters, oversized text and
implausible dates next to the field, in the page's language, and nothing is written."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client

from retour.api.tests.conftest import TODAY
from retour.audit.log import record_access
from retour.audit.models import AccessLogEntry
from retour.cases.models import ReturnCase
from retour.testing.browser import screenshot, sign_in
from retour.testing.factories import case_for
from retour.web.tests.test_case_page import client_of, filled_in, form_url

pytestmark = pytest.mark.usefixtures("frozen_clock")

ACTION = "record_end_of_legal_stay"


def _error_of(page: str, field: str) -> str:
    found = re.search(
        rf'<div [^>]*id="id_{field}_error"[^>]*>(.*?)</div>',
        page, re.S,
    )
    return re.sub(r"<[^>]+>", "", found.group(1)) if found else ""


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("reference", "\u202e0000-6202-LN",
         "contains an invisible character that changes the direction text is shown in"),
        ("reference", "IND\x1b2026", "contains a control character or line break"),
        ("legal_basis", "x" * 201, "at most 200 characters"),
        ("reason", "x" * 10_001, "at most 10000 characters"),
        ("decided_on", "0001-01-01", "must not be before 1990-01-01"),
        ("decided_on", "2099-01-01", "must not be after 2027-03-02"),
    ],
)
def test_an_action_form_refuses_next_to_the_field(anna, field, value, words):
    case = case_for(anna)
    client = client_of(anna)
    data = filled_in(client, case, ACTION, {"decided_on": TODAY.isoformat(), field: value})
    response = client.post(form_url(case, ACTION), data)
    assert response.status_code == 422
    assert words in _error_of(response.content.decode(), field)
    assert ReturnCase.objects.get(pk=case.pk).version == case.version


def test_the_refusal_reads_in_dutch(anna):
    case = case_for(anna)
    client = client_of(anna)
    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    data = filled_in(client, case, ACTION,
                     {"decided_on": TODAY.isoformat(), "reference": "\u202eNL-1"})
    response = client.post(form_url(case, ACTION), data)
    assert "bevat een onzichtbaar teken dat de richting van de tekst verandert" in _error_of(
        response.content.decode(), "reference")


@pytest.mark.parametrize(
    ("date_of_birth", "words"),
    [("2026-02-30", "No such date: 2026-02-30"), ("1850", "The year must be between 1900")],
)
def test_a_search_by_an_impossible_date_of_birth_is_refused(anna, date_of_birth, words):
    case_for(anna)
    before = AccessLogEntry.objects.count()
    client = Client()
    client.force_login(anna)
    response = client.post("/cases/", {"date_of_birth": date_of_birth})
    assert words in _error_of(response.content.decode(), "date_of_birth")
    assert AccessLogEntry.objects.count() == before  # nothing was searched


@pytest.mark.parametrize(("q", "words"), [
    ("x" * 1_000_000, "at most 200 characters"),
    ("\u202eLN-6202", "changes the direction text is shown in"),
])
def test_a_hostile_search_is_refused_and_not_echoed_back(anna, q, words):
    """A 1 MB search was answered and came back whole in the page; an override would have
    been kept in the access log's search terms."""
    case_for(anna)
    before = AccessLogEntry.objects.count()
    client = Client()
    client.force_login(anna)
    response = client.post("/cases/", {"q": q})
    page = response.content.decode()
    assert words in _error_of(page, "q")
    assert len(page) < 100_000 and "\u202e" not in page
    assert AccessLogEntry.objects.count() == before


def test_a_csv_download_shows_a_value_kept_before_the_policy_in_its_stored_order(anna, pieter,
                                                                                 ruud):
    """A reason logged with an override (written before ADR 17, or by code that does not go
    through a schema) comes out of the access-log CSV without it, and inert."""
    case = case_for(anna)
    record_access(pieter, "read", "return_case", [case.pk], person_ids=[case.person_id],
                  reason="\u202e=1+1 dnes", channel="web")
    response = client_of(ruud).get(f"/audit/persons/{case.person_id}/access-log.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[8] for row in rows[1:] if row[2] == "pieter"] == ["'=1+1 dnes"]


@pytest.mark.browser
def test_a_refused_override_seen_in_the_browser(page, anna):
    case = case_for(anna)
    sign_in(page, "anna", "x-anna")
    page.goto(form_url(case, ACTION))
    page.get_by_label("Date of the decision that ended the legal stay").fill(TODAY.isoformat())
    page.get_by_label("Reference of the decision").fill("\u202e0000-6202-LN")
    page.get_by_role("button", name="Record end of legal stay").click()
    error = page.locator("#id_reference_error")
    assert "changes the direction text is shown in" in error.inner_text()
    # Shown again in the order it was typed, not as the override made it look.
    assert page.get_by_label("Reference of the decision").input_value() == "0000-6202-LN"
    screenshot(page, "hostile-input-refused")
