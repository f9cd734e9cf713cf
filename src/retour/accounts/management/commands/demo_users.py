"""``retour demo_users``: one sign-in per role, to show every part of Retour.

The passwords are known (``demo-<username>``, printed in the table), so the command refuses
to run unless ``RETOUR_DEBUG`` is on or ``--force`` is given: a production system must never
get accounts with published passwords. Each user gets an authenticator app (TOTP) whose key is
printed, for a phone; ``retour otp code USERNAME`` prints the current code without one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from retour.accounts.models import Authority, Role, User
from retour.accounts.roles import RoleCode
from retour.accounts.signin import totp

R = RoleCode


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    authority: str

    @property
    def password(self) -> str:
        return f"demo-{self.username}"


# Two Dutch case officers, at the return service and at the police, so that a hand-over
# between them can be shown; a Belgian officer to show that member states do not see each
# other's cases.
DEMO_USERS = (
    DemoUser("nl-officer", "Anna", "de Vries", R.CASE_OFFICER, "nl-dtv"),
    DemoUser("nl-police", "Pieter", "Bakker", R.CASE_OFFICER, "nl-avim"),
    DemoUser("nl-identification", "Fatma", "Yildiz", R.IDENTIFICATION_OFFICER, "nl-avim"),
    DemoUser("nl-detention", "Kees", "Dijkstra", R.DETENTION_OFFICER, "nl-dji"),
    DemoUser("nl-planner", "Joost", "van Dam", R.OPERATIONS_PLANNER, "nl-dtv"),
    DemoUser("nl-supervisor", "Sanne", "Jansen", R.SUPERVISOR, "nl-dtv"),
    DemoUser("nl-statistician", "Tom", "Smit", R.STATISTICIAN, "nl-dtv"),
    DemoUser("nl-auditor", "Ruud", "Visser", R.AUDITOR, "nl-dtv"),
    DemoUser("nl-admin", "Ada", "Mulder", R.ADMINISTRATOR, "nl-dtv"),
    # A change of roles or authority waits for a second administrator (ADR 13).
    DemoUser("nl-admin-2", "Bram", "de Boer", R.ADMINISTRATOR, "nl-avim"),
    DemoUser("be-officer", "Lucas", "Peeters", R.CASE_OFFICER, "be-dvz"),
    DemoUser("be-counsellor", "Lotte", "Maes", R.RETURN_COUNSELLOR, "be-fedasil"),
    DemoUser("eu-coordinator", "Eva", "Lindqvist", R.EU_COORDINATOR, "eu-erc"),
)


class Command(BaseCommand):
    help = (
        "Create or reset one demo user per role (password demo-<username>, an authenticator "
        "app whose key is printed) and print their logins. Runs again safely: existing demo "
        "users get their role, authority and password back, and a new key. Refused unless "
        "RETOUR_DEBUG is on or --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true",
            help="create them although RETOUR_DEBUG is off (never on a production system)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "demo users have published passwords: refused because RETOUR_DEBUG is off "
                "(set RETOUR_DEBUG=true on a demo machine, or pass --force)"
            )
        authorities = {a.code: a for a in Authority.objects.filter(
            code__in={u.authority for u in DEMO_USERS})}
        missing = sorted({u.authority for u in DEMO_USERS} - set(authorities))
        if missing:
            raise CommandError(
                f"authorities {', '.join(missing)} are not loaded: run `retour load_reference` "
                "first"
            )
        with transaction.atomic():
            keys = {demo.username: totp.secret(totp.give_device(
                _create_or_reset(demo, authorities[demo.authority]), "Demo authenticator"))
                for demo in DEMO_USERS}
        self.stdout.write(_table(authorities))
        self.stdout.write(
            "\nSigning in asks for a code after the password: `retour otp code USERNAME` "
            "prints it, or add the key below to an authenticator app (a new key each run).\n"
            + "\n".join(f"{username.ljust(20)}{key}" for username, key in keys.items())
        )


def _create_or_reset(demo: DemoUser, authority: Authority) -> User:
    user, _ = User.objects.update_or_create(
        username=demo.username,
        defaults={
            "first_name": demo.first_name,
            "last_name": demo.last_name,
            "authority": authority,
            "is_active": True,
        },
    )
    user.set_password(demo.password)
    user.save(update_fields=["password"])
    user.roles.set([Role.objects.get(code=demo.role)])
    return user


def _table(authorities: dict[str, Authority]) -> str:
    rows = [("username", "password", "role", "authority")] + [
        (u.username, u.password, RoleCode(u.role).label,
         f"{u.authority} ({authorities[u.authority].name})")
        for u in DEMO_USERS
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
        + "  " + row[3]
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * len(rows[0][3]))
    return "\n".join(lines)
