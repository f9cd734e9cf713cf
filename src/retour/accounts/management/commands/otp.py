"""``retour otp code|reset USERNAME``: the second step of signing in, from the command line.

``code`` prints the code a demo user's authenticator app would show now, so that the demo
can be tried without a phone; it is refused unless ``RETOUR_DEBUG`` is on, since on a real
system it would make the second factor worthless. ``reset`` removes a user's second factor
(a lost phone or key, ``retour.accounts.recovery``) and signs them out everywhere, recorded in
the access log with the operating-system account that ran it: the next sign-in sets up a new
one.
"""

from __future__ import annotations

import getpass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from retour.accounts import recovery
from retour.accounts.models import User
from retour.accounts.signin import totp


class Command(BaseCommand):
    help = "One-time codes of the sign-in: a demo user's current code, or reset a user's app."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
        code = commands.add_parser(
            "code", help="Print the user's current code (only when RETOUR_DEBUG is on).")
        code.add_argument("username")
        reset = commands.add_parser(
            "reset", help="Remove the user's authenticator app; the next sign-in sets one up.")
        reset.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"no user named {options['username']!r}") from None
        if options["command"] == "reset":
            removed = recovery.remove_second_factor(
                None, [user], channel="cli",
                reason=f"second factor removed on the command line by {getpass.getuser()}")
            self.stdout.write(f"{user.username}: {removed} second factor(s) removed and signed "
                              "out everywhere; the next sign-in sets up a new one (recorded in "
                              "the access log)")
            return
        if not settings.DEBUG:
            raise CommandError("codes are shown only on a demo machine (RETOUR_DEBUG=true): "
                               "elsewhere they would defeat the second step of signing in")
        device = totp.confirmed_device(user)
        if device is None:
            raise CommandError(f"{user.username} has no authenticator app yet: sign in once to "
                               "set one up, or run `retour demo_users`")
        self.stdout.write(totp.code_now(device))
