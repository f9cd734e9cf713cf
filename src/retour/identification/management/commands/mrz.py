import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser, no_translations
from django.db import DatabaseError

from retour.identification.reading import NotAnMrz, read_mrz


class Command(BaseCommand):
    help = (
        "Parse and check a machine-readable zone (ICAO Doc 9303: TD1, TD2, TD3, MRV-A, MRV-B) "
        "and print it as JSON. Exit status: 0 every check digit valid, 1 some are not, "
        "2 the lines are not an MRZ, 3 the database lacks the reference data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("lines", nargs="+", metavar="LINE",
                            help="the lines of the zone, each as one argument (quote them: "
                                 "'<' is special to the shell)")

    # A command has no reader's language: it answers in English, whatever the locale.
    @no_translations
    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = read_mrz(options["lines"])
        except NotAnMrz as exc:
            self.stderr.write(f"not a machine-readable zone: {exc}")
            raise SystemExit(2) from None
        except DatabaseError:
            # The country names come from the reference data; without it, say what to run.
            self.stderr.write("the reference data is missing: run `retour migrate` and "
                              "`retour load_reference` first")
            raise SystemExit(3) from None
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        if not result["valid"]:
            raise SystemExit(1)
