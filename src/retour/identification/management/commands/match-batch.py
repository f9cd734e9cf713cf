"""``retour match-batch FILE.csv --member-state NL``: batch identity matching from the command
line (``retour.identification.matching.batch``)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retour import spreadsheet
from retour.accounts.acting import USAGE_ERROR, acting_user
from retour.accounts.roles import Capability
from retour.accounts.scoping import personal_data_member_state
from retour.cases.search import partial_date
from retour.errors import InvalidInput
from retour.identification.matching.batch import BatchCandidate, IncomingRecord
from retour.identification.matching.batch_known import match_against_member_state
from retour.identification.matching.batch_model import FIELDS
from retour.seam.limits import text_problem

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

COLUMNS = (
    "reference",
    "given_names",
    "family_names",
    "date_of_birth",
    "sex",
    "nationality",
    "document_number",
)
REQUIRED = ("reference", "family_names")
# Where ``csv.DictReader`` puts the values of a line beyond the header's columns.
_SURPLUS = "\x00surplus"


class Command(BaseCommand):
    help = (
        "Match a CSV file of person records (columns: " + ", ".join(COLUMNS) + "; "
        "date_of_birth as YYYY, YYYY-MM or YYYY-MM-DD) against all persons of a member state "
        "and write the candidates as CSV, with the match probability and the reason per field. "
        "The persons returned are recorded in the access log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file, UTF-8, with a header row")
        parser.add_argument(
            "--user",
            required=True,
            help="the identification officer matching (username): the persons of their member "
            "state are searched, and the access log names them",
        )
        parser.add_argument(
            "--threshold", type=float, default=0.9, help="lowest match probability reported (0.9)"
        )
        parser.add_argument(
            "--output", type=Path, help="CSV file to write (default: standard output)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = acting_user(options["user"])
        member_state = personal_data_member_state(user)
        if member_state is None or not user.can(Capability.IDENTIFY):
            raise CommandError(
                f"--user: {user.username} may not search persons for identification",
                returncode=USAGE_ERROR,
            )
        if not 0 <= options["threshold"] <= 1:
            raise CommandError("--threshold: must be between 0 and 1")
        path: Path = options["file"]
        try:
            with path.open(newline="", encoding="utf-8-sig") as stream:
                records = read_records(stream, str(path))
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not UTF-8 text") from None
        candidates = match_against_member_state(
            records,
            member_state,
            threshold=options["threshold"],
            user=user,
            channel="cli",
            source=path.name,
        )
        if options["output"] is None:
            write_candidates(candidates, self.stdout)
        else:
            with options["output"].open("w", newline="", encoding="utf-8") as out:
                write_candidates(candidates, out)
        self.stderr.write(f"{len(records)} records, {len(candidates)} candidates")


def read_records(stream: IO[str], name: str) -> list[IncomingRecord]:
    """The records of a CSV file; a wrong value or line stops the reading with its line (and
    column), before anything is matched or written."""
    reader = csv.DictReader(stream, restkey=_SURPLUS)
    seen: dict[str, int] = {}
    records = []
    try:
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or ())]
        if missing:
            raise CommandError(f"{name}, line 1: missing column {', '.join(missing)}")
        for row in reader:
            line = reader.line_num
            if _SURPLUS in row:
                raise CommandError(
                    f"{name}, line {line}: more fields than the header has columns "
                    f"({len(reader.fieldnames or ())}); quote a value that holds a comma"
                )
            try:
                record = _record(row)
            except InvalidInput as exc:
                column, reason = next(iter(exc.errors.items()))
                raise CommandError(f"{name}, line {line}, column {column}: {reason}") from None
            if record.reference in seen:
                raise CommandError(
                    f"{name}, line {line}, column reference: {record.reference} is already "
                    f"on line {seen[record.reference]}; give each record its own reference"
                )
            seen[record.reference] = line
            records.append(record)
    except csv.Error as exc:
        # The csv module's own refusals (a field over its size limit, a broken quote).
        raise CommandError(f"{name}, line {reader.line_num + 1}: {exc}") from None
    return records


def _record(row: dict[str, str | None]) -> IncomingRecord:
    for column in COLUMNS:
        problem = text_problem(row.get(column) or "")
        if problem:
            raise InvalidInput.field(column, problem)
    value = {c: (row.get(c) or "").strip() for c in COLUMNS}
    if not value["reference"]:
        raise InvalidInput.field("reference", "must not be empty")
    if not value["family_names"] and not value["given_names"]:
        raise InvalidInput.field("family_names", "a name is needed")
    year = month = day = None
    if value["date_of_birth"]:
        year, month, day = partial_date(value["date_of_birth"])
    if value["sex"].upper() not in ("", "F", "M", "X"):
        raise InvalidInput.field("sex", "must be F, M or X")
    nationality = value["nationality"].upper()
    if nationality and not (
        len(nationality) == 2 and nationality.isascii() and nationality.isalpha()
    ):
        raise InvalidInput.field("nationality", "an ISO 3166-1 alpha-2 code, such as SY")
    return IncomingRecord(
        reference=value["reference"],
        given_names=value["given_names"],
        family_names=value["family_names"],
        birth_year=year,
        birth_month=month,
        birth_day=day,
        sex=value["sex"].upper(),
        nationality=nationality,
        document_number=value["document_number"],
    )


def write_candidates(candidates: list[BatchCandidate], out: SupportsWrite[str]) -> None:
    writer = spreadsheet.writer(out, lineterminator="\n")
    writer.writerow(
        ["reference", "person_id", "match_probability", "match_weight", *(f.name for f in FIELDS)]
    )
    for c in candidates:
        writer.writerow(
            [
                c.reference,
                c.person_id,
                f"{c.match_probability:.4f}",
                f"{c.match_weight:.2f}",
                *(c.reasons[f.name] for f in FIELDS),
            ]
        )
