import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from retour.identification.reading import NotAnMrz, read_mrz


class Command(BaseCommand):
    help = (
        "Parse and check a machine-readable zone (ICAO Doc 9303: TD1, TD2, TD3, MRV-A, MRV-B) "
        "and print it as JSON. Exit status: 0 every check digit valid, 1 some are not, "
        "2 the lines are not an MRZ."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("lines", nargs="+", metavar="LINE",
                            help="the lines of the zone, each as one argument (quote them: "
                                 "'<' is special to the shell)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = read_mrz(options["lines"])
        except NotAnMrz as exc:
            self.stderr.write(f"not a machine-readable zone: {exc}")
            raise SystemExit(2) from None
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        if not result["valid"]:
            raise SystemExit(1)
