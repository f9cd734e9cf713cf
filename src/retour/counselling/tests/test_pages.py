"""The reintegration section of the case page and its two forms (Django client)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retour.api.tests.conftest import TODAY
from retour.counselling.models import ReintegrationReferral
from retour.testing.factories import case_in_voluntary_departure
from retour.web.tests.test_case_page import case_url, client_of

pytestmark = pytest.mark.usefixtures("frozen_clock")


def test_a_counsellor_refers_and_records_the_acceptance(lucas, lotte):
    case = case_in_voluntary_departure(lucas, decided_on=TODAY - timedelta(days=10))
    client = client_of(lotte)
    # not referred yet: not the counsellor's to see (ADR 16); the return office refers it
    assert client.get(case_url(case)).status_code == 404
    answer = client_of(lucas).post(f"{case_url(case)}actions/refer-to-reintegration/", {
        "expected_version": case.version, "referred_on": TODAY.isoformat(),
        "programme": "Frontex JRS", "counselling_service": "be-fedasil", "reason": "",
    })
    assert answer.status_code == 302
    html = client.get(case_url(case)).content.decode()
    assert "Frontex JRS" in html and "awaiting the outcome" in html
    assert "counselled by Fedasil" in html
    assert "Record reintegration outcome" in html
    case.refresh_from_db()
    answer = client.post(f"{case_url(case)}actions/record-reintegration-outcome/", {
        "expected_version": case.version, "outcome": "accepted",
        "outcome_on": TODAY.isoformat(), "note": "start-up grant",
    })
    assert answer.status_code == 302
    html = client.get(case_url(case)).content.decode()
    assert "Accepted by the person" in html and "start-up grant" in html
    assert ReintegrationReferral.objects.get(case=case).outcome == "accepted"
