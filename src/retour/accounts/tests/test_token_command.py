"""``retour token``: issue once, list without revealing, revoke by id, hint or token."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from retour import clock
from retour.accounts.models import ApiToken


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_the_token_once_and_stores_only_its_digest(anna):
    out, err = run("create", "anna", "--name", "laptop")
    raw = out.strip()
    assert raw.startswith(ApiToken.PREFIX) and len(raw) > 40
    token = ApiToken.objects.get(user=anna)
    assert token.name == "laptop"
    assert token.digest == ApiToken.digest_of(raw)
    assert raw not in (token.digest, token.hint) and raw.startswith(token.hint)
    assert "shown only this once" in err
    assert raw not in err


def test_list_shows_hints_and_state_but_never_the_token(anna):
    raw = run("create", "anna", "--name", "laptop")[0].strip()
    run("create", "anna", "--name", "ci")
    with clock.frozen_at(datetime(2031, 6, 1, 12, 0, tzinfo=UTC)):
        run("revoke", ApiToken.objects.get(name="ci").hint)
    out, _ = run("list", "anna")
    assert raw not in out
    header, *rows = out.splitlines()
    assert header.split() == ["id", "hint", "created", "last", "used", "revoked", "name"]
    laptop = next(row for row in rows if row.endswith("laptop"))
    ci = next(row for row in rows if row.endswith("ci"))
    assert len(rows) == 2
    assert ApiToken.objects.get(name="laptop").hint in laptop
    assert "2031-06-01" not in laptop and laptop.split().count("-") == 2  # unused, live
    assert "2031-06-01" in ci and ci.split().count("-") == 1  # unused, revoked


def test_list_of_a_user_without_tokens(anna):
    assert run("list", "anna")[0].strip() == "anna has no API tokens"


@pytest.mark.parametrize("how", ["id", "hint", "hint…", "token"])
def test_revoke_by_id_hint_or_the_token_itself(anna, how):
    raw = run("create", "anna")[0].strip()
    token = ApiToken.objects.get(user=anna)
    given = {
        "id": str(token.pk), "hint": token.hint, "hint…": token.hint + "…", "token": raw,
    }[how]
    out, _ = run("revoke", given)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert f"token {token.pk}" in out and "revoked" in out


def test_revoking_twice_says_so(anna):
    run("create", "anna")
    token = ApiToken.objects.get(user=anna)
    run("revoke", str(token.pk))
    with pytest.raises(CommandError, match="already revoked"):
        run("revoke", str(token.pk))


@pytest.mark.parametrize("args", [("create", "nobody"), ("list", "nobody")])
def test_unknown_user_is_a_clear_error(db, args):
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        run(*args)
    assert not ApiToken.objects.exists()


def test_unknown_token_is_a_clear_error(anna):
    with pytest.raises(CommandError, match="no API token 'rtr_nope'"):
        run("revoke", "rtr_nope")


def test_inactive_user_gets_no_token(anna):
    anna.is_active = False
    anna.save()
    with pytest.raises(CommandError, match="inactive"):
        run("create", "anna")
    assert not ApiToken.objects.exists()


def test_name_too_long_is_refused(anna):
    with pytest.raises(CommandError, match="--name"):
        run("create", "anna", "--name", "x" * 101)
    assert not ApiToken.objects.exists()
