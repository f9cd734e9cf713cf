"""The indicator engine: the definitions compiled to SQL and run by DuckDB over a columnar
extract of the milestone table.

The extract is an Arrow table with the columns of ``CaseMilestones`` (text columns use '' for
"not known", as in the database). Everything is counted once, by month, member state and one
breakdown at a time, and then added up: a quarter is the sum of its months and the EU the sum of
its member states. Quantiles do not add up, so durations (median, 90th percentile, mean) are
taken at each level directly, in numpy: the rows measured are sorted by days once, and each
grouping orders them by a stable sort on its group number (``_durations``). Stocks (the
backlog) are running sums of cases opening and closing per month, with the sum of their start
days for the mean age; the quarter's stock is its last month's. For each date that places rows
in periods (a *pass*), one scan per breakdown serves every measure placed by that date;
numerators and denominators placed by different dates (the Eurostat return rate) meet in the
last step.

Rows of the result are aggregates only: no case or person is named.
"""

# ruff: noqa: S608 - this module compiles SQL: column names come from checked definitions
# (fields of the milestone table), text literals go through _literal, the rest are numbers.
from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

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

CUBE_SCHEMA = pa.schema(
    [
        ("indicator", pa.string()),
        ("period_kind", pa.string()),
        ("period", pa.string()),
        ("member_state", pa.string()),
        ("dimension", pa.string()),
        ("dimension_value", pa.string()),
        ("numerator", pa.int64()),
        ("denominator", pa.int64()),
        ("value", pa.float64()),
    ]
)
DAYS_SCHEMA = pa.schema(
    [
        ("measure", pa.int32()),
        ("pk", pa.int32()),
        ("period", pa.int64()),
        ("ms", pa.int32()),
        ("dim", pa.int32()),
        ("val", pa.int32()),
        ("n", pa.int64()),
        ("median", pa.float64()),
        ("p90", pa.float64()),
        ("mean", pa.float64()),
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


class _Codes:
    """Every text of the cube's keys (member states, breakdown values) as a number, so that
    DuckDB groups and sorts integers; the texts come back in the last step."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self._index: dict[str, int] = {}
        for text in ("", UNKNOWN, "true", "false", EU, OLDEST_BAND, *(b for _, b in AGE_BANDS)):
            self.code(text)

    def code(self, text: str) -> int:
        if text not in self._index:
            self._index[text] = len(self.texts)
            self.texts.append(text)
        return self._index[text]

    def encode(self, column: pa.ChunkedArray) -> pa.Array:
        """A text column as codes; '' and missing become ``unknown``."""
        encoded = pc.dictionary_encode(column.combine_chunks())
        mapping = pa.array(
            [self.code(text or UNKNOWN) for text in encoded.dictionary.to_pylist()], pa.int32()
        )
        return pc.fill_null(pc.take(mapping, encoded.indices), self.code(UNKNOWN))

    def age_band(self, age: str, unknown: str) -> str:
        bands = " ".join(
            f"WHEN {age} < {limit} THEN {self.code(band)}" for limit, band in AGE_BANDS
        )
        return (
            f"CASE WHEN {unknown} THEN {self.code(UNKNOWN)} {bands} "
            f"ELSE {self.code(OLDEST_BAND)} END"
        )

    def dimension(self, name: str, year: str | None) -> str:
        """The breakdown value of a row; for a stock (``year`` None) the age band is left as
        the birth year, because a case stays open across birthdays."""
        if name == "age_band":
            if year is None:
                return "coalesce(m.birth_year, -1)"
            return self.age_band(f"({year} - m.birth_year)", "m.birth_year IS NULL")
        if name in BOOLEAN_BREAKDOWNS:
            return (
                f"CASE WHEN m.{name} THEN {self.code('true')} WHEN NOT m.{name} "
                f"THEN {self.code('false')} ELSE {self.code(UNKNOWN)} END"
            )
        return f"m.{name}{CODED}"


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


def _restrict(column: str, quarters: Collection[str] | None) -> str:
    if quarters is None:
        return "TRUE"
    return f"{_month(column)} // 3 IN (SELECT quarter FROM touched)"


def _by_breakdown(breakdowns: Sequence[str], select: str, source: str, where: str = "TRUE") -> str:
    """``select`` grouped by month and member state, in total and per breakdown."""
    parts = []
    for name in (TOTAL, *breakdowns):
        value = "0" if name == TOTAL else name
        parts.append(
            f"SELECT mk, ms, {DIMENSION_NUMBER[name]} AS dim, {value} AS val, {select} "
            f"FROM {source} WHERE {where} GROUP BY ALL"
        )
    return " UNION ALL ".join(parts)


def _flow(
    con: duckdb.DuckDBPyConnection, codes: _Codes, work: _Work, quarters: Collection[str] | None
) -> None:
    breakdowns = work.ordered_breakdowns()
    year = f"year(m.{work.period})"
    columns = [f"{_month('m.' + work.period)} AS mk", f"m.member_state{CODED} AS ms"]
    columns += [f"{codes.dimension(b, year)} AS {b}" for b in breakdowns]
    columns += [f"({where}) AS c{number}" for where, number in work.counts.items()]
    columns += [
        f"CASE WHEN {where} THEN date_diff('day', m.{start}, m.{end}) END AS d{number}"
        for (where, start, end), number in work.days.items()
    ]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE base AS SELECT {', '.join(columns)} "
        f"FROM milestones m{work.joins()} WHERE m.{work.period} IS NOT NULL "
        f"AND {_restrict('m.' + work.period, quarters)}"
    )
    if work.counts:
        names = [f"c{number}" for number in work.counts.values()]
        select = ", ".join(f"count(*) FILTER (WHERE {n}) AS {n}" for n in names)
        con.execute(
            f"INSERT INTO counts_month SELECT CAST(substr(measure, 2) AS INTEGER), mk, ms, dim, "
            f"val, n FROM (UNPIVOT ({_by_breakdown(breakdowns, select, 'base')}) "
            f"ON {', '.join(names)} INTO NAME measure VALUE n) WHERE n > 0"
        )
    # Quantiles do not add up: durations are summarised at each level directly.
    eu = codes.code(EU)
    for number in work.days.values():
        rows = con.sql(
            f"SELECT mk, ms, {''.join(b + ', ' for b in breakdowns)}d{number} AS days "
            f"FROM base WHERE d{number} IS NOT NULL"
        ).to_arrow_table()
        con.register("durations", _durations(rows, number, breakdowns, eu))
        con.execute("INSERT INTO days_measured SELECT * FROM durations")
        con.unregister("durations")


def _dense(values: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Small non-negative codes renumbered 0, 1, ... in order, and the codes in that order."""
    present = np.zeros(int(values.max()) + 1, dtype=bool)
    present[values] = True
    return (np.cumsum(present) - 1)[values], np.flatnonzero(present)


def _durations(rows: pa.Table, number: int, breakdowns: Sequence[str], eu: int) -> pa.Table:
    """Count, median, 90th percentile and mean of ``days`` by month and quarter, member state
    and EU, in total and per breakdown: the rows of ``days_measured`` for one measure.

    The percentiles interpolate between the two nearest ranks as DuckDB's ``quantile_cont``
    and pandas' ``quantile`` do. The rows are sorted by days once; each grouping then only
    needs a stable sort by its group number (a radix sort while groups fit in 16 bits), after
    which every group's days are consecutive and in order."""
    if rows.num_rows == 0:
        return DAYS_SCHEMA.empty_table()
    by_days = np.argsort(rows.column("days").to_numpy(), kind="stable")
    days = rows.column("days").to_numpy()[by_days]
    weights = days.astype(np.float64)
    month = rows.column("mk").to_numpy()[by_days]
    everywhere = np.zeros(len(days), np.int64)
    # Each key as dense numbers (and the codes they stand for), so that group numbers stay
    # small: member state or the EU, then the total or each breakdown.
    states = [_dense(rows.column("ms").to_numpy()[by_days]), (everywhere, np.array([eu]))]
    values = [(TOTAL, (everywhere, np.array([0])))] + [
        (name, _dense(rows.column(name).to_numpy()[by_days])) for name in breakdowns
    ]
    parts: list[dict[str, Any]] = []
    for kind, period in ((MONTH, month), (QUARTER, month // 3)):
        first = int(period.min())
        for dense_state, state_codes in states:
            for name, (dense_value, value_codes) in values:
                width = (len(state_codes), len(value_codes))
                group = ((period - first) * width[0] + dense_state) * width[1] + dense_value
                size = int(group.max()) + 1
                narrow = group.astype(np.uint16) if size <= 2**16 else group
                ranked = days[np.argsort(narrow, kind="stable")]
                counts = np.bincount(group, minlength=size)
                present = np.flatnonzero(counts)
                n = counts[present]
                start = (np.cumsum(counts) - counts)[present]
                quantiles = []
                for q in (0.5, 0.9):
                    position = (n - 1) * q
                    below = np.floor(position).astype(np.int64)
                    low = ranked[start + below].astype(np.float64)
                    high = ranked[start + np.ceil(position).astype(np.int64)].astype(np.float64)
                    quantiles.append(low + (position - below) * (high - low))
                cell, value_index = np.divmod(present, width[1])
                slot, state_index = np.divmod(cell, width[0])
                parts.append(
                    {
                        "measure": np.full(len(present), number),
                        "pk": np.full(len(present), kind),
                        "period": slot + first,
                        "ms": state_codes[state_index],
                        "dim": np.full(len(present), DIMENSION_NUMBER[name]),
                        "val": value_codes[value_index],
                        "n": n,
                        "median": quantiles[0],
                        "p90": quantiles[1],
                        "mean": np.bincount(group, weights=weights, minlength=size)[present] / n,
                    }
                )
    return pa.Table.from_batches(
        [pa.RecordBatch.from_pydict(part, schema=DAYS_SCHEMA) for part in parts]
    )


def _stock(con: duckdb.DuckDBPyConnection, codes: _Codes, work: _Work, as_of: date) -> None:
    """Cases open at the end of each month up to ``as_of``'s: opened on or before its last day
    (``period``), none of the ``open_until`` dates on or before it."""
    breakdowns = work.ordered_breakdowns()
    number = work.counts[work.where]
    start = f"m.{work.period}"
    # A case closed before it opened is never open: it closes in the month it opens.
    first_until = f"least({', '.join('m.' + c for c in work.open_until)})"
    until = f"CASE WHEN {first_until} IS NOT NULL THEN greatest({first_until}, {start}) END"
    columns = [
        f"{_month(start)} AS opens",
        f"{_month(until)} AS closes",
        f"m.member_state{CODED} AS ms",
        f"date_diff('day', DATE '1970-01-01', {start}) AS start_day",
    ]
    columns += [f"{codes.dimension(b, None)} AS {b}" for b in breakdowns]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE base AS SELECT {', '.join(columns)} "
        f"FROM milestones m{work.joins()} WHERE {start} IS NOT NULL AND ({work.where})"
    )
    last = as_of.year * 12 + as_of.month - 1
    events = (
        "SELECT opens AS mk, * EXCLUDE (opens, closes), 1 AS step, start_day AS days FROM base "
        "UNION ALL SELECT closes AS mk, * EXCLUDE (opens, closes), -1, -start_day FROM base "
        "WHERE closes IS NOT NULL"
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE stock_changes AS
        {
            _by_breakdown(
                breakdowns, "sum(step) AS step, sum(days) AS days", f"({events})", f"mk <= {last}"
            )
        }"""
    )
    month_end = "date_diff('day', DATE '1970-01-01', last_day(make_date(mk // 12, mk % 12 + 1, 1)))"
    band = codes.age_band("(mk // 12 - val)", "val < 0")
    con.execute(
        f"""INSERT INTO stock_month
        WITH months AS (
            SELECT unnest(range(min(mk), {last} + 1)) AS mk FROM stock_changes),
        grid AS (
            SELECT months.mk, g.ms, g.dim, g.val
            FROM months, (SELECT DISTINCT ms, dim, val FROM stock_changes) g),
        running AS (
            SELECT grid.*, sum(coalesce(c.step, 0)) OVER w AS open,
                   sum(coalesce(c.days, 0)) OVER w AS start_days
            FROM grid LEFT JOIN stock_changes c USING (mk, ms, dim, val)
            WINDOW w AS (PARTITION BY grid.ms, grid.dim, grid.val ORDER BY grid.mk))
        SELECT {number}, mk, ms, dim,
               CASE WHEN dim = {DIMENSION_NUMBER["age_band"]} THEN {band} ELSE val END AS val,
               sum(open), sum({month_end} * open - start_days)
        FROM running WHERE open > 0 GROUP BY ALL"""
    )


_KEYS = "measure, pk, period, ms, dim, val"


def _level(kind: int, period: str, ms: str, sums: Sequence[str], source: str) -> str:
    """``sums`` of ``source`` (by month and member state) at one period kind and member-state
    level; the months of each member state are the rows as they are (one per key already)."""
    if (kind, ms) == (MONTH, "ms"):
        columns = ", ".join(sums)
        return f"SELECT measure, {kind} AS pk, mk AS period, ms, dim, val, {columns} FROM {source}"
    # Back to BIGINT: DuckDB's sum of BIGINT is a HUGEINT, slow to carry and to convert.
    select = ", ".join(f"CAST(sum({name}) AS BIGINT) AS {name}" for name in sums)
    return (
        f"SELECT measure, {kind} AS pk, {period} AS period, {ms} AS ms, dim, val, {select} "
        f"FROM {source} GROUP BY ALL"
    )


def _roll_up(con: duckdb.DuckDBPyConnection, codes: _Codes) -> None:
    """Months and member states added up into quarters and the EU; stocks taken at the last
    month of each quarter; with the durations, measured at each level."""
    levels = [(MONTH, "mk"), (QUARTER, "mk // 3")]
    states = ("ms", str(codes.code(EU)))
    flows = " UNION ALL ".join(
        _level(kind, period, ms, ("n",), "counts_month") for kind, period in levels for ms in states
    )
    stocks = " UNION ALL ".join(
        _level(kind, period, ms, ("n", "age_days"), f"stock_month WHERE {only}")
        for (kind, period), only in zip(levels, ("TRUE", "mk % 3 = 2"), strict=True)
        for ms in states
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE measured AS
        SELECT {_KEYS}, n, NULL::DOUBLE AS median, NULL::DOUBLE AS p90, NULL::DOUBLE AS mean
        FROM ({flows})
        UNION ALL
        SELECT {_KEYS}, n, NULL, NULL, age_days / n FROM ({stocks})
        UNION ALL
        SELECT * FROM days_measured"""
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
    codes = _Codes()
    for name in ("member_state", *(b for b in BREAKDOWNS if b not in BOOLEAN_BREAKDOWNS)):
        if name != "age_band":
            milestones = milestones.append_column(
                name + CODED, codes.encode(milestones.column(name))
            )
    con = duckdb.connect(":memory:")
    try:
        # Row order is never relied on (cells are keyed); not keeping it frees DuckDB to
        # write the intermediate tables from several threads.
        con.execute("SET preserve_insertion_order = false")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        con.register("milestones", milestones)
        states = pc.unique(milestones.column("member_state")).to_pylist()
        versions = parameters if parameters is not None else PARAMETER_SCHEMA.empty_table()
        con.register("parameters", resolve_parameters(versions, states))
        touched = [_quarter_number(q) for q in sorted(quarters or ())]
        con.register("touched", pa.table({"quarter": pa.array(touched, pa.int64())}))
        keys = "measure INTEGER, mk BIGINT, ms INTEGER, dim INTEGER, val INTEGER"
        con.execute(f"CREATE TEMP TABLE counts_month ({keys}, n BIGINT)")
        con.execute(
            "CREATE TEMP TABLE days_measured (measure INTEGER, pk INTEGER, period BIGINT, "
            "ms INTEGER, dim INTEGER, val INTEGER, n BIGINT, median DOUBLE, p90 DOUBLE, "
            "mean DOUBLE)"
        )
        con.execute(f"CREATE TEMP TABLE stock_month ({keys}, n BIGINT, age_days BIGINT)")
        plan = _Plan(indicators)
        for work in plan.flows.values():
            _flow(con, codes, work, quarters)
        for work in plan.stocks.values():
            _stock(con, codes, work, as_of)
        _roll_up(con, codes)
        return _assemble(con, plan.wiring, codes.texts, quarters is not None)
    finally:
        con.close()


def _quarter_number(quarter: str) -> int:
    year, number = quarter.split("Q")
    return int(year) * 4 + int(number) - 1


def _assemble(
    con: duckdb.DuckDBPyConnection, wiring: Sequence[_Wiring], texts: list[str], touched: bool
) -> pa.Table:
    """One select per indicator over the measured figures: a count or duration is its
    numerator's rows as they are, a percent the full join of its numerator and denominator
    (no grouping of the millions of cells)."""
    restrict = (
        f"(CASE pk WHEN {QUARTER} THEN period ELSE period // 3 END) "
        "IN (SELECT quarter FROM touched)"
        if touched
        else "TRUE"
    )
    parts = []
    for number, wire in enumerate(wiring):
        indicator = wire.indicator
        dims = ", ".join(str(DIMENSION_NUMBER[d]) for d in (TOTAL, *indicator.breakdowns))
        where = f"dim IN ({dims}) AND n > 0 AND {restrict}"
        keys = f"{number} AS indicator, pk * 100000 + period AS period, ms, dim, val"
        if wire.denominator is None:
            # A duration's statistic is the column of that name; a count is its number.
            value = indicator.duration.statistic if indicator.duration else "n"
            parts.append(
                f"SELECT {keys}, n AS numerator, NULL::BIGINT AS denominator, "
                f"CAST({value} AS DOUBLE) AS value FROM ({_measured(wire.numerator, where)})"
            )
        else:
            parts.append(
                f"SELECT {keys}, coalesce(a.n, 0) AS numerator, coalesce(b.n, 0) AS denominator, "
                f"100.0 * coalesce(a.n, 0) / nullif(b.n, 0) AS value "
                f"FROM ({_measured(wire.numerator, where)}) a "
                f"FULL JOIN ({_measured(wire.denominator, where)}) b "
                f"USING (pk, period, ms, dim, val)"
            )
    if not parts:
        return CUBE_SCHEMA.empty_table()
    cells = con.sql(" UNION ALL ".join(parts)).to_arrow_table()
    return _decode(cells, [w.indicator.code for w in wiring], texts)


def _measured(measure: int, where: str) -> str:
    return (
        f"SELECT pk, period, ms, dim, val, n, median, p90, mean FROM measured "
        f"WHERE measure = {measure} AND {where}"
    )


def _period_text(code: int) -> str:
    kind, number = divmod(code, 100000)
    if kind == QUARTER:
        return f"{number // 4}Q{number % 4 + 1}"
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def _decode(cells: pa.Table, codes: list[str], texts: list[str]) -> pa.Table:
    """The numbers of the keys back to texts (with Arrow, for each distinct value once)."""
    periods = pc.unique(cells.column("period")).to_pylist()
    period_index = pc.index_in(cells.column("period"), pa.array(periods, pa.int64()))
    kinds = ["quarter" if p // 100000 == QUARTER else "month" for p in periods]
    text_array = pa.array(texts, pa.string())
    dimensions = pa.array(list(DIMENSION_NUMBER), pa.string())
    table = pa.table(
        {
            "indicator": pc.take(pa.array(codes, pa.string()), cells.column("indicator")),
            "period_kind": pc.take(pa.array(kinds, pa.string()), period_index),
            "period": pc.take(
                pa.array([_period_text(p) for p in periods], pa.string()), period_index
            ),
            "member_state": pc.take(text_array, cells.column("ms")),
            "dimension": pc.take(dimensions, cells.column("dim")),
            "dimension_value": pc.take(text_array, cells.column("val")),
            "numerator": cells.column("numerator"),
            "denominator": cells.column("denominator"),
            "value": cells.column("value"),
        }
    )
    return table.cast(CUBE_SCHEMA)
