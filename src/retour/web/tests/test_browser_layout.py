"""The layout every page shares, in real Chromium: accessible, keyboard-usable, bilingual."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from retour.testing.browser import assert_accessible, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_sign_in_page_is_accessible_and_signs_in(page, anna):
    page.goto("/accounts/login/")
    expect(page).to_have_title("Sign in – Retour")
    assert_accessible(page)
    sign_in(page, "anna", "x-anna")
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Anna"
    assert_accessible(page)
    screenshot(page, "home-case-officer")


def test_content_security_policy_has_no_inline_scripts(page, db):
    response = page.goto("/accounts/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_skip_link_is_the_first_stop_and_leads_to_the_content(page, db):
    page.goto("/accessibility")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_language_switcher_shows_dutch(page, anna):
    sign_in(page, "anna", "x-anna")
    page.get_by_label("Language").select_option("nl")
    page.get_by_role("button", name="Change").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("link", name="Toegankelijkheidsverklaring").is_visible()
    assert_accessible(page)


def test_narrow_screen_at_200_percent_zoom_has_no_horizontal_scroll(page, anna):
    # 200% zoom of a 1280px window is the same layout width as a 640px window.
    page.set_viewport_size({"width": 640, "height": 800})
    sign_in(page, "anna", "x-anna")
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert overflow is False
    screenshot(page, "home-narrow")
