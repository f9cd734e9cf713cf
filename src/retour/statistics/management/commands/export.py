import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retour.reference.models import Country
from retour.statistics import eirt, exports
from retour.statistics.management.commands.indicators import USAGE_ERROR, _member_state
from retour.statistics.suppression import suppress, threshold

WRITERS: dict[str, Callable[[Sequence[eirt.Table]], str | bytes]] = {
    "csv": exports.to_csv,
    "xlsx": exports.to_xlsx,
    "sdmx": exports.to_sdmx,
}


def _quarter(text: str) -> str:
    try:
        eirt.quarter_bounds(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text.strip().upper()


class Command(BaseCommand):
    help = (
        "Export Eurostat's quarterly return tables (EIL, Reg. (EC) 862/2007 as amended by "
        "Reg. (EU) 2020/851) of one member state, or of every member state with cases in the "
        "quarter, small counts withheld in each. Exit status 2 on bad input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("tables", choices=["eirt"], help="eirt: ordered to leave, returned")
        parser.add_argument("--period", type=_quarter, required=True, metavar="2026Q1")
        parser.add_argument("--member-state", type=_member_state, metavar="CODE",
                            help="default: every member state with cases in the quarter")
        parser.add_argument("--format", choices=sorted(WRITERS), required=True)
        parser.add_argument("--output", type=Path, metavar="FILE", help="default: standard out")

    def handle(self, *args: Any, **options: Any) -> None:
        member_state, period = options["member_state"], options["period"]
        output: Path | None = options["output"]
        if options["format"] == "xlsx" and output is None:
            raise CommandError(
                "--output: an XLSX workbook is binary; give a file", returncode=USAGE_ERROR
            )
        states = Country.objects.member_states()
        if member_state is not None and not states.filter(code=member_state).exists():
            raise CommandError(
                f"--member-state: {member_state!r} is not a member state", returncode=USAGE_ERROR
            )
        minimum = threshold()
        published = []
        for state in [member_state] if member_state else states.values_list("code", flat=True):
            rows = eirt.milestone_rows(state, period)
            if rows or member_state:
                # Each member state's tables are published on their own: suppressed each.
                published += [suppress(t, minimum) for t in eirt.tables(rows, state, period)]
        content = WRITERS[options["format"]](published)
        data = content.encode("utf-8") if isinstance(content, str) else content
        if output is not None:
            output.write_bytes(data)
        else:
            self.stdout.write(data.decode("utf-8"), ending="")
