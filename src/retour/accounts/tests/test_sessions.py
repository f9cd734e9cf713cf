"""Sessions end when the account or its password changes (ASVS 5.0 7.4.2, 7.4.3): a
deactivated user is signed out at their next request, and a new password ends every other
session of the user."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from retour.accounts.models import SignedInSession
from retour.accounts.signin import totp
from retour.audit.models import AccessLogEntry


@pytest.mark.django_db
def test_a_deactivated_user_is_signed_out_at_the_next_request(anna):
    browser = Client()
    browser.force_login(anna)
    assert browser.get("/cases/").status_code == 200
    anna.is_active = False
    anna.save(update_fields=["is_active"])
    response = browser.get("/cases/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_a_new_password_ends_the_user_s_other_sessions(anna):
    office, phone = Client(), Client()
    office.force_login(anna)
    phone.force_login(anna)
    anna.set_password("a-new-and-long-passphrase-for-anna")
    anna.save(update_fields=["password"])
    for browser in (office, phone):
        response = browser.get("/cases/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ---------------------------------------------------------------------------------------------
# The user's own sessions (ASVS 7.1.2, 7.5.2)

SESSIONS = "/accounts/sessions/"
FIREFOX_ON_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 "
                      "Firefox/140.0")
SAFARI_ON_A_MAC = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, "
                   "like Gecko) Version/17.5 Safari/605.1.15")
EDGE_ON_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                   "Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0")


def _browser(user, agent: str) -> Client:
    """Signed in through both steps, as a person does, from a browser that calls itself
    ``agent``."""
    device = TOTPDevice.objects.filter(user=user).first() or totp.give_device(user, "Phone")
    browser = Client(HTTP_USER_AGENT=agent)
    browser.post("/accounts/login/", {"username": user.username, "password": f"x-{user.username}"})
    # One code per time step: each sign-in of the test uses the next step's.
    device.refresh_from_db()
    device.last_t = -1
    device.save(update_fields=["last_t"])
    done = browser.post("/accounts/login/code/", {"code": totp.code_now(device)})
    assert done.status_code == 302, done.content.decode()[:500]
    return browser


def _signed_out(browser: Client) -> str | None:
    """The message a signed-out browser is given at its next request, or None if it is still
    signed in."""
    response = browser.get("/cases/", follow=True)
    if not response.redirect_chain or "/accounts/login/" not in response.redirect_chain[-1][0]:
        return None
    return " ".join(str(m) for m in response.context["messages"])


@pytest.mark.django_db
def test_a_user_sees_their_sessions_and_signs_one_out(anna, pieter):
    desk, laptop = _browser(anna, FIREFOX_ON_WINDOWS), _browser(anna, SAFARI_ON_A_MAC)
    colleague = _browser(pieter, EDGE_ON_WINDOWS)
    page = laptop.get(SESSIONS).content.decode()
    # Told apart by browser and system (not the whole User-Agent), this session first.
    assert page.index("Safari / Mac OS X") < page.index("Firefox / Windows")
    assert "This session" in page and "Edge" not in page and "Gecko" not in page
    desk_row = SignedInSession.objects.get(user=anna, browser="Firefox / Windows")
    theirs = SignedInSession.objects.get(user=pieter)
    assert laptop.post(f"{SESSIONS}{theirs.pk}/end/", follow=True).status_code == 200
    assert _signed_out(colleague) is None  # another user's session is not anna's to end
    done = laptop.post(f"{SESSIONS}{desk_row.pk}/end/", follow=True)
    assert "1 session signed out." in done.content.decode()
    assert "ended from another one" in (_signed_out(desk) or "")
    assert _signed_out(laptop) is None
    assert "Firefox" not in laptop.get(SESSIONS).content.decode()
    entry = AccessLogEntry.objects.filter(object_type="signed_in_session").get()
    assert entry.username == "anna" and entry.operation == "administer"


@pytest.mark.django_db
def test_signing_others_out_asks_for_the_password_again(anna):
    desk, laptop = _browser(anna, "desk"), _browser(anna, "laptop")
    session = laptop.session
    session["signin.confirmed_at"] = 0  # confirmed long ago
    session.save()
    response = laptop.post(f"{SESSIONS}end-others/")
    assert response.status_code == 302 and "/accounts/confirm/" in response["Location"]
    assert _signed_out(desk) is None


@pytest.mark.django_db
def test_one_sign_in_too_many_ends_the_session_used_least_recently(anna, settings):
    settings.SESSIONS_PER_USER = 3
    first, second, third = (_browser(anna, name) for name in ("first", "second", "third"))
    SignedInSession.objects.filter(browser="first").update(
        last_seen_at=timezone.now() - timedelta(minutes=5))
    fourth = _browser(anna, "fourth")
    assert "signed in on at most 3 at a time" in (_signed_out(first) or "")
    for browser in (second, third, fourth):
        assert _signed_out(browser) is None
    response = fourth.post(f"{SESSIONS}end-others/", follow=True)
    assert "2 sessions signed out." in response.content.decode()
    assert _signed_out(second) and _signed_out(third) and _signed_out(fourth) is None


@pytest.mark.django_db
def test_signing_out_ends_the_row_and_a_session_without_one_is_signed_out(anna):
    browser = _browser(anna, "desk")
    browser.post("/accounts/logout/")
    row = SignedInSession.objects.get(user=anna)
    assert row.ending == SignedInSession.Ending.SIGNED_OUT and row.ended_at is not None
    # A session that did not pass the sign-in steps (no row) is not taken as signed in.
    other = _browser(anna, "other")
    session = other.session
    del session["sessions.ref"]
    session.save()
    assert _signed_out(other) is not None


@pytest.mark.django_db
def test_behind_the_proxy_the_session_shows_the_client_s_address(anna, settings):
    # nginx in front (RETOUR_PROXY_COUNT=1, deploy/nginx.conf).
    settings.PROXY_COUNT = 1
    browser = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.23")
    device = totp.give_device(anna, "Phone")
    browser.post("/accounts/login/", {"username": "anna", "password": "x-anna"})
    assert browser.post("/accounts/login/code/", {"code": totp.code_now(device)}).status_code \
        == 302
    assert SignedInSession.objects.get(user=anna).address == "198.51.100.23"
