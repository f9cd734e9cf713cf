"""The review queue in real Chromium: anna opens the queue, compares Karim Haddad with the
record in Arabic script side by side (accessible), decides they are the same person with a
reason and sees the confirmation back in the queue (accessible)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from retour.identification.models import MatchReview
from retour.identification.reviews import queue_possible_matches
from retour.people.actions import NameInput
from retour.testing.browser import assert_accessible, screenshot, sign_in
from retour.testing.factories import person_for

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("frozen_clock")]


def test_deciding_a_possible_match_in_the_queue(page, anna):
    person_for(anna, names=[NameInput(surname="Haddad", given_names="Karim")])
    arabic = person_for(anna, names=[
        NameInput(surname="حداد", given_names="كريم", script="Arab")])
    (review,) = queue_possible_matches(anna, arabic.pk)
    sign_in(page, "anna", "x-anna")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Possible matches").click()
    expect(page).to_have_title("Possible matches – Retour")
    page.get_by_role("link", name="Review pair 1").click()
    expect(page).to_have_title("Possible match – Retour")
    expect(page.get_by_role("heading", name="Person: كريم حداد")).to_be_visible()
    expect(page.get_by_role("heading", name="Possibly the same as: Karim Haddad")).to_be_visible()
    expect(page.locator("#reasons-title + div")).to_contain_text(
        "Date of birth")
    assert_accessible(page)
    screenshot(page, "match-review")

    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("Reason")
    page.get_by_role("radio", name="same person").check()
    page.get_by_label("Reason", exact=True).fill(
        "Same date of birth; the Arabic name transliterates.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status")).to_contain_text("Your decision “same person” is recorded.")
    expect(page).to_have_title("Possible matches – Retour")
    expect(page.get_by_text("No possible matches are waiting for a decision.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "match-decided")
    assert MatchReview.objects.get(pk=review.pk).decided_by == anna
