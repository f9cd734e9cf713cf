"""``retour restore FILE --yes``: the database replaced by a backup, then the access log
verified."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from retour.operations.backup import BackupRefused, restore


class Command(BaseCommand):
    help = (
        "Replace the WHOLE database with the backup in FILE (made by `retour backup`), then "
        "check that the access log came back whole: its head must be the manifest's, and "
        "`retour audit verify` must pass (with the keys and anchors in place). Stop the web "
        "server and the worker first. Exit 1 if refused or if the log does not verify."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true",
                            help="confirm that everything in the database now is replaced")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("this replaces everything in the database: add --yes")
        path: Path = options["file"]
        try:
            manifest = restore(path)
        except BackupRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"restored the backup of {manifest.made_at} from {path}")
        try:
            call_command("audit", "verify", stdout=self.stdout, stderr=self.stderr)
        except CommandError as broken:
            raise CommandError(f"restored, but the access log does not verify: {broken}") from None
