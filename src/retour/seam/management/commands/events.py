from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retour.seam import catalogue


class Command(BaseCommand):
    help = (
        "List every event type with its version and JSON Schema (--format json or markdown); "
        "--output DIR writes the catalogue as docs/events/ holds it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json", "markdown"], default="markdown")
        parser.add_argument("--output", type=Path, metavar="DIR",
                            help="write README.md and one schema file per type to DIR")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["output"] is not None:
            try:
                written = catalogue.write(options["output"])
            except OSError as exc:
                raise CommandError(f"--output {options['output']}: {exc.strerror}") from None
            self.stdout.write(f"{len(written)} files written to {options['output']}")
            return
        text = catalogue.as_json() if options["format"] == "json" else catalogue.as_markdown()
        self.stdout.write(text, ending="")
