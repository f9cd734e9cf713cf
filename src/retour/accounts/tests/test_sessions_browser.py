"""The user's sessions in real Chromium: signed in twice, one signed out from the other
through the page, at a laptop's and a phone's width, accessible."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from retour.testing.browser import assert_accessible, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_signing_out_a_forgotten_session_from_the_list(page, anna):
    elsewhere = Client(HTTP_USER_AGENT="Firefox on the office computer")
    elsewhere.force_login(anna)
    sign_in(page, "anna", "x-anna")
    page.get_by_role("link", name="Your sessions").click()
    expect(page).to_have_title("Where you are signed in – Retour")
    table = page.get_by_role("table", name="Your sessions")
    expect(table.get_by_role("row")).to_have_count(3)  # the header, this one, the other
    expect(table).to_contain_text("This session")
    assert_accessible(page)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"sessions-{width}")
    page.get_by_role("button", name="Sign out everywhere else").click()
    expect(page.get_by_role("status")).to_have_text("1 session signed out.")
    expect(table.get_by_role("row")).to_have_count(2)
    assert "/accounts/login/" in elsewhere.get("/cases/")["Location"]
