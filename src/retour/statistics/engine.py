"""The indicator engine: the definitions compiled to SQL and run by DuckDB over a columnar
extract of the milestone table, the figures added up in numpy over integer keys.

The extract is an Arrow table with the columns of the milestone extract (text columns use ''
for "not known", as in the database). Its text columns are dictionary-encoded once (``_Keys``):
from there on a member state or a breakdown value is a small number, and texts come back
only as the dictionaries of the result's columns. For each date that places rows in periods
(a *pass*), one DuckDB query gives every row its month, member state, breakdown values,
which of the pass's measures it counts in (one bit each) and the days it measures. numpy then
counts once by month, member state, breakdown value and combination of bits, into dense arrays
(``np.bincount``), and adds up: a measure's count is the sum over the combinations holding its
bit, a quarter the sum of its months, the EU the sum of its member states. Quantiles do not add
up, so durations (median, 90th percentile, mean) are taken at each level directly, exactly:
from the count of each (group, day) where those are few, else by ordering the rows (sorted by
days once) with a stable radix sort on the group number (``_durations``). Stocks (the
backlog) are running sums of cases opening and closing per month, with the sum of their start
days for the mean age; the quarter's stock is its last month's. numpy's work runs in a pool of
threads while DuckDB runs the next query. Numerators and denominators placed by different
dates (the Eurostat return rate) meet as arrays aligned on their months.

Rows of the result are aggregates only: no case or person is named.
"""

# ruff: noqa: S608 - this module compiles SQL: column names come from checked definitions
# (fields of the milestone table), text literals go through _literal, the rest are numbers.
from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from retour.statistics.formula import (
    ALWAYS,
    DIMENSIONS,
    Clause,
    DateCompare,
    Equals,
    Indicator,
    IsSet,
    Measure,
)

EU = "EU"  # the member-state value of rows that add up every member state
TOTAL = "total"  # the dimension of rows without a breakdown
UNKNOWN = "unknown"
BREAKDOWNS = ALWAYS + DIMENSIONS
# Eurostat's age groups for return statistics (Reg. (EU) 2020/851 breakdowns).
AGE_BANDS = ((14, "under_14"), (18, "14_17"), (35, "18_34"))
OLDEST_BAND = "35_plus"
AGE_TEXTS = (*(band for _, band in AGE_BANDS), OLDEST_BAND, UNKNOWN)
BOOLEAN_TEXTS = ("true", "false", UNKNOWN)

# The key columns are dictionary-encoded: each text is stored once, the cells hold numbers.
KEY_TEXT = pa.dictionary(pa.int32(), pa.string())
CUBE_SCHEMA = pa.schema(
    [
        ("indicator", KEY_TEXT),
        ("period_kind", KEY_TEXT),
        ("period", KEY_TEXT),
        ("member_state", KEY_TEXT),
        ("dimension", KEY_TEXT),
        ("dimension_value", KEY_TEXT),
        ("numerator", pa.int64()),
        ("denominator", pa.int64()),
        ("value", pa.float64()),
    ]
)
RESOLVED_SCHEMA = pa.schema(
    [
        ("code", pa.string()),
        ("member_state", pa.string()),
        ("valid_from", pa.date32()),
        ("valid_until", pa.date32()),
        ("days", pa.int64()),
    ]
)
PARAMETER_SCHEMA = pa.schema(
    [
        ("code", pa.string()),
        ("jurisdiction", pa.string()),
        ("valid_from", pa.date32()),
        ("valid_until", pa.date32()),
        ("days", pa.int64()),
    ]
)


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _literal(value: str | bool | int) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


def parameter_alias(clause: DateCompare) -> str:
    """The join that brings the parameter of ``clause`` to each row, named after what it is."""
    return f"param_{clause.right}_{clause.parameter.replace('.', '_')}"


def resolve_parameters(versions: pa.Table, member_states: Iterable[str]) -> pa.Table:
    """The legal parameter in force for each member state, as intervals that do not overlap:
    the member state's own version wins over Union law, and of several versions in force the
    one valid from the latest day (``reference.legal.parameter_in_force``)."""
    rows = versions.to_pylist()
    out = []
    for code in sorted({r["code"] for r in rows}):
        for state in sorted(set(member_states)):
            mine = [r for r in rows if r["code"] == code and r["jurisdiction"] in (state, "EU")]
            bounds = sorted(
                {r["valid_from"] for r in mine}
                | {
                    r["valid_until"] + timedelta(days=1)
                    for r in mine
                    if r["valid_until"] is not None and r["valid_until"] < date.max
                }
            )
            for start, stop in zip(bounds, [*bounds[1:], None], strict=True):
                in_force = [
                    r
                    for r in mine
                    if r["valid_from"] <= start
                    and (r["valid_until"] is None or r["valid_until"] >= start)
                ]
                if not in_force:
                    continue
                chosen = max(in_force, key=lambda r: (r["jurisdiction"] == state, r["valid_from"]))
                out.append(
                    {
                        "code": code,
                        "member_state": state,
                        "valid_from": start,
                        "valid_until": stop - timedelta(days=1) if stop else date.max,
                        "days": chosen["days"],
                    }
                )
    return pa.Table.from_pylist(out, schema=RESOLVED_SCHEMA)


def clause_sql(clause: Clause) -> str:
    if isinstance(clause, IsSet):
        return f"m.{clause.column} IS {'NOT ' if not clause.negated else ''}NULL"
    if isinstance(clause, Equals):
        values = ", ".join(_literal(v) for v in clause.values)
        return f"m.{clause.column} {'NOT ' if clause.negated else ''}IN ({values})"
    right = f"m.{clause.right}"
    if clause.days:
        right += f" + {clause.days}"
    if clause.months:
        right = f"CAST({right} + INTERVAL {clause.months} MONTH AS DATE)"
    if clause.parameter:
        right += f" + CAST({parameter_alias(clause)}.days AS INTEGER)"
    return f"m.{clause.left} {clause.op} {right}"


def _where_sql(clauses: Iterable[Clause]) -> str:
    parts = [f"({clause_sql(c)})" for c in clauses]
    return " AND ".join(parts) or "TRUE"


Ints = npt.NDArray[np.int64]
Small = npt.NDArray[np.int32]


def _encode(column: pa.ChunkedArray) -> tuple[pa.Array, list[str]]:
    """A text column as numbers 0, 1, ... and the texts they stand for; '' and missing are
    both ``unknown``. A column dictionary-encoded already (as the extract's are) keeps its
    numbers, renumbered through its dictionary."""
    whole = column.unify_dictionaries().combine_chunks()
    encoded = whole if pa.types.is_dictionary(whole.type) else pc.dictionary_encode(whole)
    texts = [text or UNKNOWN for text in encoded.dictionary.to_pylist()]
    index = {text: number for number, text in enumerate(dict.fromkeys([*texts, UNKNOWN]))}
    mapping = pa.array([index[text] for text in texts], pa.int32())
    return pc.fill_null(pc.take(mapping, encoded.indices), index[UNKNOWN]), list(index)


class _Keys:
    """The values of the member state and of every breakdown as numbers 0, 1, ... with their
    texts: text columns dictionary-encoded once (added to the extract as ``name__code``), age
    bands and yes/no in fixed lists."""

    def __init__(self, milestones: pa.Table) -> None:
        self.texts: dict[str, list[str]] = {TOTAL: [""]}
        self.columns: dict[str, pa.Array] = {}
        for name in ("member_state", *BREAKDOWNS):
            if name == "age_band":
                self.texts[name] = list(AGE_TEXTS)
            elif name in BOOLEAN_BREAKDOWNS:
                self.texts[name] = list(BOOLEAN_TEXTS)
            else:
                self.columns[name], self.texts[name] = _encode(milestones.column(name))
        # The member states' numbers; the EU is the number after the last.
        self.states = len(self.texts["member_state"])

    def size(self, name: str) -> int:
        return len(self.texts[name])

    def sql(self, name: str, year: str | None) -> str:
        """The breakdown value of a row; for a stock (``year`` None) the age band is left as
        the birth year (-1 unknown), because a case stays open across birthdays."""
        if name == "age_band":
            if year is None:
                return "coalesce(m.birth_year, -1)"
            return _age_band(f"({year} - m.birth_year)", "m.birth_year IS NULL")
        if name in BOOLEAN_BREAKDOWNS:
            return f"CASE WHEN m.{name} THEN 0 WHEN NOT m.{name} THEN 1 ELSE 2 END"
        return f"m.{name}{CODED}"


def _age_band(age: str, unknown: str) -> str:
    """The number of the age band (in ``AGE_TEXTS``) of ``age`` in SQL."""
    bands = " ".join(f"WHEN {age} < {limit} THEN {i}" for i, (limit, _) in enumerate(AGE_BANDS))
    return f"CASE WHEN {unknown} THEN {len(AGE_TEXTS) - 1} {bands} ELSE {len(AGE_BANDS)} END"


BOOLEAN_BREAKDOWNS = ("minor", "unaccompanied_minor", "assisted")
CODED = "__code"  # suffix of the coded copy of a text column
DIMENSION_NUMBER = {name: number for number, name in enumerate((TOTAL, *BREAKDOWNS))}
MONTH, QUARTER = 0, 1


def _month(column: str) -> str:
    """Months as numbers (year × 12 + month − 1): a quarter is the month number // 3."""
    return f"(year({column}) * 12 + month({column}) - 1)"


@dataclass
class _Work:
    """The measures of one pass: placed by one date (a flow) or open at period ends (a stock
    measure, one per pass)."""

    period: str
    open_until: tuple[str, ...] = ()
    where: str = "TRUE"
    counts: dict[str, int] = field(default_factory=dict)  # where → measure number
    days: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (where, start, end)
    breakdowns: set[str] = field(default_factory=set)
    parameters: set[DateCompare] = field(default_factory=set)

    def joins(self) -> str:
        """One join per legal parameter compared with, on the member state and the date the
        parameter is taken on."""
        return "".join(
            f" LEFT JOIN parameters {parameter_alias(c)} ON {parameter_alias(c)}.code = "
            f"{_literal(c.parameter)} AND {parameter_alias(c)}.member_state = m.member_state"
            f" AND m.{c.right} BETWEEN {parameter_alias(c)}.valid_from"
            f" AND {parameter_alias(c)}.valid_until"
            for c in sorted(self.parameters, key=parameter_alias)
        )

    def ordered_breakdowns(self) -> list[str]:
        return [b for b in BREAKDOWNS if b in self.breakdowns]


@dataclass(frozen=True)
class _Wiring:
    indicator: Indicator
    numerator: int
    denominator: int | None


class _Plan:
    """The passes of a set of indicators, each measure numbered once however often used."""

    def __init__(self, indicators: Sequence[Indicator]) -> None:
        self.flows: dict[str, _Work] = {}
        self.stocks: dict[tuple[str, tuple[str, ...], str], _Work] = {}
        self.wiring: list[_Wiring] = []
        self._count = 0
        for indicator in indicators:
            numerator = self._add(indicator, indicator.numerator, with_duration=True)
            denominator = (
                self._add(indicator, indicator.denominator, with_duration=False)
                if indicator.denominator
                else None
            )
            self.wiring.append(_Wiring(indicator, numerator, denominator))

    def _next(self) -> int:
        self._count += 1
        return self._count

    def _add(self, indicator: Indicator, measure: Measure, with_duration: bool) -> int:
        where = _where_sql(measure.where)
        if measure.is_stock:
            key = (measure.period, measure.open_until, where)
            if key not in self.stocks:
                self.stocks[key] = _Work(measure.period, measure.open_until, where)
                self.stocks[key].counts[where] = self._next()
            work = self.stocks[key]
            number = work.counts[where]
        else:
            work = self.flows.setdefault(measure.period, _Work(measure.period))
            duration = indicator.duration if with_duration else None
            if duration is not None:
                number = work.days.setdefault((where, duration.start, duration.end), self._next())
            elif where in work.counts:
                number = work.counts[where]
            else:
                number = work.counts[where] = self._next()
        work.breakdowns |= set(indicator.breakdowns)
        work.parameters |= {c for c in measure.where if isinstance(c, DateCompare) and c.parameter}
        return number


def _restrict(column: str, quarters: bool) -> str:
    if not quarters:
        return "TRUE"
    return f"{_month(column)} // 3 IN (SELECT quarter FROM touched)"


@dataclass
class _Counted:
    """A measure counted for each breakdown: by period kind and breakdown, the number of the
    first period and an array (period, member state with the EU last, breakdown value) of
    counts; for a stock, also the sum of the open cases' ages in days, shaped alike."""

    n: dict[tuple[int, str], tuple[int, Ints]] = field(default_factory=dict)
    age_days: dict[tuple[int, str], Ints] = field(default_factory=dict)


@dataclass(frozen=True)
class _Summary:
    """A duration summarised in the cells of one period kind, member-state level (``eu``)
    and breakdown that have cases."""

    kind: int
    name: str
    eu: bool
    period: Ints
    state: Ints
    value: Ints
    n: Ints
    median: npt.NDArray[np.float64]
    p90: npt.NDArray[np.float64]
    mean: npt.NDArray[np.float64]


@dataclass
class _Summarised:
    """A duration measure summarised at each level."""

    summaries: list[_Summary]


Measured = dict[int, _Counted | _Summarised]


def _numbers(table: pa.Table, name: str) -> Ints:
    return table.column(name).to_numpy().astype(np.int64, copy=False)


def _keys(table: pa.Table, name: str) -> Small:
    """A key column (month numbers, codes) in 32 bits: half the memory to sort and gather."""
    return table.column(name).to_numpy().astype(np.int32, copy=False)


def _factorize(values: Ints) -> tuple[Ints, Ints]:
    """Non-negative numbers renumbered 0, 1, ... in order, and the numbers in that
    order."""
    if len(values) and values.max() >= 2**20:
        distinct, dense = np.unique(values, return_inverse=True)
        return dense, distinct
    present = np.bincount(values) > 0
    return (np.cumsum(present) - 1)[values], np.flatnonzero(present)


def _with_eu(counts: Ints) -> Ints:
    """Member states on axis 1, with their sum (the EU) appended."""
    return np.concatenate([counts, counts.sum(axis=1, keepdims=True)], axis=1)


def _flow(
    con: duckdb.DuckDBPyConnection, pool: Executor, keys: _Keys, work: _Work, quarters: bool
) -> list[Future[Measured]]:
    """The measures placed by one date: one query gives each row its keys, the bits of the
    count measures it counts in and the days it measures; numpy counts and summarises them
    in ``pool`` while the next query runs."""
    breakdowns = work.ordered_breakdowns()
    year = f"year(m.{work.period})"
    columns = [f"{_month('m.' + work.period)} AS mk", f"m.member_state{CODED} AS ms"]
    columns += [f"{keys.sql(b, year)} AS {b}" for b in breakdowns]
    counted = list(work.counts.items())
    # One bit per count measure in a 64-bit number (the shipped definitions have at most 8
    # per date; more than 62 would need a second number).
    if len(counted) > 62:
        raise ValueError(f"more than 62 counts placed by {work.period}")
    bits = " + ".join(
        f"CASE WHEN {where} THEN {1 << bit}::BIGINT ELSE 0 END"
        for bit, (where, _) in enumerate(counted)
    )
    columns.append(f"{bits or '0'} AS bits")
    columns += [
        f"CASE WHEN {where} THEN date_diff('day', m.{start}, m.{end}) END AS d{number}"
        for (where, start, end), number in work.days.items()
    ]
    rows = con.sql(
        f"SELECT {', '.join(columns)} FROM milestones m{work.joins()} "
        f"WHERE m.{work.period} IS NOT NULL AND {_restrict('m.' + work.period, quarters)}"
    ).to_arrow_table()
    if rows.num_rows == 0:
        return []
    month, state = _keys(rows, "mk"), _keys(rows, "ms")
    values = [(TOTAL, np.zeros(len(month), np.int32), 1)] + [
        (b, _keys(rows, b), keys.size(b)) for b in breakdowns
    ]
    numbers = [number for _, number in counted]
    tasks = [
        pool.submit(_count, month, state, values, _numbers(rows, "bits"), numbers, keys.states)
    ]
    for number in work.days.values():
        days = rows.column(f"d{number}")
        chosen = np.asarray(days.is_valid())
        if chosen.any():
            tasks.append(
                pool.submit(
                    _durations,
                    number,
                    month[chosen],
                    state[chosen],
                    [(name, value[chosen], size) for name, value, size in values],
                    days.to_numpy(zero_copy_only=False)[chosen].astype(np.int64),
                    keys.states,
                )
            )
    return tasks


def _count(
    month: Small,
    state: Small,
    values: Sequence[tuple[str, Small, int]],
    bits: Ints,
    numbers: Sequence[int],
    states: int,
) -> Measured:
    """Counts of every measure of a pass by month, member state and breakdown value. Rows are
    counted once per combination of the measures they count in (``bits``); a measure's count
    is then the sum over the combinations that include it."""
    counting = bits > 0
    if not numbers or not counting.any():
        return {}
    combination, combinations = _factorize(bits[counting])
    # (combination, measure): 1 where the combination includes the measure.
    includes = (combinations[:, None] >> np.arange(len(numbers))) & 1
    first = int(month[counting].min()) // 3 * 3
    months = (int(month[counting].max()) // 3 + 1) * 3 - first
    cell = (month[counting] - first).astype(np.int64) * states + state[counting]
    measured: Measured = {number: _Counted() for number in numbers}
    for name, value, size in values:
        key = (cell * size + value[counting]) * len(combinations) + combination
        by_combination = np.bincount(key, minlength=months * states * size * len(combinations))
        # A float product is exact for counts below 2**53, and far faster than an integer one.
        counts = by_combination.reshape(-1, len(combinations)).astype(np.float64) @ includes
        by_month = _with_eu(np.rint(counts).astype(np.int64).reshape(months, states, size, -1))
        by_quarter = by_month.reshape(months // 3, 3, *by_month.shape[1:]).sum(axis=1)
        for index, number in enumerate(numbers):
            counted = measured[number]
            assert isinstance(counted, _Counted)
            counted.n[MONTH, name] = (first, by_month[..., index])
            counted.n[QUARTER, name] = (first // 3, by_quarter[..., index])
    return measured


def _durations(
    number: int,
    month: Small,
    state: Small,
    values: Sequence[tuple[str, Small, int]],
    days: Ints,
    states: int,
) -> Measured:
    """Count, median, 90th percentile and mean of ``days`` by month and quarter, member state
    and EU, in total and per breakdown.

    The percentiles interpolate between the two nearest ranks as DuckDB's ``quantile_cont``
    and pandas' ``quantile`` do, exactly. Where groups times distinct days are few, each
    group's days are counted (``_by_counting``); otherwise the rows, sorted by days once, are
    ordered by group (``_by_sorting``)."""
    low = int(days.min())
    spread = int(days.max()) - low + 1
    # A radix sort where days span less than 2**16 (a stable argsort of 16-bit numbers).
    by_days = np.argsort(
        days - low if spread > 2**16 else (days - low).astype(np.uint16), kind="stable"
    )
    days = days[by_days]
    month = month[by_days]
    levels = [(state[by_days], states, False), (np.zeros(len(days), np.int32), 1, True)]
    sorted_values = [(name, value[by_days], size) for name, value, size in values]
    summaries = []
    for kind, period in ((MONTH, month), (QUARTER, month // 3)):
        first = int(period.min())
        slots = int(period.max()) - first + 1
        for level, width, eu in levels:
            # Group numbers stay in 32 bits (months × member states × values ≪ 2**31).
            base = (period - first) * width + level
            for name, value, size in sorted_values:
                group = base * size + value
                total = slots * width * size
                assert total < 2**31
                if total * spread <= COUNTED_CELLS:
                    present, n, statistics = _by_counting(group, total, days - low, spread)
                    statistics[:] += low
                else:
                    present, n, statistics = _by_sorting(group, total, days)
                cell, value_index = np.divmod(present, size)
                slot, state_index = np.divmod(cell, width)
                summaries.append(
                    _Summary(
                        kind,
                        name,
                        eu,
                        period=slot + first,
                        state=state_index,
                        value=value_index,
                        n=n,
                        median=statistics[0],
                        p90=statistics[1],
                        mean=statistics[2],
                    )
                )
    return {number: _Summarised(summaries)}


# Up to this many (group, day) counts, quantiles are read from counts rather than a sort.
COUNTED_CELLS = 2**18
QUANTILES = (0.5, 0.9)


def _interpolated(n: Ints, day_at: Callable[[Ints], Ints]) -> list[npt.NDArray[np.float64]]:
    """The quantiles of groups of ``n`` days, ``day_at(rank)`` giving each group's day of
    that rank (0 the fewest): between the two nearest ranks, as ``quantile_cont`` does."""
    out = []
    for q in QUANTILES:
        position = (n - 1) * q
        below = np.floor(position).astype(np.int64)
        low = day_at(below).astype(np.float64)
        high = day_at(np.ceil(position).astype(np.int64)).astype(np.float64)
        out.append(low + (position - below) * (high - low))
    return out


def _by_sorting(group: Small, total: int, days: Ints) -> tuple[Ints, Ints, npt.NDArray[np.float64]]:
    """The groups with days (``days`` in order), their counts, and their median, 90th
    percentile and mean (rows of the last): a stable sort by group (a radix sort while groups
    fit in 16 bits) leaves every group's days consecutive and in order."""
    narrow = group.astype(np.uint16) if total <= 2**16 else group
    ranked = days[np.argsort(narrow, kind="stable")]
    counts = np.bincount(group, minlength=total)
    present = np.flatnonzero(counts)
    n = counts[present]
    start = (np.cumsum(counts) - counts)[present]
    quantiles = _interpolated(n, lambda rank: ranked[start + rank])
    return present, n, np.stack([*quantiles, np.add.reduceat(ranked, start) / n])


def _by_counting(
    group: Small, total: int, days: Ints, spread: int
) -> tuple[Ints, Ints, npt.NDArray[np.float64]]:
    """As ``_by_sorting``, from the count of each (group, day) (days 0 to ``spread`` - 1):
    the day of a rank is where the running count passes it."""
    counted = np.bincount(group * spread + days, minlength=total * spread)
    by_group = counted.reshape(total, spread)
    counts = by_group.sum(axis=1)
    present = np.flatnonzero(counts)
    n = counts[present]
    start = (np.cumsum(counts) - counts)[present]
    running = np.cumsum(counted)
    quantiles = _interpolated(
        n, lambda rank: np.searchsorted(running, start + rank, side="right") - present * spread
    )
    sums = by_group[present] @ np.arange(spread)
    return present, n, np.stack([*quantiles, sums / n])


def _stock(
    con: duckdb.DuckDBPyConnection, pool: Executor, keys: _Keys, work: _Work, as_of: date
) -> list[Future[Measured]]:
    """Cases open at the end of each month up to ``as_of``'s: opened on or before its last day
    (``period``), none of the ``open_until`` dates on or before it. A running sum of the
    cases opening and closing per month, and of their start days for the mean age."""
    breakdowns = work.ordered_breakdowns()
    number = work.counts[work.where]
    start = f"m.{work.period}"
    # A case closed before it opened is never open: it closes in the month it opens.
    first_until = f"least({', '.join('m.' + c for c in work.open_until)})"
    until = f"CASE WHEN {first_until} IS NOT NULL THEN greatest({first_until}, {start}) END"
    last = as_of.year * 12 + as_of.month - 1
    columns = [
        f"{_month(start)} AS opens",
        f"coalesce({_month(until)}, {last + 1}) AS closes",
        f"m.member_state{CODED} AS ms",
        f"date_diff('day', DATE '1970-01-01', {start}) AS start_day",
    ]
    columns += [f"{keys.sql(b, None)} AS {b}" for b in breakdowns]
    rows = con.sql(
        f"SELECT {', '.join(columns)} FROM milestones m{work.joins()} "
        f"WHERE {start} IS NOT NULL AND ({work.where}) AND {_month(start)} <= {last}"
    ).to_arrow_table()
    if rows.num_rows == 0:
        return []
    return [pool.submit(_running_sums, rows, keys, breakdowns, number, last)]


def _running_sums(
    rows: pa.Table, keys: _Keys, breakdowns: Sequence[str], number: int, last: int
) -> Measured:
    """The stock's open cases and their ages at each month's end up to month ``last``, from
    the months they open and close (``last`` + 1: not closed by then)."""
    opens, closes = _numbers(rows, "opens"), _numbers(rows, "closes")
    first = int(opens.min()) // 3 * 3
    months = last - first + 1
    closing = closes <= last
    start_day = rows.column("start_day").to_numpy().astype(np.float64)
    states = keys.states
    opened_cell = (opens - first) * states + _numbers(rows, "ms")
    closed_cell = (closes[closing] - first) * states + _numbers(rows, "ms")[closing]
    year = (first + np.arange(months)) // 12
    # Each month's last day, in days since 1970 (the day before the next month's first).
    next_month = (np.arange(first, last + 1) - 1970 * 12 + 1).astype("datetime64[M]")
    month_end = next_month.astype("datetime64[D]").astype(np.int64) - 1
    counted = _Counted()
    for name in (TOTAL, *breakdowns):
        value = np.zeros(len(opens), np.int64) if name == TOTAL else _numbers(rows, name)
        birth_years: Ints | None = None
        if name == "age_band":
            # Birth years (-1 unknown) as small numbers; the band is taken at each month's end.
            value, birth_years = _factorize(value + 1)
        size = keys.size(name) if birth_years is None else len(birth_years)
        shape = (months, states, size)
        opened, closed = opened_cell * size + value, closed_cell * size + value[closing]
        open_cases = _running(opened, closed, None, shape)
        started = _running(opened, closed, (start_day, start_day[closing]), shape)
        age_days = month_end[:, None, None] * open_cases - started
        if birth_years is not None:
            age = year[:, None] - (birth_years[None, :] - 1)
            band = np.searchsorted([limit for limit, _ in AGE_BANDS], age, side="right")
            band[:, birth_years == 0] = len(AGE_TEXTS) - 1
            open_cases, age_days = (
                _by_band(open_cases, band, states),
                _by_band(age_days, band, states),
            )
        open_cases, age_days = _with_eu(open_cases), _with_eu(age_days)
        # The quarter's stock is its last month's (``first`` is a quarter's first month).
        counted.n[MONTH, name] = (first, open_cases)
        counted.n[QUARTER, name] = (first // 3, open_cases[2::3])
        counted.age_days[MONTH, name] = age_days
        counted.age_days[QUARTER, name] = age_days[2::3]
    return {number: counted}


def _running(
    opened: Ints,
    closed: Ints,
    weights: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None,
    shape: tuple[int, int, int],
) -> Ints:
    """The running sum over months (axis 0) of the cases (or their ``weights``) opening at
    the cells ``opened`` less those closing at ``closed``."""
    size = shape[0] * shape[1] * shape[2]
    opening, closing = weights if weights is not None else (None, None)
    change = np.bincount(opened, opening, minlength=size) - np.bincount(
        closed, closing, minlength=size
    )
    return np.rint(np.cumsum(change.reshape(shape), axis=0)).astype(np.int64)


def _by_band(by_year: Ints, band: Ints, states: int) -> Ints:
    """(month, state, birth year) added up into (month, state, age band at that month)."""
    months = by_year.shape[0]
    target = (np.arange(months)[:, None, None] * states + np.arange(states)[None, :, None]) * len(
        AGE_TEXTS
    ) + band[:, None, :]
    return (
        np.bincount(
            target.ravel(),
            by_year.ravel().astype(np.float64),
            minlength=months * states * len(AGE_TEXTS),
        )
        .round()
        .astype(np.int64)
        .reshape(months, states, len(AGE_TEXTS))
    )


def compute(
    milestones: pa.Table,
    indicators: Sequence[Indicator],
    *,
    as_of: date,
    parameters: pa.Table | None = None,
    quarters: Collection[str] | None = None,
    threads: int | None = None,
) -> pa.Table:
    """The cube rows of ``indicators`` (``CUBE_SCHEMA``), for every period or, with
    ``quarters``, for those quarters and their months only. Stocks are counted at the end of
    each month up to the one holding ``as_of``."""
    keys = _Keys(milestones)
    for name, codes in keys.columns.items():
        milestones = milestones.append_column(name + CODED, codes)
    touched = np.array(sorted(_quarter_number(q) for q in quarters or ()), np.int64)
    con = duckdb.connect(":memory:")
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        con.register("milestones", milestones)
        versions = parameters if parameters is not None else PARAMETER_SCHEMA.empty_table()
        con.register("parameters", resolve_parameters(versions, keys.texts["member_state"]))
        con.register("touched", pa.table({"quarter": pa.array(touched, pa.int64())}))
        plan = _Plan(indicators)
        # DuckDB runs the queries one after the other (each on every core); numpy counts
        # and sorts what each returns in the pool meanwhile (it releases the GIL for that).
        with ThreadPoolExecutor(threads or os.cpu_count() or 1) as pool:
            tasks: list[Future[Measured]] = []
            for work in plan.flows.values():
                tasks += _flow(con, pool, keys, work, quarters is not None)
            for work in plan.stocks.values():
                tasks += _stock(con, pool, keys, work, as_of)
            measured: Measured = {}
            for task in tasks:
                measured.update(task.result())
    finally:
        con.close()
    return _assemble(plan.wiring, measured, keys, touched if quarters is not None else None)


def _quarter_number(quarter: str) -> int:
    year, number = quarter.split("Q")
    return int(year) * 4 + int(number) - 1


def _aligned(
    *figures: tuple[int, Ints] | None,
) -> tuple[int, list[Ints]]:
    """Arrays by period (axis 0) starting at different periods, padded with zeros to the
    same periods; a missing one is all zeros."""
    present = [f for f in figures if f is not None]
    first = min(start for start, _ in present)
    end = max(start + len(array) for start, array in present)
    shape = present[0][1].shape[1:]
    out = []
    for figure in figures:
        padded = np.zeros((end - first, *shape), np.int64)
        if figure is not None:
            start, array = figure
            padded[start - first : start - first + len(array)] = array
        out.append(padded)
    return first, out


def _assemble(
    wiring: Sequence[_Wiring], measured: Measured, keys: _Keys, touched: Ints | None
) -> pa.Table:
    """The cells of every indicator: a count is its numerator's counts, a percent its
    numerator's over its denominator's (cells where either has cases), a duration its
    statistic; only the breakdowns the definition allows."""
    cells = _Cells([w.indicator.code for w in wiring], keys, touched)
    for index, wire in enumerate(wiring):
        indicator = wire.indicator
        names = (TOTAL, *indicator.breakdowns)
        numerator = measured.get(wire.numerator)
        denominator = measured.get(wire.denominator) if wire.denominator else None
        if isinstance(numerator, _Summarised):
            statistic = indicator.duration.statistic if indicator.duration else "mean"
            for summary in numerator.summaries:
                if summary.name in names:
                    state = np.full(len(summary.n), keys.states) if summary.eu else summary.state
                    cells.add(
                        index,
                        summary.kind,
                        summary.name,
                        (summary.period, state, summary.value),
                        summary.n,
                        None,
                        getattr(summary, statistic),
                    )
            continue
        assert not isinstance(denominator, _Summarised)
        if numerator is None and denominator is None:
            continue
        for kind in (MONTH, QUARTER):
            for name in names:
                parts = [numerator, denominator] if wire.denominator else [numerator]
                first, (n, *d) = _aligned(*(p.n[kind, name] if p else None for p in parts))
                total: Ints | None = None
                if d:
                    where = np.nonzero((n > 0) | (d[0] > 0))
                    total = d[0][where]
                    # No share of nothing: the value is missing where the denominator is 0.
                    value = np.divide(
                        100.0 * n[where], total, out=np.full(len(total), np.nan), where=total > 0
                    )
                else:
                    where = np.nonzero(n > 0)
                    if numerator is not None and numerator.age_days and indicator.duration:
                        value = numerator.age_days[kind, name][where] / n[where]
                    else:
                        value = n[where].astype(np.float64)
                period, state, val = where
                cells.add(index, kind, name, (period + first, state, val), n[where], total, value)
    return cells.table()


class _Cells:
    """The cube's rows, added a block at a time (one indicator, period kind and breakdown)
    and kept as record batches: numbers as they are, keys as dictionary-encoded texts (each
    block's periods its own small dictionary; the other texts shared)."""

    def __init__(self, codes: Sequence[str], keys: _Keys, touched: Ints | None) -> None:
        self.codes = [pa.array([code], pa.string()) for code in codes]
        self.kinds = [pa.array([text], pa.string()) for text in ("month", "quarter")]
        self.states = pa.array([*keys.texts["member_state"], EU], pa.string())
        self.dimensions = {name: pa.array([name], pa.string()) for name in DIMENSION_NUMBER}
        self.values = {name: pa.array(keys.texts[name], pa.string()) for name in DIMENSION_NUMBER}
        self.touched = touched
        self.batches: list[pa.RecordBatch] = []

    def add(
        self,
        indicator: int,
        kind: int,
        name: str,
        cell: tuple[Ints, Ints, Ints],
        numerator: Ints,
        denominator: Ints | None,
        value: npt.NDArray[np.float64],
    ) -> None:
        """Cells of one block: ``cell`` are their period numbers, member states and values of
        the breakdown ``name``; no denominator for a count or duration."""
        period, state, val = cell
        if self.touched is not None:
            chosen = np.isin(period if kind == QUARTER else period // 3, self.touched)
            period, state, val, numerator = (a[chosen] for a in (period, state, val, numerator))
            value = value[chosen]
            denominator = None if denominator is None else denominator[chosen]
        rows = len(period)
        if rows == 0:
            return
        first = int(period.min())
        periods = range(first, int(period.max()) + 1)
        texts = (
            [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in periods]
            if kind == MONTH
            else [f"{q // 4}Q{q % 4 + 1}" for q in periods]
        )
        same = pa.array(np.zeros(rows, np.int32))
        self.batches.append(
            pa.RecordBatch.from_arrays(
                [
                    pa.DictionaryArray.from_arrays(same, self.codes[indicator]),
                    pa.DictionaryArray.from_arrays(same, self.kinds[kind]),
                    pa.DictionaryArray.from_arrays(
                        pa.array((period - first).astype(np.int32)), pa.array(texts, pa.string())
                    ),
                    pa.DictionaryArray.from_arrays(pa.array(state.astype(np.int32)), self.states),
                    pa.DictionaryArray.from_arrays(same, self.dimensions[name]),
                    pa.DictionaryArray.from_arrays(
                        pa.array(val.astype(np.int32)), self.values[name]
                    ),
                    pa.array(numerator, pa.int64()),
                    pa.nulls(rows, pa.int64())
                    if denominator is None
                    else pa.array(denominator, pa.int64()),
                    pa.array(value, pa.float64(), mask=np.isnan(value)),
                ],
                schema=CUBE_SCHEMA,
            )
        )

    def table(self) -> pa.Table:
        return pa.Table.from_batches(self.batches, schema=CUBE_SCHEMA)
