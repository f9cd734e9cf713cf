"""An administrator gets a colleague back in or out (``retour.accounts.recovery``): signs them
out everywhere, removes their second factor, lifts their lockout; each in the access log, each
within the administration's scope, never on their own account or another administrator's."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import make_user
from retour.accounts import recovery
from retour.accounts.models import ApiToken, User
from retour.accounts.roles import RoleCode
from retour.accounts.signin import totp
from retour.audit.models import AccessLogEntry
from retour.errors import NotVisible, PermissionRefused

USERS = "/admin/accounts/user/"
LOGIN = "/accounts/login/"


def _signed_in_browser(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    assert browser.get("/cases/").status_code == 200
    return browser


def _signed_out(browser: Client) -> bool:
    response = browser.get("/cases/")
    return response.status_code == 302 and LOGIN in response["Location"]


def _act(admin: User, action: str, *users: User) -> Any:
    browser = Client()
    browser.force_login(admin)
    return browser.post(USERS, {"action": action, "_selected_action": [u.pk for u in users]},
                        follow=True)


def _last_entry(operation: str = "administer") -> AccessLogEntry:
    return AccessLogEntry.objects.filter(operation=operation).latest("sequence")


@pytest.mark.django_db
def test_signing_a_user_out_everywhere_ends_every_session_and_token(ada, anna, pieter):
    office, phone, colleague = (_signed_in_browser(u) for u in (anna, anna, pieter))
    _, token = ApiToken.issue(anna, "laptop")
    response = _act(ada, "end_sessions", anna)
    assert "Signed out everywhere: 1 user(s)." in response.content.decode()
    assert _signed_out(office) and _signed_out(phone)
    assert not _signed_out(colleague)
    assert ApiToken.objects.get(user=anna).revoked_at is not None
    assert Client().get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    entry = _last_entry()
    assert (entry.username, entry.operation, entry.object_type, entry.object_ids) == (
        "ada", "administer", "user", [str(anna.pk)])
    # Signing in again works as before.
    assert _signed_in_browser(User.objects.get(pk=anna.pk))


@pytest.mark.django_db
def test_removing_a_second_factor_signs_out_and_asks_for_a_new_one(ada, anna):
    totp.give_device(anna, "Phone")
    browser = _signed_in_browser(anna)
    response = _act(ada, "remove_second_factor", anna)
    assert "Second factor removed and signed out: 1 user(s)." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=anna).exists()
    assert _signed_out(browser)
    # The password now leads to setting up a new authenticator app.
    again = Client()
    again.post(LOGIN, {"username": "anna", "password": "x-anna"})
    step = again.get("/accounts/login/code/")
    assert step.status_code == 302 and step["Location"].endswith("/accounts/login/authenticator/")


@pytest.mark.django_db
def test_nobody_removes_their_own_or_another_administrators_second_factor(ada):
    other = make_user("bram", "Bram", "Dijk", "nl-avim", (RoleCode.ADMINISTRATOR,))
    for target in (ada, other):
        totp.give_device(target, "Phone")
        response = _act(ada, "remove_second_factor", target)
        assert response.status_code == 200
        assert TOTPDevice.objects.filter(user=target).exists()
    assert "cannot remove your own second factor" in _act(
        ada, "remove_second_factor", ada).content.decode()
    with pytest.raises(PermissionRefused, match="retour otp reset"):
        recovery.remove_second_factor(ada, [other])


@pytest.mark.django_db
def test_another_member_states_user_does_not_exist_for_the_administrator(ada, lucas):
    browser = _signed_in_browser(lucas)
    before = AccessLogEntry.objects.count()
    for act in (recovery.end_sessions, recovery.remove_second_factor, recovery.lift_lockout):
        with pytest.raises(NotVisible):
            act(ada, [lucas])
    # Through the page, the Belgian's key is not among those the action is taken on.
    assert "There is no such user." in _act(ada, "end_sessions", lucas).content.decode()
    assert not _signed_out(browser)
    assert User.objects.get(pk=lucas.pk).sessions_ended_at is None
    assert AccessLogEntry.objects.filter(operation="administer").count() == 0
    assert AccessLogEntry.objects.count() >= before


@pytest.mark.django_db
def test_lifting_a_lockout_lets_the_user_try_again_at_once(ada, anna):
    totp.give_device(anna, "Phone")
    browser = Client()
    for i in range(5):
        browser.post(LOGIN, {"username": "anna", "password": f"wrong-{i}"})
    assert browser.post(LOGIN, {"username": "anna", "password": "x-anna"}).status_code == 429
    response = _act(ada, "lift_lockout", anna)
    assert "Sign-in lockout lifted: 1 user(s)." in response.content.decode()
    step = browser.post(LOGIN, {"username": "anna", "password": "x-anna"})
    assert step.status_code == 302 and step["Location"].endswith("/accounts/login/code/")


@pytest.mark.django_db
def test_the_command_line_reset_is_in_the_access_log(anna):
    totp.give_device(anna, "Phone")
    out = StringIO()
    call_command("otp", "reset", "anna", stdout=out)
    assert "1 second factor(s) removed" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=anna).exists()
    entry = _last_entry()
    assert (entry.username, entry.channel, entry.object_ids) == ("system", "cli", [str(anna.pk)])
    assert "on the command line by" in entry.reason
