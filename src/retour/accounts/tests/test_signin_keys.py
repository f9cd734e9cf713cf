"""Security keys and passkeys (WebAuthn) as the second step (ADR 0014): added (named) and
removed on the sign-in methods page behind a fresh confirmation, used after the password
instead of the app's code, and refused and counted as a wrong code is when the answer is
another person's key, forged, for another site, or replayed. The answers come from a key in
software (``softkey``) and are checked by the real django-otp-webauthn and py_webauthn."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django_otp_webauthn.models import WebAuthnCredential

from retour.accounts.signin import keys, state, totp
from retour.accounts.tests.softkey import SoftKey
from retour.audit.models import AccessLogEntry

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
CODE = "/accounts/login/code/"
ENROL = "/accounts/login/authenticator/"
CONFIRM = "/accounts/confirm/"
METHODS = "/accounts/methods/"


def _origin() -> str:
    return str(settings.OTP_WEBAUTHN_ALLOWED_ORIGINS[0])


def _signed_in(client: Any) -> bool:
    return SESSION_KEY in client.session


def _password(client: Any, user: Any) -> Any:
    if totp.confirmed_device(user) is None:
        totp.give_device(user, "Phone")
    return client.post(LOGIN, {"username": user.username, "password": f"x-{user.username}"})


def _with_key(client: Any, user: Any, name: str = "Blue USB key") -> SoftKey:
    """``user`` adds a key on the sign-in methods page (signed in just before), then is
    signed out again."""
    if totp.confirmed_device(user) is None:
        totp.give_device(user, "Phone")
    client.force_login(user)
    key = SoftKey(_origin())
    options = client.get(METHODS).context["key_options"]
    response = client.post(METHODS, {"action": "add", "name": name,
                                     "credential": key.create(options)})
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return key


def _code_page_options(client: Any) -> dict[str, Any]:
    page = client.get(CODE)
    assert page.status_code == 200
    return dict(page.context["key_options"])


class _Failures:
    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    def __enter__(self) -> list[dict[str, Any]]:
        user_login_failed.connect(self._receive)
        return self.seen

    def __exit__(self, *args: Any) -> None:
        user_login_failed.disconnect(self._receive)

    def _receive(self, sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
        self.seen.append(credentials)


def test_a_key_is_added_with_its_name_and_listed(client, anna):
    _with_key(client, anna, "Blue USB key")
    key = WebAuthnCredential.objects.get(user=anna)
    assert key.name == "Blue USB key" and key.confirmed and key.sign_count == 1
    client.force_login(anna)
    page = client.get(METHODS).content.decode()
    assert "Blue USB key" in page and "Remove" in page
    assert AccessLogEntry.objects.filter(
        username="anna", operation="administer", reason="security key added: Blue USB key",
    ).exists()
    assert 'id="key-options" type="application/json"' in page  # data, not a script that runs


def test_the_page_says_so_and_adds_nothing_without_a_name_or_with_a_bad_answer(client, anna):
    client.force_login(anna)
    key = SoftKey(_origin())
    options = client.get(METHODS).context["key_options"]
    response = client.post(METHODS, {"action": "add", "name": "  ",
                                     "credential": key.create(options)})
    assert "Enter a name for the security key" in response.content.decode()
    options = response.context["key_options"]
    response = client.post(METHODS, {"action": "add", "name": "Key",
                                     "credential": key.create(options, origin="https://evil.example")})
    assert "The security key was not added" in response.content.decode()
    assert not WebAuthnCredential.objects.exists()


def test_signing_in_with_a_key_after_the_password(client, anna):
    key = _with_key(client, anna)
    assert _password(client, anna)["Location"] == CODE
    page = client.get(CODE)
    text = page.content.decode()
    assert "Use your security key" in text and "Or enter a code" in text
    options = page.context["key_options"]
    assert [c["id"] for c in options["allowCredentials"]] != []
    seen: list[Any] = []
    receiver = lambda sender, user, **kw: seen.append(user)  # noqa: E731
    user_logged_in.connect(receiver)
    try:
        response = client.post(CODE, {"credential": key.get(options)})
    finally:
        user_logged_in.disconnect(receiver)
    assert response.status_code == 302 and _signed_in(client)
    assert seen == [anna]
    assert WebAuthnCredential.objects.get(user=anna).last_used_at is not None
    assert AccessLogEntry.objects.filter(username="anna", operation="sign_in").exists()


def test_without_a_key_the_code_page_asks_only_for_the_code(client, anna):
    _password(client, anna)
    page = client.get(CODE)
    assert page.context["key_options"] is None
    assert "Use your security key" not in page.content.decode()


def test_another_persons_key_is_refused_and_counted(client, anna, pieter):
    _with_key(client, anna)
    pieters = _with_key(client, pieter)
    _password(client, anna)
    options = _code_page_options(client)
    with _Failures() as failed:
        response = client.post(CODE, {"credential": pieters.get(options)})
    assert response.status_code == 200 and not _signed_in(client)
    assert "The security key was not accepted" in response.content.decode()
    assert failed == [{"username": "anna"}]
    assert AccessAttempt.objects.get(username="anna").failures_since_start == 1
    assert AccessLogEntry.objects.filter(username="anna", operation="sign_in_failed").exists()


@pytest.mark.parametrize("wrong", ["forged", "other site", "replayed", "not an answer"])
def test_a_wrong_answer_of_the_right_key_is_refused_and_counted(client, anna, wrong):
    key = _with_key(client, anna)
    _password(client, anna)
    options = _code_page_options(client)
    if wrong == "forged":
        answer = key.get(options, signer=SoftKey(_origin()))
    elif wrong == "other site":
        answer = key.get(options, origin="https://retour.example.org")
    elif wrong == "replayed":
        answer = key.get(options)
        _code_page_options(client)  # a new challenge: the old answer is for the old one
    else:
        answer = json.dumps({"id": "x"})
    with _Failures() as failed:
        response = client.post(CODE, {"credential": answer})
    assert response.status_code == 200 and not _signed_in(client)
    assert failed == [{"username": "anna"}]


def test_an_answer_cannot_be_used_twice(client, anna):
    key = _with_key(client, anna)
    _password(client, anna)
    answer = key.get(_code_page_options(client))
    assert client.post(CODE, {"credential": answer}).status_code == 302
    client.logout()
    _password(client, anna)
    client.get(CODE)
    assert client.post(CODE, {"credential": answer}).status_code == 200
    assert not _signed_in(client)


def test_wrong_keys_lock_out_as_wrong_codes_do(client, anna, pieter):
    key = _with_key(client, anna)
    pieters = _with_key(client, pieter)
    _password(client, anna)
    for _ in range(5):
        response = client.post(CODE, {"credential": pieters.get(_code_page_options(client))})
    assert response.status_code == 429
    # Even the right key now: locked out.
    response = client.post(CODE, {"credential": key.get(_code_page_options(client))})
    assert response.status_code == 429 and not _signed_in(client)


def test_the_methods_page_asks_for_a_fresh_confirmation(client, anna):
    key = _with_key(client, anna)
    client.force_login(anna)
    session = client.session
    session["signin.confirmed_at"] = session["signin.confirmed_at"] - 3600
    session.save()
    response = client.get(METHODS)
    assert response.status_code == 302 and response["Location"].startswith(CONFIRM)
    # Password and key confirm as password and code do.
    page = client.get(f"{CONFIRM}?next={METHODS}")
    assert "Confirm with your security key" in page.content.decode()
    options = page.context["key_options"]
    response = client.post(CONFIRM, {"password": "x-anna", "credential": key.get(options),
                                     "next": METHODS})
    assert response.status_code == 302 and response["Location"] == METHODS
    assert client.get(METHODS).status_code == 200


def test_confirming_with_a_wrong_password_and_a_key_fails(client, anna):
    key = _with_key(client, anna)
    client.force_login(anna)
    options = client.get(CONFIRM).context["key_options"]
    response = client.post(CONFIRM, {"password": "wrong", "credential": key.get(options)})
    assert response.status_code == 200 and "The password is not right" in response.content.decode()


def test_a_key_is_removed_by_its_owner_only(client, anna, pieter):
    _with_key(client, anna)
    _with_key(client, pieter)
    pieters = WebAuthnCredential.objects.get(user=pieter)
    annas = WebAuthnCredential.objects.get(user=anna)
    client.force_login(anna)
    client.post(METHODS, {"action": "remove", "key": str(pieters.pk)})
    assert WebAuthnCredential.objects.filter(pk=pieters.pk).exists()
    response = client.post(METHODS, {"action": "remove", "key": str(annas.pk)}, follow=True)
    assert not WebAuthnCredential.objects.filter(pk=annas.pk).exists()
    assert "Security key “Blue USB key” removed" in response.content.decode()
    assert not keys.has_key(anna)
    assert AccessLogEntry.objects.filter(
        username="anna", operation="administer", reason="security key removed: Blue USB key",
    ).count() == 1


def test_first_sign_in_offers_a_key_then_goes_on(client, anna):
    client.post(LOGIN, {"username": "anna", "password": "x-anna", "next": "/cases/"})
    client.get(ENROL)
    device = totp.enrolment_device(anna)
    response = client.post(ENROL, {"code": totp.code_now(device)})
    assert response.status_code == 302 and _signed_in(client)
    assert response["Location"] == f"{METHODS}?next=%2Fcases%2F"
    page = client.get(response["Location"]).content.decode()
    assert "Add a security key or passkey" in page and 'href="/cases/"' in page
    assert state.confirmed_within(client.get(METHODS).wsgi_request, 60)


def test_the_same_key_is_not_registered_twice(client, anna):
    key = _with_key(client, anna)
    client.force_login(anna)
    options = client.get(METHODS).context["key_options"]
    assert [c["id"] for c in options["excludeCredentials"]]  # the browser is told already
    response = client.post(METHODS, {"action": "add", "name": "Again",
                                     "credential": key.create(options)})
    assert "The security key was not added" in response.content.decode()
    assert WebAuthnCredential.objects.filter(user=anna).count() == 1


@pytest.mark.parametrize(("env", "rp_id", "origins"), [
    ({}, "localhost", ["http://localhost:8000"]),
    ({"RETOUR_ALLOWED_HOSTS": "10.0.0.5,[::1],.retour.example.eu"}, "retour.example.eu",
     ["https://retour.example.eu"]),
    ({"RETOUR_WEBAUTHN_RP_ID": "example.eu",
      "RETOUR_WEBAUTHN_ORIGINS": "https://retour.example.eu,https://nl.example.eu"},
     "example.eu", ["https://retour.example.eu", "https://nl.example.eu"]),
])
def test_the_relying_party_comes_from_the_deployment(env, rp_id, origins):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RETOUR_WEBAUTHN")
             and k != "RETOUR_ALLOWED_HOSTS"}
    read = subprocess.run(
        [sys.executable, "-c", "import json; from retour import settings as s; "
         "print(json.dumps([s.OTP_WEBAUTHN_RP_ID, s.OTP_WEBAUTHN_ALLOWED_ORIGINS]))"],
        env={**clean, "RETOUR_DEBUG": "true", **env}, capture_output=True, text=True, check=True)
    assert json.loads(read.stdout) == [rp_id, origins]


def test_removing_the_second_factor_on_the_server_removes_the_keys_too(client, anna):
    from retour.accounts import recovery

    _with_key(client, anna)
    assert recovery.remove_second_factor(None, [anna]) == 2  # the app and the key
    assert not keys.has_key(anna) and totp.confirmed_device(anna) is None
