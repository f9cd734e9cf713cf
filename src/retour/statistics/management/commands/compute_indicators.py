from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retour.reference.loading import ReferenceDataError
from retour.statistics.cube import refresh


class Command(BaseCommand):
    help = (
        "Bring the indicator cube up to date: the quarters touched by case events since the "
        "last run (and the new quarters of stocks), or everything with --full (also when the "
        "definitions' version changed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true", help="recompute every period")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = refresh(full=options["full"])
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from None
        what = (
            "every period"
            if report.full
            else (
                f"{len(report.quarters)} quarter(s): {', '.join(report.quarters)}"
                if report.quarters
                else "nothing changed"
            )
        )
        self.stdout.write(f"recomputed {what}; {report.rows_written} cells written")
