"""``retour administrator``: the first administrators of an installation, made on the server
with the administrator role only, the password rules held, and an access-log entry."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from retour.accounts.models import User
from retour.audit.models import AccessLogEntry

GOOD = "correct horse battery staple 42"


def _make(monkeypatch, *args: str, password: str = GOOD) -> str:
    monkeypatch.setattr("sys.stdin", StringIO(password + "\n"))
    out = StringIO()
    call_command("administrator", *args, "--password-stdin", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_first_administrator_of_a_member_state(monkeypatch):
    said = _make(monkeypatch, "nl-beheer", "--authority", "nl-dtv", "--first-name", "Fleur")
    assert "administrator of NL at nl-dtv" in said
    made = User.objects.get(username="nl-beheer")
    assert made.role_codes == {"administrator"} and made.check_password(GOOD)
    assert not made.can("view_personal_data")
    entry = AccessLogEntry.objects.get(operation="administer")
    assert (entry.username, entry.channel, entry.object_ids) == ("system", "cli", [str(made.pk)])
    assert "made on the command line by" in entry.reason


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "password", "says"), [
    (("nl-beheer", "--authority", "nl-nowhere"), GOOD, "--authority: no authority 'nl-nowhere'"),
    (("nl-beheer", "--authority", "nl-dtv"), "retour2026!", "the password:"),
    (("nl-beheer", "--authority", "nl-dtv"), "short", "the password:"),
    (("nl-\u202ebeheer", "--authority", "nl-dtv"), GOOD, "username: Enter a valid username"),
    (("nl-beheer", "--authority", "nl-dtv", "--last-name", "Jansen\u202e"), GOOD,
     "--last-name: contains a control or invisible character"),
    (("anna", "--authority", "nl-dtv"), GOOD, "a user named 'anna' exists already"),
])
def test_bad_input_is_refused_by_name_and_nothing_is_made(monkeypatch, anna, args, password,
                                                          says):
    before = User.objects.count()
    with pytest.raises(CommandError, match=says) as refused:
        _make(monkeypatch, *args, password=password)
    assert "nothing was made" in str(refused.value)
    assert User.objects.count() == before
    assert not AccessLogEntry.objects.filter(operation="administer").exists()
