"""``retour administrator USERNAME --authority CODE``: an administrator made on the server.

A new installation has nobody to approve the first administrator's roles (ADR 13: roles change
on a second administrator's approval), so the first administrators of a member state, and any
administrator later (one administrator never grants another), are made here by whoever runs the
server. The account gets the administrator role only, never a role that sees cases; the
password is asked twice (or read from standard input with ``--password-stdin``) and held to the
password rules; the second factor is set up at the first sign-in. The making is one transaction
with an access-log entry naming the operating-system account that ran the command.
"""

from __future__ import annotations

import getpass
import sys
import unicodedata
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from retour.accounts import administration
from retour.accounts.models import Authority, Role, User
from retour.accounts.roles import RoleCode


class Command(BaseCommand):
    help = "Make an administrator of an authority's member state (or of the EU bodies)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--authority", required=True, metavar="CODE",
                            help="The authority the administrator works at, e.g. nl-dtv.")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--password-stdin", action="store_true",
                            help="Read the password from the first line of standard input.")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        if User.objects.filter(username=username).exists():
            raise CommandError(f"a user named {username!r} exists already (nothing was made)")
        authority = Authority.objects.filter(code=options["authority"]).first()
        if authority is None:
            known = ", ".join(Authority.objects.order_by("code").values_list("code", flat=True))
            raise CommandError(f"--authority: no authority {options['authority']!r}; the "
                               f"authorities are {known} (nothing was made)")
        user = User(username=username, first_name=options["first_name"],
                    last_name=options["last_name"], authority=authority)
        self._check(user)
        password = self._password(options["password_stdin"])
        try:
            validate_password(password, user)
        except ValidationError as refused:
            raise CommandError("the password: " + " ".join(refused.messages)
                               + " (nothing was made)") from None
        user.set_password(password)
        with transaction.atomic():
            user.save()
            user.roles.set(Role.objects.filter(code=RoleCode.ADMINISTRATOR))
            administration.record(
                None, "user", [user.pk],
                f"administrator {username} of {authority.code} made on the command line by "
                f"{getpass.getuser()}", channel="cli")
        scope = authority.member_state_id or "the EU bodies"
        self.stdout.write(f"{username}: administrator of {scope} at {authority.code}; the "
                          "second factor is set up at the first sign-in (recorded in the "
                          "access log)")

    def _check(self, user: User) -> None:
        """The user's fields as the administration's form holds them (the username's letters,
        the lengths), and names without control or invisible formatting characters (a
        direction override would show the name as another)."""
        problems = []
        try:
            user.full_clean(exclude=["password"], validate_unique=False)
        except ValidationError as refused:
            problems = [f"{field}: {' '.join(texts)}"
                        for field, texts in refused.message_dict.items()]
        for option, value in (("--first-name", user.first_name), ("--last-name", user.last_name)):
            if any(unicodedata.category(c) in ("Cc", "Cf") for c in value):
                problems.append(f"{option}: contains a control or invisible character")
        if problems:
            raise CommandError("; ".join(problems) + " (nothing was made)")

    def _password(self, from_stdin: bool) -> str:
        if from_stdin:
            return sys.stdin.readline().rstrip("\n")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("The same password again: "):
            raise CommandError("the two passwords differ (nothing was made)")
        return first
