"""The new-person form in real Chromium, with the persons who may be the same (score and reasons
per field): accessible, nothing saved until the user confirms, the pair then queued for review."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from retour.identification.models import MatchReview
from retour.people.actions import NameInput
from retour.people.models import Person
from retour.testing.browser import assert_accessible, screenshot, sign_in
from retour.testing.factories import person_for

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("frozen_clock")]


def test_new_person_form_warns_about_a_similar_person(page, anna):
    person_for(anna, names=[NameInput(surname="Rahimi", given_names="Farid")], birth_year=1997,
               birth_month=None, birth_day=None, claimed_nationalities=["AF"])
    sign_in(page, "anna", "x-anna")
    page.get_by_role("link", name="Register a person").click()
    expect(page).to_have_title("Register a person – Retour")
    assert_accessible(page)
    page.get_by_label("Surname", exact=True).fill("Rahimi")
    page.get_by_label("Given names (optional)", exact=True).fill("Farid")
    page.get_by_label("Surname in the original script").fill("رحیمی")
    page.get_by_label("Given names in the original script").fill("فرید")
    page.get_by_label("Script (optional)", exact=True).select_option("Arab")
    page.get_by_label("male", exact=True).check()
    page.get_by_label("Year (optional)", exact=True).fill("1997")
    page.get_by_label("The date of birth is an estimate").check()
    page.get_by_label("Claimed nationalities").select_option("AF")
    page.get_by_label("Languages").fill("fa-AF, ps")
    page.get_by_role("button", name="Register person").click()
    warning = page.get_by_role("region", name="This person may already be registered")
    assert warning.is_visible()
    assert "Farid Rahimi" in warning.inner_text()
    assert "score 1.00" in warning.inner_text() or "score 0." in warning.inner_text()
    assert warning.get_by_role("link", name="Farid Rahimi").is_visible()
    assert Person.objects.count() == 1
    assert page.get_by_label("Surname in the original script").input_value() == "رحیمی"
    assert_accessible(page)
    screenshot(page, "new-person-duplicate-warning")
    page.get_by_label("This is a different person from the ones listed above").check()
    page.get_by_role("button", name="Register person").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Open a return case"
    assert "1 possible match is waiting for review." in page.get_by_role("status").inner_text()
    assert Person.objects.count() == 2
    assert MatchReview.objects.filter(decision="pending").count() == 1
    assert page.locator("bdi.retour-name", has_text="فرید رحیمی").is_visible()
    assert_accessible(page)
    screenshot(page, "new-case-form")


def test_a_similar_person_of_another_authority_names_whom_to_ask(page, anna, pieter):
    """At 390 px, as the police officer: who the person is and which service knows them,
    without a way into their file."""
    person_for(anna, names=[NameInput(surname="Rahimi", given_names="Farid")], birth_year=1997,
               birth_month=None, birth_day=None, claimed_nationalities=["AF"])
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "pieter", "x-pieter")
    page.goto("/people/new/")
    page.get_by_label("Surname", exact=True).fill("Rahimi")
    page.get_by_label("Given names (optional)", exact=True).fill("Farid")
    page.get_by_label("male", exact=True).check()
    page.get_by_label("Year (optional)", exact=True).fill("1997")
    page.get_by_role("button", name="Register person").click()
    warning = page.get_by_role("region", name="This person may already be registered")
    expect(warning).to_contain_text("Farid Rahimi")
    expect(warning).to_contain_text(f"known to {anna.authority.name}: ask them")
    expect(warning.get_by_role("link")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "new-person-duplicate-of-another-authority")
