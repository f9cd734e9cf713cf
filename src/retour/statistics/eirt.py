"""Eurostat's quarterly return tables (enforcement of immigration legislation, EIL) for one
member state, from the milestone table.

Legal basis: Arts 5 and 7 of Reg. (EC) 862/2007 as amended by Reg. (EU) 2020/851, which made
the return data quarterly and added breakdowns. Two tables, named after Eurostat's quarterly
datasets:

- ``migr_eiord1``, third-country nationals ordered to leave: a case counts in the quarter of
  its return decision (``return_decision_on``); by citizenship, sex, age group and
  unaccompanied minors.
- ``migr_eirtn1``, third-country nationals returned following an order to leave: a case counts
  in the quarter of its departure (``departed_on``), if a return decision was issued; by the
  same breakdowns plus type of return (voluntary / enforced), assistance (assisted /
  non-assisted) and country of destination.

Each breakdown is published on its own against the table's total (one-way tables, as Eurostat
publishes them), so every breakdown's cells add up to the total. Only values that occur are
listed. Age is the quarter's year minus the birth year, in Eurostat's groups (ADR 7). The value
codes follow Eurostat's style (``Y_LT14``, ``UNK``, ...) but were not checked against Eurostat's
code lists, nor were the codes of the breakdown datasets.

Rows read here carry no case or person key: the tables are aggregates only.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.db.models import Q

from retour.seam import projections
from retour.statistics.engine import AGE_BANDS, OLDEST_BAND

TOTAL = "total"
UNK = "UNK"
CONFIDENTIAL = "c"  # Eurostat's flag for a value withheld as confidential
HIDDEN = ":"  # what Eurostat prints instead of a withheld value

_AGE_CODES = {"under_14": "Y_LT14", "14_17": "Y14-17", "18_34": "Y18-34", OLDEST_BAND: "Y_GE35"}
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")

# The milestone columns the tables need: nothing that identifies a case or a person.
COLUMNS = (
    "member_state",
    "citizenship",
    "sex",
    "birth_year",
    "unaccompanied_minor",
    "return_decision_on",
    "departed_on",
    "return_type",
    "assisted",
    "destination",
)


@dataclass(frozen=True)
class Spec:
    code: str
    title: str
    date_column: str
    breakdowns: tuple[str, ...]


PERSON_BREAKDOWNS = ("citizenship", "sex", "age", "unaccompanied_minor")
ORDERED = Spec(
    "migr_eiord1",
    "Third-country nationals ordered to leave",
    "return_decision_on",
    PERSON_BREAKDOWNS,
)
RETURNED = Spec(
    "migr_eirtn1",
    "Third-country nationals returned following an order to leave",
    "departed_on",
    (*PERSON_BREAKDOWNS, "return_type", "assistance", "destination"),
)
SPECS = (ORDERED, RETURNED)


@dataclass(frozen=True)
class Cell:
    """A count of persons: the table's total (breakdown ``total``) or one breakdown value."""

    breakdown: str
    value: str
    count: int
    suppressed: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.breakdown, self.value)

    @property
    def shown(self) -> str:
        """The figure as published: the count, or ':' when withheld."""
        return HIDDEN if self.suppressed else str(self.count)

    @property
    def flag(self) -> str:
        return CONFIDENTIAL if self.suppressed else ""


@dataclass(frozen=True)
class Table:
    code: str
    title: str
    member_state: str
    period: str
    cells: tuple[Cell, ...]

    @property
    def total(self) -> Cell:
        return next(c for c in self.cells if c.breakdown == TOTAL)

    def groups(self) -> dict[str, list[Cell]]:
        """The cells of each breakdown, which add up to the total."""
        found: dict[str, list[Cell]] = {}
        for cell in self.cells:
            if cell.breakdown != TOTAL:
                found.setdefault(cell.breakdown, []).append(cell)
        return found

    def hiding(self, keys: Iterable[tuple[str, str]]) -> Table:
        hidden = set(keys)
        cells = tuple(replace(c, suppressed=c.key in hidden) for c in self.cells)
        return replace(self, cells=cells)


def quarter_bounds(period: str) -> tuple[date, date]:
    """The first and last day of a quarter written ``2026Q1``; ValueError otherwise."""
    found = _QUARTER.match(period.strip().upper())
    if not found:
        raise ValueError(f"not a quarter (2026Q1): {period!r}")
    year, quarter = int(found[1]), int(found[2])
    last_month = 3 * quarter
    return date(year, last_month - 2, 1), date(
        year, last_month, calendar.monthrange(year, last_month)[1]
    )


def _age(birth_year: int | None, year: int) -> str:
    if birth_year is None:
        return UNK
    age = year - birth_year
    band = next((band for limit, band in AGE_BANDS if age < limit), OLDEST_BAND)
    return _AGE_CODES[band]


def _value(name: str, row: Mapping[str, Any], year: int) -> str:
    if name == "age":
        return _age(row["birth_year"], year)
    if name == "unaccompanied_minor":
        return "YES" if row["unaccompanied_minor"] else "NO"
    if name == "return_type":
        return {"voluntary": "VOL", "enforced": "ENF"}.get(row["return_type"], UNK)
    if name == "assistance":
        return {True: "ASS", False: "NASS"}.get(row["assisted"], UNK)
    if name == "sex":
        return row["sex"] if row["sex"] in ("F", "M") else UNK
    return str(row[name] or UNK)  # citizenship, destination: country codes


def _table(spec: Spec, rows: list[Mapping[str, Any]], member_state: str, period: str) -> Table:
    first, last = quarter_bounds(period)
    counted = [
        row
        for row in rows
        if row["member_state"] == member_state
        and row["return_decision_on"] is not None
        and row[spec.date_column] is not None
        and first <= row[spec.date_column] <= last
    ]
    cells = [Cell(TOTAL, "", len(counted))]
    for name in spec.breakdowns:
        counts = Counter(_value(name, row, first.year) for row in counted)
        cells += [Cell(name, value, counts[value]) for value in sorted(counts)]
    return Table(spec.code, spec.title, member_state, period.upper(), tuple(cells))


def tables(rows: Iterable[Mapping[str, Any]], member_state: str, period: str) -> list[Table]:
    """The EIL return tables of ``member_state`` for the quarter ``period`` (not suppressed)."""
    listed = list(rows)
    return [_table(spec, listed, member_state, period) for spec in SPECS]


def milestone_rows(member_state: str, period: str) -> list[dict[str, Any]]:
    """The milestone rows that can count in the quarter: only the columns of ``COLUMNS``."""
    first, last = quarter_bounds(period)
    in_quarter = Q(return_decision_on__range=(first, last)) | Q(departed_on__range=(first, last))
    return list(
        projections.main().model._default_manager.filter(in_quarter, member_state=member_state)
        .values(*COLUMNS)
    )
