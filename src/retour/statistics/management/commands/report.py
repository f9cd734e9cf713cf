import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from retour.errors import InvalidInput
from retour.statistics import report
from retour.statistics.management.commands.indicators import USAGE_ERROR, _member_state


def _quarter(text: str) -> str:
    try:
        return report.parse_quarter(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class Command(BaseCommand):
    help = (
        "Write the quarterly report for the High-Level Network on return as a PDF: the "
        "strategy's indicators, the efficiency indicators and the return rates of a member "
        "state (or EU, all together) with their trend and commentary, small counts withheld. "
        "Prints the file's path. Exit status 2 on bad input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", choices=["quarterly"], help="quarterly: the HLN report")
        parser.add_argument("--period", type=_quarter, required=True, metavar="2026Q1")
        parser.add_argument(
            "--member-state", type=_member_state, default=report.EU, metavar="CODE",
            help="a member state, or EU for all together (the default)",
        )
        parser.add_argument(
            "--output", type=Path, metavar="PATH",
            help="default: retour-quarterly-PERIOD-MEMBERSTATE.pdf in the current folder",
        )
        parser.add_argument("--language", choices=["en", "nl"], default="en")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            try:
                assembled = report.assemble(options["period"], options["member_state"])
            except InvalidInput as refused:
                raise CommandError(
                    f"--member-state: {refused.errors['member_state']}", returncode=USAGE_ERROR
                ) from None
            if not assembled.has_figures:
                raise CommandError(
                    f"no indicators are computed for {assembled.period} "
                    f"({assembled.member_state}): run `retour compute_indicators` first"
                )
            pdf = report.render_pdf(assembled)
        output: Path = options["output"] or Path(report.file_name(assembled))
        try:
            output.write_bytes(pdf)
        except OSError as exc:
            raise CommandError(f"--output: cannot write {output}: {exc.strerror}") from None
        self.stdout.write(str(output))
