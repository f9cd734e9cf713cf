"""Identification missions in real Chromium: anna plans a mission to Morocco, sees the persons
ready to be presented swapped in by htmx (accessible after the swap), presents one and records
that the delegation identified them; the mission page shows it. And she cancels a planned
mission after saying why."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from retour.api.tests.conftest import TODAY
from retour.identification.missions import NewMission, plan_mission, present_person
from retour.testing.browser import assert_accessible, screenshot, sign_in
from retour.testing.factories import case_for

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("frozen_clock")]


def test_planning_a_mission_presenting_a_person_and_recording_identified(page, anna):
    case = case_for(anna)
    sign_in(page, "anna", "x-anna")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Missions").click()
    expect(page).to_have_title("Identification missions – Retour")
    expect(page.get_by_text("No missions planned yet.")).to_be_visible()

    page.get_by_label("Country of the delegation").select_option("MA")
    page.get_by_role("button", name="Show persons").click()
    results = page.locator("#planning-results")
    expect(results).to_contain_text("1 person ready to be presented to Morocco")
    expect(results.get_by_role("link", name=case.number)).to_be_visible()
    assert "/missions/" in page.url
    assert_accessible(page)
    screenshot(page, "missions-planning")

    page.get_by_role("link", name="Plan a mission").click()
    page.get_by_label("Country", exact=True).select_option("MA")
    page.get_by_label("Kind of mission").select_option("delegation_mission")
    page.get_by_label("First day").fill(TODAY.isoformat())
    page.get_by_label("Last day").fill(TODAY.isoformat())
    page.get_by_role("button", name="Plan the mission").click()
    expect(page.get_by_role("alert")).to_contain_text("Place")
    assert_accessible(page)
    page.get_by_label("Place").fill("Detention centre Rotterdam")
    page.get_by_role("button", name="Plan the mission").click()
    expect(page.get_by_role("status")).to_contain_text("The mission is planned.")
    expect(page).to_have_title("Mission – Retour")

    present = page.get_by_role("region", name="Present a person")
    present.get_by_label("Person").select_option(str(case.pk))
    present.get_by_label("Availability").select_option("reporting")
    present.get_by_role("button", name="Present the person").click()
    expect(page.get_by_role("status")).to_contain_text("on the mission's list")

    outcome = page.locator("section", has=page.get_by_role("heading", name="Record outcome"))
    outcome.get_by_label("Outcome", exact=True).select_option("identified")
    outcome.get_by_label("Date of the outcome").fill(TODAY.isoformat())
    outcome.get_by_label("Notes").fill("Recognised by the delegation.")
    outcome.get_by_role("button", name="Record outcome").click()
    expect(page.get_by_role("status")).to_contain_text("The outcome “identified” is recorded.")
    presented = page.get_by_role("region", name="Persons presented").first
    expect(presented).to_contain_text("identified")
    expect(presented).to_contain_text("Recognised by the delegation.")
    assert_accessible(page)
    screenshot(page, "mission")


def test_cancelling_a_planned_mission_after_saying_why(page, anna):
    case = case_for(anna)
    mission = plan_mission(anna, NewMission(
        country="MA", kind="delegation_mission", starts_on=TODAY, ends_on=TODAY,
        place="Detention centre Rotterdam"))
    present_person(anna, mission.pk, case.person_id, availability="reporting")
    sign_in(page, "anna", "x-anna")
    page.goto(f"/missions/{mission.pk}/")
    page.get_by_role("region", name="Cancel the mission").get_by_role(
        "link", name="Cancel the mission").click()
    expect(page).to_have_title("Cancel the mission – Retour")
    expect(page.get_by_text("One person is on the mission's list.")).to_be_visible()
    page.get_by_role("button", name="Cancel the mission").click()
    expect(page.get_by_role("alert")).to_contain_text("Why is the mission cancelled?")
    assert_accessible(page)
    screenshot(page, "mission-cancel")
    page.get_by_label("Why is the mission cancelled?").fill("The delegation postponed its visit.")
    page.get_by_role("button", name="Cancel the mission").click()
    expect(page.get_by_role("status")).to_contain_text("The mission is cancelled.")
    expect(page.get_by_role("region", name="Details")).to_contain_text(
        "The delegation postponed its visit.")
    expect(page.get_by_role("link", name="Cancel the mission")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "mission-cancelled")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Missions").click()
    expect(page.get_by_role("region", name="Missions").first).to_contain_text("cancelled")
    assert_accessible(page)
    screenshot(page, "missions-with-cancelled")
