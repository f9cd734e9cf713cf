"""Signing in (ADR 0014): password then code, lockout tiers, passwords refused, the session's
absolute lifetime, confirmation before sensitive operations. Through the real pages, the real
django-axes and django-otp; only wall-clock time is moved, by writing the session's sign-in
moment as it would stand hours later."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from retour.accounts.signin import lockout, totp
from retour.accounts.signin.passwords import BreachedPasswordValidator, ContextPasswordValidator

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
CODE = "/accounts/login/code/"
ENROL = "/accounts/login/authenticator/"


def _password(client: Any, username: str, password: str, **extra: Any) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _signed_in(client: Any) -> bool:
    return SESSION_KEY in client.session


def _with_device(user: Any) -> TOTPDevice:
    return totp.give_device(user, "Phone")


def _full_sign_in(client: Any, user: Any) -> None:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or _with_device(user)
    _password(client, user.username, f"x-{user.username}")
    response = client.post(CODE, {"code": totp.code_now(device)})
    assert response.status_code == 302 and _signed_in(client)


def test_fifty_wrong_passwords_then_the_right_one_is_refused_with_429(client, anna):
    _with_device(anna)
    statuses = [_password(client, "anna", f"wrong-{i}").status_code for i in range(50)]
    right = _password(client, "anna", "x-anna")
    assert statuses[:4] == [200] * 4 and set(statuses[4:]) == {429}
    assert right.status_code == 429 and not _signed_in(client)
    assert "Too many attempts" in right.content.decode() and right["Retry-After"]
    # Fifty failures in a day: the longest tier, a day from the last attempt.
    assert int(right["Retry-After"]) > 23 * 3600


def test_lockout_is_per_username_and_address(client, anna, pieter):
    for i in range(5):
        _password(client, "anna", f"wrong-{i}")
    assert _password(client, "anna", "x-anna").status_code == 429
    # Another colleague from the same address, and Anna from another, still get in.
    assert _password(client, "pieter", "x-pieter").status_code == 302
    assert _password(client, "anna", "x-anna", REMOTE_ADDR="10.0.0.9").status_code == 302


def test_lockout_tiers_grow_with_failures_in_a_day(rf, anna):
    request = rf.post(LOGIN, {"username": "anna"})
    request.session = {}
    assert lockout.cool_off(request) == timedelta(minutes=15)
    AccessFailureLog.objects.bulk_create([
        AccessFailureLog(username="anna", ip_address="127.0.0.1", user_agent="",
                         http_accept="", path_info=LOGIN, attempt_time=timezone.now())
        for _ in range(10)
    ])
    assert lockout.cool_off(request) == timedelta(hours=1)


def test_password_alone_does_not_sign_in(client, anna):
    _with_device(anna)
    response = _password(client, "anna", "x-anna")
    assert response.status_code == 302 and response["Location"] == CODE
    assert not _signed_in(client)
    assert client.get("/").status_code == 302  # home still asks to sign in
    assert client.get(CODE).status_code == 200


def test_the_right_code_signs_in_and_sends_user_logged_in(client, anna):
    seen: list[Any] = []
    receiver = lambda sender, user, **kw: seen.append(user)  # noqa: E731
    user_logged_in.connect(receiver)
    try:
        _full_sign_in(client, anna)
    finally:
        user_logged_in.disconnect(receiver)
    assert seen == [anna]
    assert client.get("/").status_code == 200


def test_a_wrong_code_is_refused_counted_and_locks_out(client, anna):
    device = _with_device(anna)
    failed: list[dict[str, Any]] = []
    receiver = lambda sender, credentials, **kw: failed.append(credentials)  # noqa: E731
    user_login_failed.connect(receiver)
    try:
        _password(client, "anna", "x-anna")
        response = client.post(CODE, {"code": "000000" if totp.code_now(device) != "000000"
                                      else "111111"})
    finally:
        user_login_failed.disconnect(receiver)
    assert response.status_code == 200 and not _signed_in(client)
    assert "That code is not right" in response.content.decode()
    assert failed == [{"username": "anna"}]
    assert AccessAttempt.objects.get(username="anna").failures_since_start == 1
    for _ in range(4):
        response = client.post(CODE, {"code": "not a code!"[:6]})  # invalid: not counted
        response = client.post(CODE, {"code": "999999"})
    assert response.status_code == 429 and not _signed_in(client)
    device.throttling_failure_count = 0
    device.save()
    # Even the right code now: locked out, still not signed in.
    assert client.post(CODE, {"code": totp.code_now(device)}).status_code == 429
    assert not _signed_in(client)


def test_first_sign_in_enrols_an_authenticator_app(client, anna):
    response = _password(client, "anna", "x-anna")
    assert client.get(CODE)["Location"] == ENROL
    page = client.get(ENROL)
    text = page.content.decode()
    device = TOTPDevice.objects.get(user=anna, confirmed=False)
    assert totp.secret(device) in text and 'src="data:image/svg+xml' in text
    # A reload shows the same key, so what was scanned stays valid.
    assert totp.secret(device) in client.get(ENROL).content.decode()
    assert not _signed_in(client)
    response = client.post(ENROL, {"code": totp.code_now(device)})
    assert response.status_code == 302 and _signed_in(client)
    device.refresh_from_db()
    assert device.confirmed


def test_enrolment_needs_the_password_first(client, anna):
    assert client.get(ENROL)["Location"].startswith(LOGIN)
    assert not TOTPDevice.objects.exists()


@pytest.mark.parametrize("password", [
    "anna-travels-far", "DeVriesSummer88", "my-retour-password", "nl-dtv-office-2026",
    "dienst terugkeer en vertrek",
])
def test_passwords_from_the_context_are_refused(anna, password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, anna)
    assert "password_context" in [e.code for e in refused.value.error_list]


@pytest.mark.parametrize("password", ["Password123!", "p@ssw0rd", "1qaz2wsx3edc", "Sunshine2024"])
def test_breached_passwords_are_refused_also_decorated(password):
    with pytest.raises(ValidationError, match="stolen"):
        BreachedPasswordValidator().validate(password)


def test_a_good_password_passes(anna):
    validate_password("lantern-orbit-quietly-9", anna)
    ContextPasswordValidator().validate("lantern-orbit-quietly-9", None)


def test_refusals_read_in_dutch(anna):
    from django.utils import translation

    with translation.override("nl"), pytest.raises(ValidationError) as refused:
        validate_password("retour-retour-retour", anna)
    assert any("Retour" in m and "wachtwoord" in m.lower() for m in refused.value.messages)


def test_the_session_ends_twelve_hours_after_sign_in_however_active(client, anna, settings):
    _full_sign_in(client, anna)
    for _ in range(3):  # active all the time: the idle timeout never ends it
        assert client.get("/").status_code == 200
    session = client.session
    session["signin.signed_in_at"] -= settings.SESSION_ABSOLUTE_SECONDS + 1
    session.save()
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"] == f"{LOGIN}?next=/cases/"
    assert not _signed_in(client)
    assert "at most 12 hours" in client.get(response["Location"]).content.decode()


def test_a_session_just_under_the_limit_goes_on(client, anna, settings):
    _full_sign_in(client, anna)
    session = client.session
    session["signin.signed_in_at"] -= settings.SESSION_ABSOLUTE_SECONDS - 60
    session.save()
    assert client.get("/").status_code == 200


def _age_confirmation(client: Any, seconds: int) -> None:
    session = client.session
    session["signin.confirmed_at"] -= seconds
    session.save()


def test_administration_asks_for_password_and_code_again(client, ada, settings):
    _full_sign_in(client, ada)
    assert client.get("/admin/").status_code == 200  # just signed in: fresh
    _age_confirmation(client, settings.REAUTHENTICATION_SECONDS + 1)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm/?next=%2Fadmin%2Faccounts%2Fuser%2F"
    page = client.get(response["Location"])
    assert "Confirm it is you" in page.content.decode()
    device = TOTPDevice.objects.get(user=ada)
    wrong = client.post(response["Location"], {"password": "x-ada", "code": "12345"})
    assert wrong.status_code == 200
    right = client.post(response["Location"], {
        "password": "x-ada", "code": totp.code_now(device), "next": "/admin/accounts/user/"})
    assert right.status_code == 302 and right["Location"] == "/admin/accounts/user/"
    assert client.get("/admin/accounts/user/").status_code == 200


def test_confirmation_refuses_a_wrong_password(client, ada, settings):
    _full_sign_in(client, ada)
    _age_confirmation(client, settings.REAUTHENTICATION_SECONDS + 1)
    device = TOTPDevice.objects.get(user=ada)
    response = client.post("/accounts/confirm/?next=/admin/", {
        "password": "not-it", "code": totp.code_now(device)})
    assert response.status_code == 200 and "The password is not right" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_the_admin_login_form_is_not_a_way_around_the_code(client, ada):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    posted = client.post("/admin/login/", {"username": "ada", "password": "x-ada"})
    assert posted.status_code == 302 and not _signed_in(client)


def test_a_confirmation_elsewhere_returns_only_to_this_site(client, ada):
    _full_sign_in(client, ada)
    device = TOTPDevice.objects.get(user=ada)
    response = client.post("/accounts/confirm/", {
        "password": "x-ada", "code": totp.code_now(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_api_export_through_the_browser_session_asks_for_confirmation(client, anna, settings):
    url = "/api/v1/readmission-requests/999999/export"
    _full_sign_in(client, anna)
    assert client.get(url).status_code == 404  # confirmed at sign-in: on to the (absent) request
    _age_confirmation(client, settings.REAUTHENTICATION_SECONDS + 1)
    refused = client.get(url)
    assert refused.status_code == 403 and "confirm your password" in refused.json()["detail"]


def test_behind_the_proxy_the_lockout_is_per_client_address(client, anna, settings):
    """With one proxy in front (RETOUR_PROXY_COUNT=1), the address is the client's as nginx
    appends it to X-Forwarded-For, not the proxy's (or every colleague behind it would share
    one lockout), and not what a client writes in the header itself."""
    settings.PROXY_COUNT = 1
    _with_device(anna)
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for i in range(5):  # an attacker who writes a fresh address of their own each time
        _password(client, "anna", f"wrong-{i}", **proxy,
                  HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.9")
    assert _password(client, "anna", "x-anna", **proxy,
                     HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    # Anna at her desk, behind the same proxy, is not locked out by the attacker.
    assert _password(client, "anna", "x-anna", **proxy,
                     HTTP_X_FORWARDED_FOR="198.51.100.23").status_code == 302
