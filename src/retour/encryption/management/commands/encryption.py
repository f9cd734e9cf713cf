"""``retour encryption``: the keys of special categories of personal data at rest (ADR 19)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retour.encryption import keys, rotation
from retour.encryption.fields import UnreadableValue


class Command(BaseCommand):
    help = (
        "Manage the keys that encrypt special categories of personal data at rest: "
        "`new-key` makes a key that encrypts from now on, `rotate` re-encrypts every value "
        "with the newest key (then older keys may be removed), `status` counts values per key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["new-key", "rotate", "status"])

    def handle(self, *args: Any, **options: Any) -> None:
        operation = options["operation"]
        try:
            if operation == "new-key":
                self.stdout.write(f"new data key {keys.new_key()} in {keys.folder()}: it "
                                  "encrypts from now on; run `retour encryption rotate` to "
                                  "re-encrypt older values")
            elif operation == "rotate":
                moved = rotation.rotate()
                self.stdout.write(f"re-encrypted {moved} values with key {keys.current()[0]}")
            else:
                counts = rotation.status()
                if not counts:
                    self.stdout.write("no encrypted values")
                for (field, key_id), count in sorted(counts.items()):
                    self.stdout.write(f"{field}: {count} values under key {key_id}")
        except (keys.KeyMissing, UnreadableValue) as exc:
            raise CommandError(f"{exc} (nothing was changed)") from None
