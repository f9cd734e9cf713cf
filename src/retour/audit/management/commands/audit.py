"""``retour audit verify``: check that the access log's hash chain is intact."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retour.audit.log import verify_chain
from retour.audit.models import AccessLogEntry


class Command(BaseCommand):
    help = (
        "verify: walk the access log's hash chain from its first entry and report the first "
        "entry that was changed, removed or reordered (exit status 1), or that it is intact."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        broken = verify_chain()
        if broken is not None:
            entry = f"id {broken.entry_id}" if broken.entry_id is not None else "no such entry"
            raise CommandError(
                f"access log broken at entry {broken.sequence} ({entry}): {broken.problem}"
            )
        self.stdout.write(f"access log intact: {AccessLogEntry.objects.count()} entries")
