import argparse
import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retour.reference.calendars import (
    WEEKDAY_NAMES,
    CountryCalendar,
    UnknownCalendar,
    country_calendar,
)
from retour.reference.periods import (
    WORKING_DAYS,
    PeriodEnd,
    PeriodError,
    Start,
    count_period,
)

AMOUNTS = ("days", "weeks", "months", "years")
USAGE_ERROR = 2  # argparse's exit status for bad input


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"cannot be negative: {value}")
    return value


def _country(text: str) -> str:
    try:
        return country_calendar(text.strip().upper()).country
    except UnknownCalendar as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _refuse(option: str, message: str) -> CommandError:
    return CommandError(f"{option}: {message}", returncode=USAGE_ERROR)


class Command(BaseCommand):
    help = (
        "Count a period from the day of an event and print its last day, with the non-working "
        "days skipped and their names: calendar days (Reg. 1182/71: holidays count like any "
        "day) or working days of the country that must act (its weekend and public holidays). "
        "Exit status 2 on bad input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from",
            dest="event_day",
            type=_date,
            required=True,
            metavar="YYYY-MM-DD",
            help="the day of the event that starts the period",
        )
        amount = parser.add_mutually_exclusive_group(required=True)
        for unit in AMOUNTS:
            amount.add_argument(
                f"--{unit}", type=_count, metavar="N", help=f"the length of the period in {unit}"
            )
        parser.add_argument(
            "--unit",
            choices=["calendar", "working"],
            default="calendar",
            help="with --days: count every day (default) or working days only",
        )
        parser.add_argument(
            "--country",
            type=_country,
            metavar="CODE",
            help="the country that must act (ISO 3166-1 alpha-2): its weekend "
            "and public holidays; needed for working days and "
            "--roll-forward",
        )
        parser.add_argument(
            "--subdivision",
            metavar="CODE",
            help="a subdivision of --country whose own holidays count too",
        )
        parser.add_argument(
            "--start",
            choices=[s.value for s in Start],
            default=Start.EXCLUSIVE.value,
            help="whether the day of the event counts (default exclusive, Reg. 1182/71 Art. 3(1))",
        )
        parser.add_argument(
            "--roll-forward",
            action="store_true",
            help="a period ending on a non-working day ends on the following "
            "working day (Reg. 1182/71 Art. 3(4))",
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        unit, option = next((u, f"--{u}") for u in AMOUNTS if options[u] is not None)
        value: int = options[unit]
        if options["unit"] == "working":
            if unit != "days":
                raise _refuse("--unit", f"working days are counted with --days, not {option}")
            unit = WORKING_DAYS
        calendar = self._calendar(options)
        start = Start(options["start"])
        try:
            end = count_period(
                options["event_day"],
                value,
                unit,
                calendar=calendar,
                start=start,
                roll_forward=options["roll_forward"],
            )
        except PeriodError as exc:
            raise _refuse("--country" if exc.field == "calendar" else option, str(exc)) from None
        report = _report(options, value, unit, end, calendar)
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_as_text(report))

    def _calendar(self, options: dict[str, Any]) -> CountryCalendar | None:
        if options["country"] is None:
            if options["subdivision"] is not None:
                raise _refuse("--subdivision", "needs --country")
            return None
        try:
            return country_calendar(options["country"], options["subdivision"])
        except UnknownCalendar as exc:
            raise _refuse(f"--{exc.field}", str(exc)) from None


def _report(
    options: dict[str, Any],
    value: int,
    unit: str,
    end: PeriodEnd,
    calendar: CountryCalendar | None,
) -> dict[str, Any]:
    event_day: date = options["event_day"]
    unverified = calendar.unverified_overrides(event_day, end.due) if calendar else ()
    return {
        "from": event_day.isoformat(),
        "value": value,
        "unit": unit,
        "start": options["start"],
        "roll_forward": options["roll_forward"],
        "country": options["country"],
        "subdivision": options["subdivision"],
        "due": end.due.isoformat(),
        "due_weekday": WEEKDAY_NAMES[end.due.weekday()],
        "rolled_forward_from": end.rolled_forward_from and end.rolled_forward_from.isoformat(),
        "skipped": [{"date": s.day.isoformat(), "names": list(s.reasons)} for s in end.skipped],
        "unverified_weekend_rules": [
            {
                "country": o.country,
                "valid_from": o.valid_from and o.valid_from.isoformat(),
                "valid_until": o.valid_until and o.valid_until.isoformat(),
                "source": o.source,
            }
            for o in unverified
        ],
    }


def _as_text(report: dict[str, Any]) -> str:
    where = f" in {report['country']}" if report["country"] else ""
    if report["subdivision"]:
        where += f"-{report['subdivision']}"
    lines = [
        f"due: {report['due']} ({report['due_weekday']})",
        f"{report['value']} {report['unit'].replace('_', ' ')} from {report['from']}, "
        f"start {report['start']}{where}",
    ]
    if report["rolled_forward_from"]:
        lines.append(f"rolled forward from {report['rolled_forward_from']}")
    if report["skipped"]:
        lines.append(f"skipped {len(report['skipped'])} day(s):")
        lines += [f"  {s['date']}  {'; '.join(s['names'])}" for s in report["skipped"]]
    else:
        lines.append("skipped: none")
    lines += [
        f"note: weekend rule of {r['country']} not verified: {r['source']}"
        for r in report["unverified_weekend_rules"]
    ]
    return "\n".join(lines)
