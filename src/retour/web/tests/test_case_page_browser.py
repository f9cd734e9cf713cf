"""The case page and an action form in real Chromium: accessible (axe-core), readable on a
narrow screen, errors announced next to the field, a conflicting change explained."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from retour.api.tests.conftest import TODAY
from retour.cases import actions
from retour.people.actions import NameInput, link_family_members
from retour.testing.browser import assert_accessible, screenshot, sign_in
from retour.testing.factories import case_for, person_for

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("frozen_clock")]


def test_case_page_with_everything_on_it_is_accessible(page, anna, pieter):
    case = case_for(anna, arabic_script=True, unaccompanied_minor=True)
    sister = person_for(anna, names=[NameInput(surname="Haddad", given_names="Leila")], sex="F")
    link_family_members(anna, case.person_id, sister.pk, "sibling_of")
    actions.record_end_of_legal_stay(
        anna, case.pk, decided_on=TODAY - timedelta(days=3), issuing_authority="nl-ind"
    )
    actions.record_best_interests_assessment(
        anna, case.pk, decided_on=TODAY, summary="an aunt in Tangier can take him in"
    )
    actions.send_handover(anna, case.pk, to_authority="nl-avim", note="please identify him")
    sign_in(page, "pieter", "x-pieter")
    page.goto(f"/cases/{case.pk}/")
    expect(page).to_have_title("Case – Retour")
    assert page.get_by_role("heading", name="Take into account").is_visible()
    assert page.get_by_role("button", name="Accept").is_visible()
    assert page.locator("bdi.retour-name", has_text="كريم حداد").is_visible()
    assert_accessible(page)
    screenshot(page, "case-page")
    page.set_viewport_size({"width": 640, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth > window.innerWidth") is False
    screenshot(page, "case-page-narrow")


def test_action_form_shows_errors_next_to_the_fields(page, anna):
    case = case_for(anna)
    actions.record_end_of_legal_stay(anna, case.pk, decided_on=TODAY)
    sign_in(page, "anna", "x-anna")
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Issue return decision").click()
    expect(page).to_have_title("Issue return decision – Retour")
    assert_accessible(page)
    page.get_by_label("Date of the return decision").fill(TODAY.isoformat())
    page.get_by_label("Period for voluntary departure (days)").fill("45")
    page.get_by_role("button", name="Issue return decision").click()
    summary = page.get_by_role("alert")
    assert "Please correct the following" in summary.inner_text()
    days = page.get_by_label("Period for voluntary departure (days)")
    assert days.get_attribute("aria-invalid") == "true"
    described = days.get_attribute("aria-describedby") or ""
    assert "id_voluntary_departure_days_error" in described.split()
    assert "at most 30 days" in page.locator("#id_voluntary_departure_days_error").inner_text()
    assert days.input_value() == "45"
    assert page.get_by_label("Date of the return decision").input_value() == TODAY.isoformat()
    # the summary's link leads to the field
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "id_voluntary_departure_days"
    assert_accessible(page)
    screenshot(page, "action-form-errors")


def test_conflicting_change_is_explained_and_the_input_kept(page, anna, sanne):
    case = case_for(anna)
    sign_in(page, "anna", "x-anna")
    page.goto(f"/cases/{case.pk}/actions/record-end-of-legal-stay/")
    page.get_by_label("Date of the decision that ended the legal stay").fill("2026-02-27")
    page.get_by_label("Reference of the decision").fill("IND-2026-4711")
    actions.record_vulnerability(sanne, case.person_id, kind="pregnancy", noted_on=TODAY)
    page.get_by_role("button", name="Record end of legal stay").click()
    notice = page.get_by_role("alert")
    assert "Sanne Jansen (Dienst Terugkeer en Vertrek) changed this case" in notice.inner_text()
    assert page.get_by_label("Reference of the decision").input_value() == "IND-2026-4711"
    assert_accessible(page)
    screenshot(page, "action-form-conflict")
    page.get_by_role("button", name="Record end of legal stay").click()
    assert page.get_by_role("status").inner_text() == "Record end of legal stay: done."
    # a health-related vulnerability another officer recorded shows once Anna says why
    assert page.get_by_text("pregnancy").count() == 0
    page.get_by_role("link", name="Show health details").click()
    page.get_by_label("Why do you need to see this?").fill("planning the interview")
    page.get_by_role("button", name="Show health details").click()
    assert page.get_by_text("pregnancy").first.is_visible()
