"""A working day, as the officers do it in the browser.

Anna (case officer at the return service) registers a person whose asylum application was
refused, opens the return case, records the end of legal stay, issues the return decision with
30 days for voluntary departure, sees the deadline, and hands the case over to the police for
identification. Pieter (case officer at the police) signs in, accepts the hand-over, and reads
the history with both officers' steps. Every page is checked with axe-core and photographed.

Then the main step once more with the keyboard alone, in a browser whose locale is set, so the
order in which the date control takes month, day and year does not depend on the machine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from retour.api.tests.conftest import TODAY
from retour.cases.models import ReturnCase
from retour.testing.browser import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    assert_accessible,
    screenshot,
    sign_in,
)
from retour.testing.factories import case_for

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("frozen_clock")]

POLICE = "Politie – Afdeling Vreemdelingen, Identificatie en Mensenhandel"


def step(page: Any, name: str) -> None:
    """Every page of the day: accessible, and photographed for the record (from the top:
    the skip link is fixed above the viewport, which a scrolled full-page picture shows)."""
    assert_accessible(page)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, name)


def test_a_day_of_anna_and_pieter(page, anna, pieter):
    page.goto("/accounts/login/")
    step(page, "day-00-sign-in-page")
    sign_in(page, "anna", "x-anna")
    step(page, "day-01-signed-in")

    # Register the person.
    page.get_by_role("link", name="Register a person").click()
    page.get_by_label("Surname", exact=True).fill("Rahimi")
    page.get_by_label("Given names (optional)", exact=True).fill("Farid")
    page.get_by_label("Surname in the original script").fill("رحیمی")
    page.get_by_label("Given names in the original script").fill("فرید")
    page.get_by_label("Script (optional)", exact=True).select_option("Arab")
    page.get_by_label("male", exact=True).check()
    page.get_by_label("Year (optional)", exact=True).fill("1997")
    page.get_by_label("The date of birth is an estimate").check()
    page.get_by_label("Country of birth").select_option("AF")
    page.get_by_label("Claimed nationalities").select_option("AF")
    page.get_by_label("Languages").fill("fa-AF, ps")
    step(page, "day-02-register-person")
    page.get_by_role("button", name="Register person").click()

    # Open the case.
    assert page.get_by_role("status").inner_text() == "The person is registered."
    assert page.locator("bdi.retour-name", has_text="فرید رحیمی").is_visible()
    page.get_by_label("negative asylum decision").check()
    page.get_by_label("Note for the case history").fill("Asylum refused by the IND, no appeal.")
    step(page, "day-03-open-case")
    page.get_by_role("button", name="Open case").click()
    assert page.get_by_role("status").inner_text() == "The case is opened."
    case = ReturnCase.objects.get()
    assert page.get_by_role("heading", level=1).inner_text() == f"Case {case.number}"
    step(page, "day-04-case-opened")

    # Record the end of legal stay.
    page.get_by_role("link", name="Record end of legal stay").click()
    page.get_by_label("Date of the decision that ended the legal stay").fill(
        (TODAY - timedelta(days=3)).isoformat()
    )
    page.get_by_label("Authority that took the decision").select_option("nl-ind")
    page.get_by_label("Reference of the decision").fill("IND-2026-4711")
    step(page, "day-05-end-of-legal-stay")
    page.get_by_role("button", name="Record end of legal stay").click()
    assert page.get_by_role("status").inner_text() == "Record end of legal stay: done."
    step(page, "day-06-legal-stay-ended")

    # Issue the return decision with 30 days for voluntary departure.
    page.get_by_role("link", name="Issue return decision").click()
    page.get_by_label("Date of the return decision").fill(TODAY.isoformat())
    page.get_by_label("Period for voluntary departure (days)").fill("30")
    step(page, "day-07-return-decision")
    page.get_by_role("button", name="Issue return decision").click()
    assert page.get_by_role("status").inner_text() == "Issue return decision: done."
    deadline = page.get_by_role("row", name="End of voluntary departure")
    assert "April 1, 2026" in deadline.inner_text()
    assert "30 days left" in deadline.inner_text()
    step(page, "day-08-deadline")

    # Hand the case over to the police.
    page.get_by_role("link", name="Hand over").click()
    page.get_by_label("Hand over to").select_option(label=POLICE)
    page.get_by_label("Note for the receiving authority").fill(
        "No passport: please arrange an identification interview with the embassy."
    )
    step(page, "day-09-hand-over")
    page.get_by_role("button", name="Hand over").click()
    assert page.get_by_role("heading", name="Hand-over waiting for acceptance").is_visible()
    step(page, "day-10-handed-over")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    step(page, "day-11-signed-out")

    # Pieter takes the case.
    sign_in(page, "pieter", "x-pieter")
    step(page, "day-12-pieter-home")
    page.get_by_role("link", name=case.number).first.click()
    assert page.get_by_role("heading", name="Hand-over waiting for acceptance").is_visible()
    assert "please arrange an identification interview" in page.content()
    step(page, "day-13-case-for-pieter")
    page.get_by_role("button", name="Accept").click()
    assert page.get_by_role("status").inner_text() == "Accept hand-over: done."
    facts = page.get_by_role("region", name="The case")
    assert POLICE in facts.inner_text()
    history = page.get_by_role("region", name="History")
    events = history.get_by_role("listitem")
    assert [e.get_by_role("heading").inner_text() for e in events.all()] == [
        "Accept hand-over", "Hand over", "Issue return decision", "Record end of legal stay",
        "Case opened",
    ]
    assert f"Pieter Bakker ({POLICE})" in events.nth(0).inner_text()
    for earlier in range(1, 5):
        assert "Anna de Vries (Dienst Terugkeer en Vertrek)" in events.nth(earlier).inner_text()
    step(page, "day-14-accepted")


def tab_to(page: Any, wanted: str, *, limit: int = 100) -> None:
    """Press Tab until the focused element is ``wanted`` (its id, or its text)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "[document.activeElement.id, document.activeElement.textContent.trim()]"
        )
        if wanted in focused:
            return
    raise AssertionError(f"{wanted!r} cannot be reached with the Tab key")


# Chromium lays out a date control in the order of its own locale, which on Linux comes from
# the environment (LANGUAGE, LC_ALL, LANG) and the locale packs installed, not from a
# context's ``locale``: with German packs and LANG=de_DE a context in en-US still reads
# day, month, year. en-US is the one pack every Chromium ships, so that is the one pinned.
US_ENGLISH = {"LANGUAGE": "en_US", "LC_ALL": "en_US.UTF-8", "LANG": "en_US.UTF-8"}


@pytest.fixture
def us_english_page(chromium: Any, live_server: Any) -> Iterator[Any]:
    """A page in a Chromium started in US English: date controls take month, day, year."""
    browser = chromium.browser_type.launch(
        executable_path=CHROMIUM, args=CHROMIUM_FLAGS, env={**os.environ, **US_ENGLISH}
    )
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    browser.close()


def test_recording_the_end_of_legal_stay_with_the_keyboard_only(us_english_page, anna):
    page = us_english_page
    case = case_for(anna)
    sign_in(page, "anna", "x-anna")
    page.goto(f"/cases/{case.pk}/")
    tab_to(page, "Record end of legal stay")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/cases/{case.pk}/actions/record-end-of-legal-stay/")
    tab_to(page, "id_decided_on")
    day = TODAY - timedelta(days=1)  # 1 March: typed in the other order it is 3 January
    page.keyboard.type(f"{day.month:02d}{day.day:02d}{day.year}")
    tab_to(page, "id_issuing_authority")
    page.keyboard.type("Immigratie")  # a closed select follows the typed letters
    tab_to(page, "id_reference")
    page.keyboard.type("IND-2026-0815")
    tab_to(page, "Record end of legal stay")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert page.get_by_role("status").inner_text() == "Record end of legal stay: done."
    case.refresh_from_db()
    assert case.stage == "legal_stay_ended"
    decision = case.decisions.get()
    assert (decision.decided_on, decision.issuing_authority.code, decision.reference) == (
        day, "nl-ind", "IND-2026-0815",
    )
    assert_accessible(page)
    screenshot(page, "keyboard-end-of-legal-stay")
