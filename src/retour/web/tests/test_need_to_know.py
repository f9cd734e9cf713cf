"""Need to know inside a member state (ADR 0016), as a user meets it on the pages: a return
counsellor sees only the cases referred to reintegration, health details only after saying
why (the reason kept in the access log), no detention or non-cooperation; a police officer
records no step on a case whose hand-over to the police is not yet accepted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from retour import clock
from retour.accounts.models import User
from retour.api.tests.conftest import TODAY
from retour.audit.models import AccessLogEntry
from retour.cases import actions
from retour.counselling.actions import refer_to_reintegration
from retour.detention.actions import order_detention
from retour.testing.factories import case_in_forced_return, case_in_voluntary_departure

pytestmark = pytest.mark.usefixtures("frozen_clock")


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def case_url(case) -> str:
    return f"/cases/{case.pk}/"


@pytest.fixture
def referred(lucas):
    """A Belgian case with a serious illness recorded, referred to reintegration."""
    case = case_in_voluntary_departure(lucas, decided_on=TODAY, vulnerabilities=["serious_illness"])
    refer_to_reintegration(lucas, case.pk, referred_on=TODAY, programme="Fedasil AVRR",
                           counselling_service="be-fedasil")
    return case


def test_a_counsellor_does_not_find_a_case_not_referred_to_counselling(lucas, lotte):
    case = case_in_voluntary_departure(lucas, decided_on=TODAY)
    client = client_of(lotte)
    assert client.get(case_url(case)).status_code == 404
    assert client.get(f"/cases/{case.pk}/health/").status_code == 404
    assert case.number not in client.get("/cases/").content.decode()


def test_health_details_only_after_a_reason_that_the_access_log_keeps(referred, lotte):
    client = client_of(lotte)
    html = client.get(case_url(referred)).content.decode()
    assert "serious illness" not in html
    assert "A health-related vulnerability is recorded" in html

    missing = client.post(f"/cases/{referred.pk}/health/", {"reason": "  "})
    assert missing.status_code == 422
    assert "Say why you need to see the health details." in missing.content.decode()
    assert "serious illness" not in client.get(case_url(referred)).content.decode()

    given = client.post(f"/cases/{referred.pk}/health/",
                        {"reason": "medical support in the reintegration plan"})
    assert given.status_code == 302
    html = client.get(case_url(referred)).content.decode()
    assert "serious illness" in html
    entries = AccessLogEntry.objects.filter(username="lotte").order_by("sequence")
    reveal, page_read = list(entries)[-2:]
    assert (reveal.object_type, reveal.reason) == (
        "vulnerability", "medical support in the reintegration plan")
    assert str(referred.person_id) in reveal.person_ids
    assert (page_read.object_type, page_read.reason) == (
        "return_case", "medical support in the reintegration plan")

    # the reason holds for a short time only
    with clock.frozen_at(clock.now() + timedelta(minutes=16)):
        assert "serious illness" not in client.get(case_url(referred)).content.decode()


def test_nor_does_the_history_name_a_health_vulnerability_without_a_reason(referred, lucas, lotte):
    actions.record_vulnerability(lucas, referred.person_id, kind="pregnancy", noted_on=TODAY)
    client = client_of(lotte)
    assert "pregnancy" not in client.get(case_url(referred)).content.decode()
    client.post(f"/cases/{referred.pk}/health/", {"reason": "travel arrangements"})
    assert "pregnancy" in client.get(case_url(referred)).content.decode()


def test_a_case_officer_of_the_responsible_authority_also_gives_a_reason(referred, lucas):
    client = client_of(lucas)
    assert "serious illness" not in client.get(case_url(referred)).content.decode()
    client.post(f"/cases/{referred.pk}/health/", {"reason": "fitness to travel"})
    assert "serious illness" in client.get(case_url(referred)).content.decode()


def test_a_counsellor_sees_no_detention(lucas, lotte):
    case = case_in_forced_return(lucas, decided_on=TODAY)
    order_detention(lucas, case.pk, ordered_on=TODAY, ground="risk_of_absconding",
                    facility="Centre 127bis")
    refer_to_reintegration(lucas, case.pk, referred_on=TODAY, programme="Fedasil AVRR",
                           counselling_service="be-fedasil")
    assert "127bis" in client_of(lucas).get(case_url(case)).content.decode()
    assert "127bis" not in client_of(lotte).get(case_url(case)).content.decode()


def test_the_police_are_offered_no_step_until_they_accept_the_hand_over(anna, pieter):
    case = case_in_forced_return(anna, decided_on=TODAY)
    actions.send_handover(anna, case.pk, to_authority="nl-avim", note="you escort")
    client = client_of(pieter)
    html = client.get(case_url(case)).content.decode()
    assert "/actions/schedule-removal/" not in html
    form = client.get(f"/cases/{case.pk}/actions/schedule-removal/").content.decode()
    assert "accept the hand-over before recording steps on it" in form
    refused = client.post(f"/cases/{case.pk}/actions/schedule-removal/", {
        "expected_version": case.version,
        "planned_on": (TODAY + timedelta(days=3)).isoformat(),
    })
    assert refused.status_code in (403, 409, 422)
    case.refresh_from_db()
    assert case.stage == "forced_return_preparation"
    actions.accept_handover(pieter, case.pk, reason="we escort")
    assert "/actions/schedule-removal/" in client.get(case_url(case)).content.decode()


def test_what_a_vulnerability_rests_on_is_shown_only_with_the_reason(lucas, lotte):
    from retour.cases.actions import record_vulnerability

    case = case_in_voluntary_departure(lucas, decided_on=TODAY)
    record_vulnerability(lucas, case.person_id, kind="minor", noted_on=TODAY,
                         details="Bone-age X-ray of 3 March: about 16 years old")
    refer_to_reintegration(lucas, case.pk, referred_on=TODAY, programme="Fedasil AVRR",
                           counselling_service="be-fedasil")
    client = client_of(lotte)
    html = client.get(case_url(case)).content.decode()
    assert "minor" in html and "Bone-age" not in html
    assert "Show health details" in html
    client.post(f"/cases/{case.pk}/health/", {"reason": "age-appropriate counselling"})
    html = client.get(case_url(case)).content.decode()
    assert "Bone-age X-ray of 3 March: about 16 years old" in html
