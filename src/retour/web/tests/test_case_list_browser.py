"""The case list in real Chromium: typing a name answers in place (htmx), and the page stays
accessible after every swap and usable on a narrow screen."""

from __future__ import annotations

import pytest

from retour.cases import actions
from retour.people.actions import NameInput
from retour.testing.browser import assert_accessible, screenshot, sign_in
from retour.testing.factories import case_for

pytestmark = pytest.mark.browser


@pytest.fixture
def cases(anna, sanne):
    made = [
        case_for(anna, names=[NameInput(surname="Müller", given_names="Jürgen"),
                              NameInput(surname="Мюллер", given_names="Юрген", script="Cyrl")],
                 claimed_nationalities=["UA"]),
        case_for(anna, arabic_script=True),
        case_for(anna, unaccompanied_minor=True, claimed_nationalities=["AF"],
                 names=[NameInput(surname="Rahimi", given_names="Omid")]),
        case_for(anna, origin="irregular_stay_detected",
                 names=[NameInput(surname="Okafor", given_names="Grace")]),
    ]
    actions.assign_case(sanne, made[0].pk, officer_username="anna")
    return made


def test_typing_a_name_narrows_the_list_in_place(page, cases):
    sign_in(page, "anna", "x-anna")
    page.get_by_role("link", name="Cases", exact=True).click()
    page.wait_for_url("**/cases/")
    assert page.get_by_role("status").inner_text() == "4 cases found; showing 1 to 4."
    assert_accessible(page)
    screenshot(page, "case-list")
    page.get_by_label("Name or case number").press_sequentially("muller", delay=30)
    page.get_by_role("status").filter(has_text="One case found.").wait_for()
    table = page.get_by_role("region", name="Cases")
    assert "Jürgen Müller" in table.inner_text()
    assert "Okafor" not in table.inner_text()
    assert page.url.endswith("/cases/")  # the name went in the body, not the address
    assert page.evaluate("document.activeElement.id") == "id_q"  # typing can go on
    assert_accessible(page)


def test_a_wrong_date_of_birth_is_explained_next_to_the_field(page, cases):
    sign_in(page, "anna", "x-anna")
    page.goto("/cases/")
    page.get_by_label("Date of birth").fill("17-05-1994")
    page.get_by_role("button", name="Search").click()
    error = page.locator("#id_date_of_birth_error")
    error.filter(has_text="Use YYYY, YYYY-MM or YYYY-MM-DD").wait_for()
    assert_accessible(page)


def test_filters_make_a_list_that_can_be_bookmarked(page, cases):
    sign_in(page, "anna", "x-anna")
    page.goto("/cases/")
    page.get_by_label("Vulnerability").select_option("unaccompanied_minor")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/cases/?*vulnerability=unaccompanied_minor*")
    assert page.get_by_role("status").inner_text() == "One case found."
    assert "Omid Rahimi" in page.get_by_role("region", name="Cases").inner_text()


def test_narrow_screen_has_no_horizontal_page_scroll(page, cases):
    page.set_viewport_size({"width": 640, "height": 900})
    sign_in(page, "anna", "x-anna")
    page.goto("/cases/")
    assert page.evaluate("document.documentElement.scrollWidth > window.innerWidth") is False
    screenshot(page, "case-list-narrow")
