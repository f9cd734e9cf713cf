"""``retour backup FILE``: the whole database and a manifest, in one file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retour.operations.backup import BackupRefused, backup


class Command(BaseCommand):
    help = (
        "Write a backup of the database to FILE (a tar file: the database, copied while Retour "
        "runs, and a manifest with the migrations and the access log's head). The access "
        "log's keys are not in it: back up RETOUR_AUDIT_KEY_DIR apart. Exit 1 if refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if path.exists():
            raise CommandError(f"{path} exists: name a new file")
        try:
            manifest = backup(path)
        except BackupRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            f"backed up the {manifest.database} database to {path}: access log up to entry "
            f"{manifest.access_log_sequence} ({manifest.access_log_entries} entries)"
        )
