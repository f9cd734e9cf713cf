"""``retour demo_users``: one login per role, never on a system without RETOUR_DEBUG."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from retour.accounts.models import Role, User
from retour.accounts.roles import RoleCode

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("demo_users", *args, stdout=out)
    return out.getvalue()


def test_refused_without_debug_and_creates_nobody(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="RETOUR_DEBUG"):
        _run()
    assert not User.objects.exists()


def test_one_user_per_role_with_the_printed_password(settings):
    settings.DEBUG = True
    table = _run()
    users = User.objects.all()
    assert {code for user in users for code in user.role_codes} == set(RoleCode.values)
    for user in users:
        assert f"{user.username}  " in table and f"demo-{user.username}" in table
        assert user.check_password(f"demo-{user.username}")
    officers = set(User.objects.filter(roles__code=RoleCode.CASE_OFFICER,
                                       authority__member_state="NL")
                   .values_list("authority__code", flat=True))
    assert officers == {"nl-dtv", "nl-avim"}  # a hand-over between them can be shown
    assert User.objects.get(username="eu-coordinator").member_state_code is None


def test_running_again_restores_the_demo_users_and_adds_none(settings):
    settings.DEBUG = True
    _run()
    count = User.objects.count()
    officer = User.objects.get(username="nl-officer")
    officer.set_password("changed-by-someone")
    officer.is_active = False
    officer.save()
    officer.roles.set([Role.objects.get(code=RoleCode.AUDITOR)])
    _run()
    officer = User.objects.get(username="nl-officer")
    assert User.objects.count() == count
    assert officer.is_active and officer.check_password("demo-nl-officer")
    assert officer.role_codes == {RoleCode.CASE_OFFICER}


def test_force_allows_it_without_debug(settings):
    settings.DEBUG = False
    _run("--force")
    assert User.objects.filter(username="nl-admin", roles__code="administrator").exists()


def test_each_demo_user_gets_an_authenticator_whose_code_the_demo_can_print(settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from retour.accounts.signin import totp

    settings.DEBUG = True
    table = _run()
    officer = User.objects.get(username="nl-officer")
    device = TOTPDevice.objects.get(user=officer, confirmed=True)
    assert totp.secret(device) in table and "retour otp code" in table
    out = StringIO()
    call_command("otp", "code", "nl-officer", stdout=out)
    assert device.verify_token(out.getvalue().strip())
    settings.DEBUG = False
    with pytest.raises(CommandError, match="RETOUR_DEBUG"):
        call_command("otp", "code", "nl-officer", stdout=StringIO())
    call_command("otp", "reset", "nl-officer", stdout=StringIO())
    assert not TOTPDevice.objects.filter(user=officer).exists()
