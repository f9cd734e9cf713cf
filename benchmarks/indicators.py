"""Benchmark: the indicator cube of N synthetic cases, Retour's engine against pandas.

    .venv/bin/python benchmarks/indicators.py --cases 1000000
    .venv/bin/python benchmarks/indicators.py --cases 10000000 --no-baseline

Builds N milestone rows (the columnar extract the engine reads: an Arrow table with the
columns of ``CaseMilestones``) from one random seed, computes the full cube of the shipped
definitions with ``retour.statistics.engine`` (DuckDB), then with a straightforward pandas
implementation of the same definitions (one boolean mask per measure, one ``groupby`` per
period kind, member-state level and breakdown, a loop over period ends for stocks), checks
that both give the same cells, and prints both times and the ratio. No database is used.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import production
import pyarrow as pa

AS_OF = date(2026, 6, 30)
FIRST_DAY = np.datetime64("2023-01-01")
MEMBER_STATES = [
    "DE",
    "FR",
    "NL",
    "BE",
    "SE",
    "ES",
    "IT",
    "AT",
    "PL",
    "GR",
    "CZ",
    "DK",
    "FI",
    "PT",
    "IE",
    "HU",
    "RO",
    "BG",
    "HR",
    "SI",
    "SK",
    "LT",
    "LV",
    "EE",
    "LU",
    "MT",
    "CY",
]
CITIZENSHIPS = [
    "MA",
    "DZ",
    "TN",
    "AF",
    "SY",
    "IQ",
    "TR",
    "GE",
    "AL",
    "PK",
    "BD",
    "IN",
    "NG",
    "GN",
    "CI",
    "SN",
    "ML",
    "ER",
    "SO",
    "SD",
    "EG",
    "LY",
    "UA",
    "RU",
    "BY",
    "MD",
    "RS",
    "BA",
    "MK",
    "XK",
    "AM",
    "AZ",
    "IR",
    "LK",
    "VN",
    "CN",
    "CO",
    "VE",
    "PE",
    "BR",
]
ORIGINS = [
    "negative_asylum_decision",
    "residence_permit_ended",
    "irregular_stay_detected",
    "ees_overstay",
    "border_apprehension",
    "mutual_recognition",
]
AUTHORITY_KINDS = ["-return", "-police", "-border"]
TARGET = "return_decision.target_after_end_of_legal_stay"
KEYS = ["indicator", "period_kind", "period", "member_state", "dimension", "dimension_value"]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="milestone rows (1000000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="engine runs; the best is reported (3)"
    )
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        help="time the engine only (the pandas baseline needs a lot of memory)",
    )
    return parser.parse_args()


def _setup() -> None:
    production.setup()


# --- synthetic milestone rows -------------------------------------------------------------


def milestones(cases: int, seed: int) -> pa.Table:
    """N milestone rows with the shape of a caseload opened from 2023 to mid-2026."""
    from retour.statistics.cube import extract_schema

    rng = np.random.default_rng(seed)
    end = np.datetime64(AS_OF)

    def later(start: np.ndarray, low: int, high: int, share: float) -> np.ndarray:
        days = rng.integers(low, high, cases).astype("timedelta64[D]")
        out = start + days
        out[rng.random(cases) >= share] = np.datetime64("NaT")
        out[out > end] = np.datetime64("NaT")
        return out

    span = int((end - FIRST_DAY).astype(int))
    opened = FIRST_DAY + rng.integers(0, span, cases).astype("timedelta64[D]")
    legal_stay = later(opened, 0, 30, 0.7)
    decided = later(np.where(np.isnat(legal_stay), opened, legal_stay), 0, 60, 0.85)
    departure_ends = later(decided, 30, 31, 0.6)
    requested = later(decided, 5, 120, 0.4)
    replied = later(requested, 10, 60, 0.8)
    outcome = rng.choice(
        np.array(["accepted", "tacitly_accepted", "rejected"]), cases, p=[0.6, 0.1, 0.3]
    )
    outcome[np.isnat(replied)] = ""
    document = later(replied, 5, 30, 0.7)
    document[outcome == "rejected"] = np.datetime64("NaT")
    departed = later(decided, 10, 400, 0.4)
    gone = ~np.isnat(departed)
    return_type = np.where(rng.random(cases) < 0.55, "voluntary", "enforced")
    return_type[~gone] = ""
    assisted = rng.random(cases) < 0.4
    absconded = later(decided, 15, 200, 0.15)
    absconded[gone] = np.datetime64("NaT")
    closed = np.where(gone, departed, later(absconded, 30, 31, 1.0))
    citizenship = rng.choice(np.array(CITIZENSHIPS), cases)
    destination = np.where(rng.random(cases) < 0.9, citizenship, "TR")
    destination[~gone] = ""
    birth_year = rng.integers(1950, 2016, cases)
    minor = birth_year > 2008
    member_state = rng.choice(np.array(MEMBER_STATES), cases)
    # A few responsible authorities per member state (return service, police, border guard).
    authority = np.char.add(
        np.char.lower(member_state), rng.choice(np.array(AUTHORITY_KINDS), cases, p=[0.6, 0.3, 0.1])
    )
    columns: dict[str, Any] = {
        "member_state": member_state,
        "authority": authority,
        "citizenship": citizenship,
        "sex": rng.choice(np.array(["M", "F", "X"]), cases, p=[0.7, 0.29, 0.01]),
        "birth_year": birth_year,
        "minor": minor,
        "unaccompanied_minor": minor & (rng.random(cases) < 0.3),
        "origin": rng.choice(np.array(ORIGINS), cases),
        "opened_on": opened,
        "legal_stay_ended_on": legal_stay,
        "return_decision_on": decided,
        "voluntary_departure_ends_on": departure_ends,
        "readmission_requested_on": requested,
        "readmission_replied_on": replied,
        "readmission_outcome": outcome,
        "travel_document_issued_on": document,
        "identified_on": later(decided, 0, 90, 0.5),
        "departed_on": departed,
        "return_type": return_type,
        "destination": destination,
        "absconded_on": absconded,
        "closed_on": closed,
    }
    schema = extract_schema()
    arrays = []
    for field in schema:
        values = columns.get(field.name)
        if values is None:
            arrays.append(
                pa.array(np.full(cases, ""), pa.string()).dictionary_encode()
                if pa.types.is_dictionary(field.type)
                else pa.nulls(cases, field.type)
            )
        elif field.name == "assisted":
            arrays.append(pa.array(assisted, mask=~gone))
        elif pa.types.is_date32(field.type):
            arrays.append(
                pa.array(values.astype("datetime64[D]"), mask=np.isnat(values)).cast(pa.date32())
            )
        elif pa.types.is_dictionary(field.type):
            arrays.append(pa.array(values).dictionary_encode())
        else:
            arrays.append(pa.array(values).cast(field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def parameters() -> pa.Table:
    from retour.statistics.engine import PARAMETER_SCHEMA

    return pa.Table.from_pylist(
        [
            {
                "code": TARGET,
                "jurisdiction": "EU",
                "valid_from": date(2023, 3, 24),
                "valid_until": None,
                "days": 7,
            },
            {
                "code": TARGET,
                "jurisdiction": "NL",
                "valid_from": date(2024, 1, 1),
                "valid_until": None,
                "days": 14,
            },
        ],
        schema=PARAMETER_SCHEMA,
    )


# --- the pandas baseline ------------------------------------------------------------------


def _age_band(year: pd.Series, birth_year: pd.Series) -> pd.Series:
    age = year - birth_year
    band = pd.Series("35_plus", index=age.index, dtype=object)
    band[age < 35] = "18_34"
    band[age < 18] = "14_17"
    band[age < 14] = "under_14"
    band[birth_year.isna()] = "unknown"
    return band


def _dimensions(frame: pd.DataFrame, year: pd.Series, names: list[str]) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for name in names:
        if name == "age_band":
            out[name] = _age_band(year, frame["birth_year"])
        elif name in ("minor", "unaccompanied_minor", "assisted"):
            values = frame[name].astype("boolean")
            out[name] = values.map({True: "true", False: "false"}).fillna("unknown").astype(object)
        else:
            out[name] = frame[name].replace("", "unknown").fillna("unknown")
    return out


def _parameter(frame: pd.DataFrame, params: pd.DataFrame, code: str, column: str) -> pd.Series:
    day = frame[column]
    national = pd.Series(np.nan, index=frame.index)
    union = pd.Series(np.nan, index=frame.index)
    for version in params[params["code"] == code].sort_values("valid_from").itertuples():
        valid = (day >= pd.Timestamp(version.valid_from)) & (
            day <= pd.Timestamp(version.valid_until) if version.valid_until is not None else True
        )
        if version.jurisdiction == "EU":
            union[valid] = version.days
        else:
            national[valid & (frame["member_state"] == version.jurisdiction)] = version.days
    return national.fillna(union)


def _mask(frame: pd.DataFrame, clauses: Any, params: pd.DataFrame) -> pd.Series:
    from retour.statistics.formula import DateCompare, Equals, IsSet

    mask = pd.Series(True, index=frame.index)
    for clause in clauses:
        if isinstance(clause, IsSet):
            present = frame[clause.column].notna()
            mask &= ~present if clause.negated else present
        elif isinstance(clause, Equals):
            column = frame[clause.column]
            inside = column.isin(list(clause.values)).fillna(False).astype(bool)
            mask &= (~inside & column.notna()) if clause.negated else inside
        else:
            assert isinstance(clause, DateCompare)
            right = frame[clause.right]
            if clause.days:
                right = right + pd.Timedelta(days=clause.days)
            if clause.months:
                right = right + pd.DateOffset(months=clause.months)
            if clause.parameter:
                right = right + pd.to_timedelta(
                    _parameter(frame, params, clause.parameter, clause.right), unit="D"
                )
            left = frame[clause.left]
            compare = {
                "<": left < right,
                "<=": left <= right,
                ">": left > right,
                ">=": left >= right,
                "=": left == right,
            }[clause.op]
            mask &= compare.fillna(False).astype(bool)
    return mask


def _summarise(values: Any, statistic: str) -> Any:
    if statistic == "median":
        return values.median()
    if statistic == "p90":
        return values.quantile(0.9)
    return values.mean()


def _group(
    rows: pd.DataFrame,
    breakdowns: list[str],
    duration: str | None,
    statistic: str,
    kinds: tuple[str, ...] = ("quarter", "month"),
) -> list[pd.DataFrame]:
    """Counts (and the statistic of ``duration``) by every period kind, member-state level
    and breakdown of the definition."""
    parts = []
    for kind in kinds:
        for by_state in (True, False):
            for dimension in ["total", *breakdowns]:
                keys = (
                    [kind]
                    + (["member_state"] if by_state else [])
                    + ([dimension] if dimension != "total" else [])
                )
                grouped = rows.groupby(keys, sort=False)
                part = grouped.size().rename("count").to_frame()
                if duration:
                    part["statistic"] = _summarise(grouped[duration], statistic)
                part = part.reset_index().rename(columns={kind: "period"})
                part["period_kind"] = kind
                part["member_state"] = part["member_state"] if by_state else "EU"
                part["dimension"] = dimension
                part["dimension_value"] = part[dimension] if dimension != "total" else ""
                parts.append(part)
    return parts


def _period_ends(first: pd.Timestamp) -> list[tuple[str, str, pd.Timestamp]]:
    ends = []
    for start in pd.date_range(first.to_period("Q").start_time, pd.Timestamp(AS_OF), freq="MS"):
        ends.append(("month", start.strftime("%Y-%m"), start + pd.offsets.MonthEnd(0)))
        if start.month in (1, 4, 7, 10):
            ends.append(
                ("quarter", f"{start.year}Q{start.quarter}", start + pd.offsets.QuarterEnd(0))
            )
    return ends


def _measure(
    frame: pd.DataFrame, indicator: Any, measure: Any, params: pd.DataFrame, with_duration: bool
) -> pd.DataFrame:
    breakdowns = list(indicator.breakdowns)
    duration = indicator.duration if with_duration else None
    statistic = duration.statistic if duration else ""
    placed = frame[frame[measure.period].notna() & _mask(frame, measure.where, params)]
    if not measure.open_until:
        rows = _dimensions(placed, placed[measure.period].dt.year, breakdowns)
        rows["member_state"] = placed["member_state"]
        rows["quarter"] = placed[measure.period].dt.to_period("Q").astype(str)
        rows["month"] = placed[measure.period].dt.strftime("%Y-%m")
        if duration:
            rows["days"] = (placed[duration.end] - placed[duration.start]).dt.days
        parts = _group(rows, breakdowns, "days" if duration else None, statistic)
    else:
        parts = []
        if placed.empty:
            return pd.DataFrame()
        for kind, period, end in _period_ends(placed[measure.period].min()):
            open_rows = placed[placed[measure.period] <= end]
            for column in measure.open_until:
                open_rows = open_rows[open_rows[column].isna() | (open_rows[column] > end)]
            rows = _dimensions(open_rows, pd.Series(end.year, index=open_rows.index), breakdowns)
            rows["member_state"] = open_rows["member_state"]
            rows[kind] = period
            if duration:
                rows["days"] = (end - open_rows[duration.start]).dt.days
            parts += _group(rows, breakdowns, "days" if duration else None, statistic, (kind,))
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    out["indicator"] = indicator.code
    return out[[*KEYS, "count", *(["statistic"] if duration else [])]]


def pandas_cube(table: pa.Table, indicators: Any, params: pa.Table) -> pd.DataFrame:
    frame = _plain(table).to_pandas(date_as_object=False)
    parameter_frame = params.to_pandas()
    cells = []
    for indicator in indicators:
        numerator = _measure(frame, indicator, indicator.numerator, parameter_frame, True)
        numerator = numerator.rename(columns={"count": "numerator"})
        if indicator.denominator is not None:
            denominator = _measure(
                frame, indicator, indicator.denominator, parameter_frame, False
            ).rename(columns={"count": "denominator"})
            numerator = numerator.merge(denominator, on=KEYS, how="outer").fillna(
                {"numerator": 0, "denominator": 0}
            )
            numerator["value"] = (
                100.0
                * numerator["numerator"].fillna(0)
                / numerator["denominator"].replace(0, np.nan)
            )
        elif indicator.unit == "days":
            numerator["denominator"] = np.nan
            numerator["value"] = numerator["statistic"]
        else:
            numerator["denominator"] = np.nan
            numerator["value"] = numerator["numerator"]
        cells.append(numerator[[*KEYS, "numerator", "denominator", "value"]])
    cube = pd.concat(cells, ignore_index=True)
    keep = (cube["numerator"].fillna(0) > 0) | (cube["denominator"].fillna(0) > 0)
    return cube[keep]


# --- comparison ---------------------------------------------------------------------------


def _plain(table: pa.Table) -> pa.Table:
    """Dictionary-encoded text columns as plain text (pandas would make them categoricals,
    which group differently)."""
    return table.cast(
        pa.schema(
            [
                (f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type)
                for f in table.schema
            ]
        )
    )


def agree(engine: pa.Table, baseline: pd.DataFrame) -> None:
    """Raise unless both cubes have the same cells with the same figures."""
    ours = _plain(engine).to_pandas().set_index(KEYS).sort_index()
    theirs = baseline.set_index(KEYS).sort_index()
    if not ours.index.equals(theirs.index):
        only_ours = ours.index.difference(theirs.index)
        only_theirs = theirs.index.difference(ours.index)
        raise SystemExit(
            f"cells differ: {len(only_ours)} only in the engine "
            f"({list(only_ours[:3])}), {len(only_theirs)} only in pandas "
            f"({list(only_theirs[:3])})"
        )
    for column in ("numerator", "denominator"):
        left = ours[column].fillna(-1).astype("int64")
        right = theirs[column].fillna(-1).astype("int64")
        if not left.equals(right):
            raise SystemExit(f"{column} differs in {(left != right).sum()} cells")
    close = np.isclose(
        ours["value"].astype(float),
        theirs["value"].astype(float),
        rtol=1e-9,
        atol=1e-9,
        equal_nan=True,
    )
    if not close.all():
        raise SystemExit(f"value differs in {(~close).sum()} cells")


def main() -> None:
    arguments = _arguments()
    if arguments.cases < 1:
        raise SystemExit("--cases must be at least 1")
    _setup()
    import duckdb

    from retour.reference.loading import read_toml
    from retour.statistics.engine import compute
    from retour.statistics.formula import parse_definitions
    from retour.statistics.loading import DEFINITIONS, milestone_columns

    _version, indicators = parse_definitions(read_toml(DEFINITIONS), milestone_columns(), {TARGET})
    started = time.perf_counter()
    table = milestones(arguments.cases, arguments.seed)
    built = time.perf_counter() - started
    params = parameters()
    times, cpu_times = [], []
    for _ in range(max(arguments.repeat, 1)):
        started, cpu_started = time.perf_counter(), time.process_time()
        cube = compute(table, indicators, as_of=AS_OF, parameters=params)
        times.append(time.perf_counter() - started)
        # CPU time of every thread of the process: steadier than wall time on a shared machine.
        cpu_times.append(time.process_time() - cpu_started)
    engine_seconds = min(times)
    # Other work on the machine slows the wall clock: say how busy it was.
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"machine       {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}, pandas {pd.__version__}; load average {load} "
        "(1, 5, 15 min)"
    )
    print(
        f"milestones    {arguments.cases} synthetic rows ({table.nbytes / 2**20:.0f} MiB "
        f"in Arrow), built in {built:.1f} s"
    )
    print(f"cube          {len(indicators)} indicators, {cube.num_rows} cells")
    print(
        f"engine        {engine_seconds:.2f} s (best of {len(times)}: "
        f"{', '.join(f'{t:.2f}' for t in times)}); CPU {min(cpu_times):.2f} s "
        f"({', '.join(f'{t:.2f}' for t in cpu_times)})"
    )
    if arguments.no_baseline:
        return
    started, cpu_started = time.perf_counter(), time.process_time()
    baseline = pandas_cube(table, indicators, params)
    baseline_seconds = time.perf_counter() - started
    baseline_cpu = time.process_time() - cpu_started
    agree(cube, baseline)
    print(
        f"pandas        {baseline_seconds:.2f} s, CPU {baseline_cpu:.2f} s; "
        f"same {len(baseline)} cells and figures"
    )
    print(
        f"ratio         pandas / engine = {baseline_seconds / engine_seconds:.1f}x "
        f"(CPU {baseline_cpu / min(cpu_times):.1f}x)"
    )


if __name__ == "__main__":
    main()
