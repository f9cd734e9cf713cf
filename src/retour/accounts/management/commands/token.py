"""``retour token create|list|revoke``: personal API tokens.

The token is printed once, on its own line on standard output (so a script can capture it);
only its SHA-256 digest is stored, so it cannot be shown again, only revoked and replaced.
Issuing and revoking are administrative changes in the access log (by "system": the command
line does not know who runs it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from retour import clock
from retour.accounts import administration
from retour.accounts.models import ApiToken, User

_NAME_LENGTH = ApiToken._meta.get_field("name").max_length or 100
_HINT_LENGTH = ApiToken._meta.get_field("hint").max_length or 12


def _user(username: str) -> User:
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise CommandError(f"no user named {username!r}") from None


def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


class Command(BaseCommand):
    help = "Create, list and revoke personal API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
        create = commands.add_parser("create", help="Issue a token; it is shown only once.")
        create.add_argument("username")
        create.add_argument("--name", default="API token", help="What the token is for.")
        listing = commands.add_parser("list", help="A user's tokens (never the tokens).")
        listing.add_argument("username")
        revoke = commands.add_parser("revoke", help="Refuse a token from now on.")
        revoke.add_argument(
            "token", metavar="HINT_OR_ID", help="The token's id, its hint (rtr_…) or the token."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["command"]
        if command == "create":
            self._create(options["username"], options["name"])
        elif command == "list":
            self._list(options["username"])
        else:
            self._revoke(options["token"])

    def _create(self, username: str, name: str) -> None:
        user = _user(username)
        if not user.is_active:
            raise CommandError(f"user {username!r} is inactive: a token would be refused")
        name = name.strip()
        if not name or len(name) > _NAME_LENGTH:
            raise CommandError(f"--name: give 1 to {_NAME_LENGTH} characters")
        with transaction.atomic():  # no token without its entry in the access log
            token, raw = ApiToken.issue(user, name)
            administration.record(None, "api_token", [token.pk], f"issued to {username}: {name}",
                                  channel="cli")
        self.stdout.write(raw)
        self.stderr.write(
            f"token {token.pk} ({token.hint}…, {name!r}) issued to {username}; "
            "it is shown only this once"
        )

    def _list(self, username: str) -> None:
        tokens = _user(username).api_tokens.order_by("created_at", "id")
        if not tokens:
            self.stdout.write(f"{username} has no API tokens")
            return
        self.stdout.write(f"{'id':>5}  {'hint':<11} {'created':<16}  {'last used':<16}  "
                          f"{'revoked':<16}  name")
        for t in tokens:
            self.stdout.write(
                f"{t.pk:>5}  {t.hint + '…':<11} {_when(t.created_at):<16}  "
                f"{_when(t.last_used_at):<16}  {_when(t.revoked_at):<16}  {t.name}"
            )

    def _revoke(self, given: str) -> None:
        token = self._find(given.strip())
        if token.revoked_at is not None:
            raise CommandError(f"token {token.pk} was already revoked on {_when(token.revoked_at)}")
        with transaction.atomic():
            token.revoked_at = clock.now()
            token.save(update_fields=["revoked_at"])
            administration.record(None, "api_token", [token.pk],
                                  f"revoked for {token.user.username}: {token.name}",
                                  channel="cli")
        self.stdout.write(f"token {token.pk} ({token.hint}…) of {token.user.username} revoked")

    def _find(self, given: str) -> ApiToken:
        tokens = ApiToken.objects.select_related("user")
        if given.isdigit():
            matches = list(tokens.filter(pk=int(given)))
        elif len(given) > _HINT_LENGTH:  # longer than any hint: the token itself
            matches = list(tokens.filter(digest=ApiToken.digest_of(given)))
        else:  # as 'token list' shows it, perhaps with the ellipsis
            matches = list(tokens.filter(hint=given.rstrip("…")))
        if not matches:
            raise CommandError(f"no API token {given!r}: give its id or hint (see 'token list')")
        if len(matches) > 1:
            ids = ", ".join(str(t.pk) for t in matches)
            raise CommandError(f"{given!r} matches tokens {ids}: give the id instead")
        return matches[0]
