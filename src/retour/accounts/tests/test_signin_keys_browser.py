"""A security key in real Chromium (its virtual authenticator, through the DevTools protocol):
added on the sign-in methods page, then used after the password instead of the app's code.
Each page passes axe-core and is pictured."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from retour.testing.browser import assert_accessible, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def authenticator(page: Any, live_server: Any, settings: Any) -> Any:
    """A passkey-capable authenticator in the browser; the live server's origin allowed."""
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    made = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True}})
    return cdp, made["authenticatorId"]


def _add_key(page: Any, name: str) -> None:
    """Anna, signed in with her app, adds a key on the sign-in methods page."""
    sign_in(page, "anna", "x-anna")
    page.goto("/accounts/methods/")
    page.get_by_label("Name of the key").fill(name)
    page.get_by_role("button", name="Add security key").click()
    page.get_by_text(f"Security key “{name}” added.").wait_for()


def _look(page: Any, name: str) -> None:
    assert_accessible(page)
    for label, width in {"wide": 1366, "narrow": 390}.items():
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"signin-key-{name}-{label}")
    page.set_viewport_size({"width": 1366, "height": 900})


def test_a_key_added_on_the_methods_page_signs_in(page, anna, authenticator):
    cdp, authenticator_id = authenticator
    sign_in(page, "anna", "x-anna")
    page.goto("/accounts/methods/")
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-in methods"
    assert page.get_by_text("You have not added a security key or passkey.").is_visible()
    assert not page.get_by_text("This browser cannot use security keys").is_visible()
    _look(page, "methods")

    page.get_by_role("button", name="Add security key").click()  # no name yet
    assert page.get_by_text("Enter a name for the security key").is_visible()
    page.get_by_label("Name of the key").fill("Laptop passkey")
    page.get_by_role("button", name="Add security key").click()
    page.get_by_text("Security key “Laptop passkey” added.").wait_for()
    assert page.get_by_role("rowheader", name="Laptop passkey").is_visible()
    _look(page, "added")
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(credentials["credentials"]) == 1
    assert WebAuthnCredential.objects.get(user=anna).name == "Laptop passkey"

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill("x-anna")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/login/code/")
    assert page.get_by_role("heading", level=1).inner_text() == \
        "Use your security key or your app"
    _look(page, "code")
    page.get_by_role("button", name="Use your security key").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Anna"
    assert WebAuthnCredential.objects.get(user=anna).last_used_at is not None


def test_a_key_is_removed(page, anna, authenticator):
    _add_key(page, "Blue USB key")
    page.get_by_role("button", name="Remove Blue USB key").click()
    page.get_by_text("Security key “Blue USB key” removed.").wait_for()
    assert page.get_by_text("You have not added a security key or passkey.").is_visible()
    assert not WebAuthnCredential.objects.filter(user=anna).exists()


def test_the_script_runs_under_the_pages_own_policy(chromium, live_server, anna, settings):
    """The other tests let axe-core in past the CSP; here the policy holds, and the key is
    still added and used (the script is a static file, its options JSON data)."""
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    context = chromium.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        refused: list[str] = []
        page.on("console", lambda message: refused.append(message.text)
                if "Content Security Policy" in message.text else None)
        cdp = context.new_cdp_session(page)
        cdp.send("WebAuthn.enable")
        cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
            "protocol": "ctap2", "transport": "usb", "hasResidentKey": False,
            "hasUserVerification": False, "isUserPresent": True}})
        _add_key(page, "USB key")
        page.get_by_role("button", name="Sign out").click()
        page.get_by_label("Username").fill("anna")
        page.get_by_label("Password").fill("x-anna")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("button", name="Use your security key").click()
        page.wait_for_url(lambda url: "/accounts/login" not in url)
        assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Anna"
        assert refused == []
    finally:
        context.close()
