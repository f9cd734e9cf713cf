"""The home pages in real Chromium: accessible, with the work of the day."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retour import clock
from retour.cases import actions
from retour.people.actions import NameInput
from retour.testing.browser import assert_accessible, screenshot, sign_in
from retour.testing.factories import case_for, case_in_voluntary_departure

pytestmark = pytest.mark.browser


@pytest.fixture
def casework(anna, pieter, sanne):
    with clock.frozen_at(clock.now() - timedelta(days=12)):
        case_for(anna, origin="irregular_stay_detected",
                 names=[NameInput(surname="Rahimi", given_names="Omid")])
    minor = case_for(anna, unaccompanied_minor=True, arabic_script=True)
    police = case_for(pieter, names=[NameInput(surname="Мюллер", given_names="Юрген",
                                               script="Cyrl")])
    actions.send_handover(pieter, police.pk, to_authority="nl-dtv", note="identified")
    actions.assign_case(sanne, minor.pk, officer_username="anna")
    case_in_voluntary_departure(anna, decided_on=clock.today() - timedelta(days=25), days=30,
                                names=[NameInput(surname="Okafor", given_names="Grace")])


def test_case_officer_home_shows_her_tasks(page, casework):
    sign_in(page, "anna", "x-anna")
    tasks = page.get_by_role("region", name="Open tasks")
    first = tasks.get_by_role("row").nth(1)
    assert "Omid Rahimi" in first.inner_text()
    assert "5 days overdue" in first.inner_text()
    page.get_by_role("link", name="Accept hand-over").first.wait_for()
    deadlines = page.get_by_role("region", name="Deadlines in the coming seven days")
    assert "end of voluntary departure" in deadlines.inner_text()
    assert_accessible(page)
    screenshot(page, "home-case-officer")


def test_supervisor_home_shows_the_team(page, casework):
    sign_in(page, "sanne", "x-sanne")
    team = page.get_by_role("region", name="Open cases per officer")
    assert "Anna de Vries" in team.inner_text()
    assert page.get_by_role("heading", name="Overdue work").is_visible()
    assert_accessible(page)
    screenshot(page, "home-supervisor")


def test_eu_coordinator_home_is_accessible_and_shows_no_person(page, casework, eva):
    sign_in(page, "eva", "x-eva")
    assert page.get_by_role("heading", name="EU dashboards").is_visible()
    assert "Rahimi" not in page.content()
    assert_accessible(page)
