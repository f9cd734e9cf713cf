"""The detention section of the case page and its two forms (Django client)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils.formats import date_format

from retour.api.tests.conftest import TODAY
from retour.detention.models import DetentionPeriod
from retour.testing.actions import actions
from retour.testing.factories import case_in_forced_return
from retour.web.tests.test_case_page import case_url, client_of

pytestmark = pytest.mark.usefixtures("frozen_clock")


def test_the_case_page_shows_the_open_period_and_the_day_the_maximum_is_reached(anna):
    case = case_in_forced_return(anna, decided_on=TODAY - timedelta(days=30))
    actions.order_detention(anna, case.pk, ordered_on=TODAY - timedelta(days=9),
                            ground="hampers_return", facility="DC Rotterdam")
    html = client_of(anna).get(case_url(case)).content.decode()
    assert "Detained since" in html
    assert "10 days" in html  # the day of the order counted
    # Art. 15(5): six months; Art. 15(6): twelve more (the EU parameters, no national one).
    assert "Maximum period reached on</dt>" in html
    assert date_format(date(2026, 8, 21)) in html  # ordered on 21 February
    assert date_format(date(2027, 8, 21)) in html
    assert "Directive 2008/115/EC Art. 15(5)" in html
    assert "End detention" in html and "Order detention" not in html.split("Not possible yet")[0]


def test_ordering_and_ending_through_the_forms(anna):
    case = case_in_forced_return(anna, decided_on=TODAY - timedelta(days=30))
    client = client_of(anna)
    url = f"{case_url(case)}actions/order-detention/"
    page = client.get(url)
    assert page.status_code == 200 and "Detention facility" in page.content.decode()
    answer = client.post(url, {
        "expected_version": case.version, "ordered_on": TODAY.isoformat(),
        "ground": "risk_of_absconding", "facility": "DC Schiphol", "ordering_authority": "",
        "reason": "",
    })
    assert answer.status_code == 302
    period = DetentionPeriod.objects.get(case=case)
    case.refresh_from_db()
    answer = client.post(f"{case_url(case)}actions/end-detention/", {
        "expected_version": case.version, "ended_on": TODAY.isoformat(),
        "reason": "released_by_court", "note": "District court: unlawful",
    })
    assert answer.status_code == 302
    period.refresh_from_db()
    assert (period.ended_on, period.end_reason) == (TODAY, "released_by_court")
    html = client.get(case_url(case)).content.decode()
    assert "Released by a court (Directive 2008/115/EC Art. 15(2))" in html
    assert "District court: unlawful" in html
    assert "Detained since" not in html


def test_the_form_refuses_a_minor_without_the_reason_of_last_resort(anna):
    case = case_in_forced_return(anna, decided_on=TODAY - timedelta(days=30))
    actions.record_vulnerability(anna, case.person_id, kind="minor", noted_on=TODAY)
    case.refresh_from_db()
    answer = client_of(anna).post(f"{case_url(case)}actions/order-detention/", {
        "expected_version": case.version, "ordered_on": TODAY.isoformat(),
        "ground": "risk_of_absconding", "facility": "DC Zeist",
    })
    assert answer.status_code == 422
    assert "Art. 17(1)" in answer.content.decode()
    assert not DetentionPeriod.objects.exists()
