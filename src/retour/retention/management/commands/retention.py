"""``retour retention``: the daily job that erases what has passed its retention period."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retour.cli import today_option
from retour.reference.legal import MissingLegalParameter
from retour.retention.run import RetentionReport, apply_retention


class Command(BaseCommand):
    help = (
        "Erase closed cases (and their persons, when no case of theirs is kept), delivered "
        "outbox messages, expired sessions, the lockout's sign-in records, users' past "
        "sessions and the access log's oldest entries whose retention period has ended; the "
        "periods are legal parameters (retention/data/retention.toml). Run daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true",
                            help="report what would be erased and erase nothing")
        parser.add_argument("--today", type=today_option, default=None,
                            help="count the periods to this day, YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = apply_retention(options["today"], dry_run=options["dry_run"])
        except MissingLegalParameter as exc:
            raise CommandError(f"{exc}: run `retour load_reference` (nothing was erased)") from None
        self.stdout.write(summary(report))


def summary(report: RetentionReport) -> str:
    verb = "would erase" if report.dry_run else "erased"
    lines = [
        f"retention on {report.today}: {verb} {report.cases} closed cases, {report.persons} "
        f"persons, {report.messages} delivered outbox messages"
        + ("" if report.dry_run else
           f"; cleared {report.sessions} expired sessions, {report.sign_in_records} old "
           f"sign-in records and {report.access_log_entries} old access-log entries"),
    ]
    lines += [f"  {rule}: {count} cases" for rule, count in sorted(report.rules.items())]
    if report.rows:
        lines.append("rows erased:")
        lines += [f"  {label}: {count}" for label, count in sorted(report.rows.items())]
    return "\n".join(lines)
