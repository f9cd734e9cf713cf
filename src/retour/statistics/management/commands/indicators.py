import argparse
import json
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retour import spreadsheet
from retour.statistics.models import IndicatorDefinition, IndicatorValue

USAGE_ERROR = 2  # argparse's exit status for bad input
COLUMNS = (
    "indicator",
    "definition_version",
    "period_kind",
    "period",
    "member_state",
    "dimension",
    "dimension_value",
    "numerator",
    "denominator",
    "value",
    "computed_at",
)


def _period(text: str) -> str:
    text = text.strip().upper()
    if not re.fullmatch(r"\d{4}(Q[1-4]|-(0[1-9]|1[0-2]))", text):
        raise argparse.ArgumentTypeError(f"not a quarter (2026Q1) or a month (2026-01): {text!r}")
    return text


def _member_state(text: str) -> str:
    text = text.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", text):
        raise argparse.ArgumentTypeError(f"not a member state code (NL) or EU: {text!r}")
    return text


class Command(BaseCommand):
    help = (
        "Print the cube's cells for a period: every indicator by member state (EU: all "
        "together), in total and by each breakdown. Aggregates only. Exit status 2 on bad input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", type=_period, required=True, metavar="2026Q1|2026-01")
        parser.add_argument(
            "--member-state",
            type=_member_state,
            metavar="CODE",
            help="one member state, or EU for all together",
        )
        parser.add_argument("--indicator", metavar="CODE", help="one indicator")
        parser.add_argument("--dimension", metavar="NAME", help="one breakdown (total for none)")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        cells = IndicatorValue.objects.filter(period=options["period"])
        if options["member_state"]:
            cells = cells.filter(member_state=options["member_state"])
        if options["indicator"]:
            if not IndicatorDefinition.objects.filter(code=options["indicator"]).exists():
                raise CommandError(
                    f"--indicator: no indicator {options['indicator']!r} is loaded",
                    returncode=USAGE_ERROR,
                )
            cells = cells.filter(indicator=options["indicator"])
        if options["dimension"]:
            cells = cells.filter(dimension=options["dimension"])
        rows = [
            {**row, "computed_at": row["computed_at"].isoformat()}
            for row in cells.order_by(
                "indicator", "member_state", "dimension", "dimension_value"
            ).values(*COLUMNS)
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            writer = spreadsheet.writer(self.stdout, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows([row[c] for c in COLUMNS] for row in rows)
        if not rows:
            self.stderr.write(
                f"no cells for {options['period']}: is the cube computed "
                "(`retour compute_indicators`)?"
            )
