"""Indicator definitions as data: the small formula language over the milestone table.

An indicator counts milestone rows, measures days between two of their dates, or counts the
cases still open at the end of a period. A *measure* says which date places a row in a period
(``period``) and which rows count (``where``: clauses joined by *and*). A definition has a
numerator measure and, for shares and rates, a denominator measure. Clauses:

    COLUMN is set            COLUMN is not set
    COLUMN = 'text'          COLUMN != 'text'        COLUMN = true | false | 12
    COLUMN in ('a', 'b')
    DATE <= DATE             (also <, >, >=, =), optionally ``+ N days``, ``+ N months`` or
                             ``+ param(CODE)`` on the right: a legal parameter in days, the
                             version in force for the row's member state on the right date

Columns are those of the milestone extract (``retour.seam.projections.columns``); anything else
is refused when the file is loaded, with the indicator's code and the reason (M31: indicators
change without code, but never silently wrong).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

ColumnType = Literal["date", "text", "bool", "int"]
Unit = Literal["count", "percent", "days"]
Statistic = Literal["median", "p90", "mean"]

UNITS: tuple[Unit, ...] = ("count", "percent", "days")
STATISTICS: tuple[Statistic, ...] = ("median", "p90", "mean")
# Breakdowns a definition may allow besides period, member state and citizenship, which every
# indicator has (Reg. (EC) 862/2007 Art. 7 as amended by Reg. (EU) 2020/851: citizenship, age,
# sex, unaccompanied minors, type of return, assistance, destination).
DIMENSIONS: tuple[str, ...] = (
    "sex",
    "age_band",
    "minor",
    "unaccompanied_minor",
    "origin",
    "return_type",
    "assisted",
    "destination",
    # The responsible authority (its code): national managers compare their authorities.
    "authority",
)
ALWAYS = ("citizenship",)

_COLUMN = r"[a-z_]+"
_SET = re.compile(rf"^({_COLUMN}) is (not )?set$")
_IN = re.compile(rf"^({_COLUMN}) in \((.*)\)$")
_COMPARE = re.compile(rf"^({_COLUMN}) (<=|>=|!=|=|<|>) (.+)$")
_SHIFT = re.compile(rf"^({_COLUMN})(?: \+ (?:(\d+) (days|months)|param\(([a-z0-9_.]+)\)))?$")
_TEXT = re.compile(r"^'([^']*)'$")


class IndicatorDefinitionError(ValueError):
    """A definition is refused; the message starts with the indicator's code."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"indicator {code}: {reason}")
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class IsSet:
    column: str
    negated: bool


@dataclass(frozen=True)
class Equals:
    column: str
    values: tuple[str | bool | int, ...]
    negated: bool = False


@dataclass(frozen=True)
class DateCompare:
    """``left op right + shift``; ``parameter`` is a legal parameter code counted in days."""

    left: str
    op: str
    right: str
    days: int = 0
    months: int = 0
    parameter: str = ""


Clause = IsSet | Equals | DateCompare


@dataclass(frozen=True)
class Measure:
    """Rows counted: placed in a period by ``period`` (a flow) or open at the period's end
    (a stock: ``period`` on or before the end, every ``open_until`` date unset or after it)."""

    period: str
    where: tuple[Clause, ...] = ()
    open_until: tuple[str, ...] = ()

    @property
    def is_stock(self) -> bool:
        return bool(self.open_until)


@dataclass(frozen=True)
class Duration:
    """Days from ``start`` to ``end`` (the period's end for a stock), summarised."""

    start: str
    end: str
    statistic: Statistic


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Mapping[str, str]
    description: Mapping[str, str]
    source: str
    unit: Unit
    numerator: Measure
    denominator: Measure | None = None
    duration: Duration | None = None
    dimensions: tuple[str, ...] = field(default=())

    @property
    def breakdowns(self) -> tuple[str, ...]:
        return ALWAYS + self.dimensions

    def parameters(self) -> set[str]:
        return {
            clause.parameter
            for measure in (self.numerator, self.denominator)
            if measure is not None
            for clause in measure.where
            if isinstance(clause, DateCompare) and clause.parameter
        }


class _Checker:
    def __init__(self, code: str, columns: Mapping[str, ColumnType], parameters: set[str]):
        self.code = code
        self.columns = columns
        self.parameters = parameters

    def refuse(self, reason: str) -> IndicatorDefinitionError:
        return IndicatorDefinitionError(self.code, reason)

    def column(self, name: str, kind: ColumnType | None = None) -> str:
        if name not in self.columns:
            raise self.refuse(f"unknown column {name!r} (not a field of the milestone table)")
        if kind and self.columns[name] != kind:
            raise self.refuse(f"column {name!r} is a {self.columns[name]}, not a {kind}")
        return name

    def literal(self, column: str, text: str) -> str | bool | int:
        kind = self.columns[column]
        if kind == "text" and (match := _TEXT.match(text)):
            return match.group(1)
        if kind == "bool" and text in ("true", "false"):
            return text == "true"
        if kind == "int" and text.isdigit():
            return int(text)
        raise self.refuse(f"{text!r} is not a {kind} value for column {column!r}")

    def clause(self, text: str) -> Clause:
        text = " ".join(str(text).split())
        if match := _SET.match(text):
            return IsSet(self.column(match.group(1)), negated=bool(match.group(2)))
        if match := _IN.match(text):
            column = self.column(match.group(1))
            items = [item.strip() for item in match.group(2).split(",") if item.strip()]
            if not items:
                raise self.refuse(f"empty list in {text!r}")
            return Equals(column, tuple(self.literal(column, item) for item in items))
        if match := _COMPARE.match(text):
            left, op, right = match.groups()
            self.column(left)
            if self.columns[left] != "date":
                if op not in ("=", "!="):
                    raise self.refuse(f"{op} compares dates; {left!r} is a {self.columns[left]}")
                return Equals(left, (self.literal(left, right),), negated=op == "!=")
            return self.date_compare(left, op, right, text)
        raise self.refuse(f"cannot read the clause {text!r}")

    def date_compare(self, left: str, op: str, right: str, text: str) -> DateCompare:
        if op == "!=":
            raise self.refuse(f"dates are compared with <, <=, =, >=, >, not != ({text!r})")
        match = _SHIFT.match(right)
        if not match:
            raise self.refuse(f"cannot read the right side of {text!r}")
        column, amount, unit, parameter = match.groups()
        self.column(column, "date")
        if parameter and parameter not in self.parameters:
            raise self.refuse(f"unknown legal parameter {parameter!r} (or not counted in days)")
        count = int(amount or 0)
        return DateCompare(
            left,
            op,
            column,
            days=count if unit == "days" else 0,
            months=count if unit == "months" else 0,
            parameter=parameter or "",
        )

    def measure(self, raw: Any, part: str) -> Measure:
        if not isinstance(raw, dict):
            raise self.refuse(f"{part} must be a table with 'period' and 'where'")
        unknown = set(raw) - {"period", "where", "open_until"}
        if unknown:
            raise self.refuse(f"{part} has unknown keys {sorted(unknown)}")
        if "period" not in raw:
            raise self.refuse(f"{part} needs 'period': the date that places a row in a period")
        period = self.column(str(raw["period"]), "date")
        where = raw.get("where", [])
        until = raw.get("open_until", [])
        if not isinstance(where, list) or not isinstance(until, list):
            raise self.refuse(f"{part}: 'where' and 'open_until' must be lists")
        return Measure(
            period=period,
            where=tuple(self.clause(clause) for clause in where),
            open_until=tuple(self.column(str(name), "date") for name in until),
        )


_KEYS = {
    "code",
    "name",
    "description",
    "source",
    "unit",
    "numerator",
    "denominator",
    "duration",
    "dimensions",
}


def parse_indicator(
    raw: Mapping[str, Any], columns: Mapping[str, ColumnType], parameters: Iterable[str] = ()
) -> Indicator:
    """One definition, checked; raises ``IndicatorDefinitionError`` naming code and reason."""
    code = raw.get("code")
    if not isinstance(code, str) or not re.fullmatch(r"[a-z0-9_.]+", code):
        raise IndicatorDefinitionError(str(code), "code must be lower-case letters, digits, _ .")
    check = _Checker(code, columns, set(parameters))
    unknown = set(raw) - _KEYS
    if unknown:
        raise check.refuse(f"unknown keys {sorted(unknown)}")
    for key in ("name", "description"):
        texts = raw.get(key)
        if not isinstance(texts, dict) or not all(
            isinstance(texts.get(lang), str) and texts[lang].strip() for lang in ("en", "nl")
        ):
            raise check.refuse(f"'{key}' needs English and Dutch text ({key}.en, {key}.nl)")
    if not isinstance(raw.get("source"), str) or not raw["source"].strip():
        raise check.refuse("'source' is missing: say where the indicator comes from")
    unit = raw.get("unit")
    if unit not in UNITS:
        raise check.refuse(f"unit {unit!r} is not one of {', '.join(UNITS)}")
    numerator = check.measure(raw.get("numerator"), "numerator")
    denominator = None
    if "denominator" in raw:
        denominator = check.measure(raw["denominator"], "denominator")
    if (unit == "percent") != (denominator is not None):
        raise check.refuse("a percent needs a denominator, and only a percent has one")
    duration = _duration(check, raw.get("duration"), numerator)
    if (unit == "days") != (duration is not None):
        raise check.refuse("unit days needs a duration, and only days have one")
    dimensions = raw.get("dimensions", [])
    if not isinstance(dimensions, list):
        raise check.refuse("'dimensions' must be a list")
    for name in dimensions:
        if name not in DIMENSIONS:
            raise check.refuse(f"cannot break down by {name!r}; allowed: {', '.join(DIMENSIONS)}")
    return Indicator(
        code=code,
        name=dict(raw["name"]),
        description=dict(raw["description"]),
        source=raw["source"],
        unit=unit,
        numerator=numerator,
        denominator=denominator,
        duration=duration,
        dimensions=tuple(dimensions),
    )


def _duration(check: _Checker, raw: Any, numerator: Measure) -> Duration | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != {"start", "end", "statistic"}:
        raise check.refuse("duration needs exactly 'start', 'end' and 'statistic'")
    if raw["statistic"] not in STATISTICS:
        raise check.refuse(f"statistic {raw['statistic']!r} is not one of {', '.join(STATISTICS)}")
    start = check.column(str(raw["start"]), "date")
    if numerator.is_stock:
        if raw["end"] != "period_end":
            raise check.refuse("the duration of a stock runs to 'period_end'")
        if raw["statistic"] != "mean" or raw["start"] != numerator.period:
            # A stock's age is added up month by month from its cases' start days; quantiles
            # would need every open case at every period end.
            raise check.refuse("the age of a stock is the mean from its 'period' date")
        end = "period_end"
    else:
        end = check.column(str(raw["end"]), "date")
    return Duration(start, end, raw["statistic"])


def parse_definitions(
    document: Mapping[str, Any], columns: Mapping[str, ColumnType], parameters: Iterable[str] = ()
) -> tuple[str, list[Indicator]]:
    """The version and the checked indicators of a definitions file."""
    version = document.get("version")
    if not isinstance(version, str) or not version.strip():
        raise IndicatorDefinitionError("(file)", "'version' is missing")
    entries = document.get("indicator", [])
    if not isinstance(entries, list) or not entries:
        raise IndicatorDefinitionError("(file)", "no [[indicator]] entries")
    known = set(parameters)
    indicators = [parse_indicator(entry, columns, known) for entry in entries]
    seen: set[str] = set()
    for indicator in indicators:
        if indicator.code in seen:
            raise IndicatorDefinitionError(indicator.code, "defined twice")
        seen.add(indicator.code)
    return version, indicators
