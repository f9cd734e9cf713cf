"""The whole sign-in in real Chromium: password, setting up the authenticator app with its QR
code, the code; then the code step of a later sign-in and the lockout page. Each page passes
axe-core and is pictured at a laptop's and a phone's width."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from retour.accounts.signin import totp
from retour.testing.browser import assert_accessible, screenshot

pytestmark = pytest.mark.browser
WIDTHS = {"wide": 1366, "narrow": 390}


def _look(page, name: str) -> None:
    assert_accessible(page)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"signin-{name}-{label}")
    page.set_viewport_size({"width": WIDTHS["wide"], "height": 900})


def _password(page, username: str, password: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_first_sign_in_sets_up_the_app_then_asks_for_its_code(page, anna):
    page.goto("/cases/")
    page.wait_for_url("**/accounts/login/?next=/cases/")
    _look(page, "password")
    _password(page, "anna", "x-anna")

    page.wait_for_url("**/accounts/login/authenticator/")
    qr = page.get_by_role("img", name="QR code to scan with your authenticator app")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.naturalWidth") > 0  # the CSP lets the data: image load
    _look(page, "enrol")
    device = TOTPDevice.objects.get(user=anna, confirmed=False)
    page.get_by_label("Code from your authenticator app").fill("123 45")
    page.get_by_role("button", name="Confirm and sign in").click()
    assert page.get_by_text("The code is six digits").is_visible()
    _look(page, "enrol-error")
    page.get_by_label("Code from your authenticator app").fill(totp.code_now(device))
    page.get_by_role("button", name="Confirm and sign in").click()
    # The offer of a security key beside the app, then back where Anna was going.
    page.wait_for_url("**/accounts/methods/?next=%2Fcases%2F")
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url("**/cases/")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    _password(page, "anna", "x-anna")
    page.wait_for_url("**/accounts/login/code/")
    _look(page, "code")
    device.refresh_from_db()
    page.get_by_label("Code from your authenticator app").fill(totp.code_now(device))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Anna"


def test_the_lockout_page_says_when_to_try_again(page, anna):
    page.goto("/accounts/login/")
    for attempt in range(5):
        _password(page, "anna", f"wrong-{attempt}")
    assert page.get_by_role("heading", level=1).inner_text() == "Too many attempts"
    assert page.get_by_text("Try again after").is_visible()
    _look(page, "locked-out")
