"""Keeping the cube up to date: a full computation, or only the quarters touched since the
last run.

What was touched is read from the event log, which is append-only and numbered: a run records
the highest event id it read; the next run takes the cases with newer events, folds each one's
events up to that id into the extract row as it stood then (``seam.projections.replay``), and
recomputes every quarter that the old or the new row falls in for any indicator (for a stock:
every quarter from the date it opened to the quarter it closed, or to today's). Quarters added
since the last run's ``as_of`` are recomputed too, and everything when the definitions' version
changed. Caveat: on PostgreSQL an event id is taken when it is inserted, not when it commits, so
a transaction still open during a run can commit an id below the recorded one; such a change
waits for the next full computation (``retour compute_indicators --full``, e.g. weekly).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.db import transaction
from django.db.models import F, Max

from retour import clock
from retour.reference.models import LegalParameter
from retour.seam import projections
from retour.statistics.engine import PARAMETER_SCHEMA, compute, quarter_of
from retour.statistics.formula import Indicator
from retour.statistics.loading import loaded_indicators, milestone_columns
from retour.statistics.models import IndicatorValue, StatisticsRun

EXTRACT_BATCH = 10_000
WRITE_BATCH = 5_000
# Text columns are dictionary-encoded: few distinct values (countries, codes), each stored
# once, and the engine computes on their numbers.
_ARROW_TYPES = {
    "date": pa.date32(),
    "text": pa.dictionary(pa.int32(), pa.string()),
    "bool": pa.bool_(),
    "int": pa.int64(),
}


def extract_schema() -> pa.Schema:
    return pa.schema([(name, _ARROW_TYPES[kind]) for name, kind in milestone_columns().items()])


def to_arrow(rows: Iterable[Mapping[str, Any]], schema: pa.Schema | None = None) -> pa.Table:
    schema = schema or extract_schema()
    return pa.Table.from_pylist(list(rows), schema=schema)


def extract() -> pa.Table:
    """The milestone table as Arrow columns, without the case key (aggregates need none)."""
    schema = extract_schema()
    rows = _extract_rows(projections.main().model._default_manager.all(), schema.names).iterator(
        chunk_size=EXTRACT_BATCH
    )
    columns = list(zip(*rows, strict=True)) or [() for _ in schema.names]
    defaults = _defaults(schema.names)
    return pa.table(
        [
            pa.array(_filled(values, defaults[field.name]), type=field.type)
            for values, field in zip(columns, schema, strict=True)
        ],
        schema=schema,
    )


def _extract_rows(rows: Any, names: Sequence[str]) -> Any:
    """``values_list`` of the extract's columns, each read where its projection keeps it."""
    paths = projections.lookups()
    return rows.values_list(*(paths[name] for name in names))


def _defaults(names: Iterable[str]) -> dict[str, Any]:
    """What a column reads as for a case whose app kept no row for it (left out of a join)."""
    columns = projections.columns()
    return {name: projections.default_of(columns[name]) for name in names}


def _filled(values: Sequence[Any], default: Any) -> Sequence[Any]:
    if default is None:
        return values
    return [default if value is None else value for value in values]


def parameters_table(codes: Iterable[str]) -> pa.Table:
    """Every version of the legal parameters the definitions use (in days)."""
    rows = LegalParameter.objects.filter(code__in=set(codes)).values(
        "code",
        "jurisdiction",
        "valid_from",
        "valid_until",
        days=F("value"),
    )
    return pa.Table.from_pylist(list(rows), schema=PARAMETER_SCHEMA)


def _quarters_between(first: date, last: date) -> list[str]:
    quarters = []
    year, quarter = first.year, (first.month - 1) // 3
    while (year, quarter) <= (last.year, (last.month - 1) // 3):
        quarters.append(f"{year}Q{quarter + 1}")
        year, quarter = (year + 1, 0) if quarter == 3 else (year, quarter + 1)
    return quarters


def touched_quarters(
    rows: Iterable[Mapping[str, Any]], indicators: Sequence[Indicator], as_of: date
) -> set[str]:
    """The quarters a milestone row counts in, for any indicator: the quarter of a flow's
    date, and for a stock every quarter from its start to the one where it closed."""
    measures = {
        (m.period, m.open_until)
        for i in indicators
        for m in (i.numerator, i.denominator)
        if m is not None
    }
    touched: set[str] = set()
    for row in rows:
        for period, open_until in measures:
            start = row.get(period)
            if start is None:
                continue
            if not open_until:
                touched.add(quarter_of(start))
                continue
            ends = [row[c] for c in open_until if row.get(c) is not None] + [as_of]
            touched.update(_quarters_between(start, max(start, min(ends))))
    return touched


def quarters_to_recompute(
    before: Iterable[Mapping[str, Any]],
    after: Iterable[Mapping[str, Any]],
    indicators: Sequence[Indicator],
    previous_as_of: date,
    as_of: date,
) -> set[str]:
    """The quarters whose cells change when the rows ``before`` become ``after`` and the
    stocks' last period moves from ``previous_as_of`` to ``as_of``."""
    quarters = touched_quarters([*before, *after], indicators, as_of)
    if as_of > previous_as_of:
        quarters.update(_quarters_between(previous_as_of, as_of))
    return quarters


def periods_of(quarters: Iterable[str]) -> list[str]:
    """The quarters and their months: what a recomputation of the quarters replaces."""
    periods = []
    for quarter in quarters:
        year, number = quarter.split("Q")
        first = 3 * int(number) - 2
        periods += [quarter, *(f"{year}-{month:02d}" for month in range(first, first + 3))]
    return periods


def _rows_before(case_ids: Sequence[Any], last_event_id: int) -> list[dict[str, Any]]:
    """The milestone rows of ``case_ids`` as they stood after event ``last_event_id``."""
    names = list(milestone_columns())
    events = projections.log()._default_manager.filter(
        case_id__in=case_ids, id__lte=last_event_id
    ).order_by("case_id", "sequence")
    rows = []
    for _case, history in groupby(events.iterator(), key=lambda e: e.case_id):
        wide = projections.wide(projections.replay(None, history))
        rows.append({name: wide[name] for name in names})
    return rows


def _changed_rows(case_ids: Sequence[Any], names: Sequence[str]) -> list[dict[str, Any]]:
    """The extract rows of ``case_ids`` as they are now."""
    rows = projections.main().model._default_manager.filter(case_id__in=case_ids)
    defaults = _defaults(names)
    return [
        {
            name: defaults[name] if value is None and defaults[name] is not None else value
            for name, value in zip(names, values, strict=True)
        }
        for values in _extract_rows(rows, names)
    ]


@dataclass(frozen=True)
class RunReport:
    full: bool
    quarters: list[str]
    rows_written: int
    run_id: int


def refresh(*, full: bool = False, as_of: date | None = None) -> RunReport:
    """Bring the cube up to date: everything, or the quarters touched since the last run."""
    started = clock.now()
    as_of = as_of or clock.today()
    version, indicators = loaded_indicators()
    log = projections.log()._default_manager
    last_event_id = log.aggregate(last=Max("id"))["last"] or 0
    previous = StatisticsRun.objects.first()
    quarters: set[str] | None = None
    # A new version of the definitions, or a clock set back (stocks were counted further
    # than now), needs everything recomputed.
    if (
        not full
        and previous is not None
        and previous.definition_version == version
        and previous.as_of <= as_of
    ):
        changed = list(
            log.filter(id__gt=previous.last_event_id, id__lte=last_event_id)
            .values_list("case_id", flat=True)
            .distinct()
        )
        names = list(milestone_columns())
        quarters = quarters_to_recompute(
            _rows_before(changed, previous.last_event_id),
            _changed_rows(changed, names),
            indicators,
            previous.as_of,
            as_of,
        )
    parameters = parameters_table(code for i in indicators for code in i.parameters())
    cube = _known_by(
        compute(extract(), indicators, as_of=as_of, parameters=parameters, quarters=quarters),
        as_of,
    )
    with transaction.atomic():
        stale = IndicatorValue.objects.all()
        if quarters is not None:
            stale = stale.filter(period__in=periods_of(quarters))
        stale.delete()
        written = _write(cube, version, started)
        run = StatisticsRun.objects.create(
            started_at=started,
            finished_at=clock.now(),
            definition_version=version,
            last_event_id=last_event_id,
            as_of=as_of,
            full=quarters is None,
            quarters=sorted(quarters or ()),
            rows_written=written,
        )
    return RunReport(quarters is None, sorted(quarters or ()), written, run.pk)


def _known_by(cube: pa.Table, as_of: date) -> pa.Table:
    """The cells of the periods up to the one holding ``as_of``: a row placed in a later
    period by a date still to come (a voluntary-departure period that ends next quarter)
    says nothing yet about that period."""
    period = pc.cast(cube["period"], pa.string())
    kind = pc.cast(cube["period_kind"], pa.string())
    known = pc.or_(
        pc.and_(pc.equal(kind, "quarter"), pc.less_equal(period, quarter_of(as_of))),
        pc.and_(pc.equal(kind, "month"), pc.less_equal(period, as_of.strftime("%Y-%m"))),
    )
    return cube.filter(known)


def _write(cube: pa.Table, version: str, computed_at: Any) -> int:
    written = 0
    for batch in cube.to_batches(max_chunksize=WRITE_BATCH):
        IndicatorValue.objects.bulk_create(
            IndicatorValue(definition_version=version, computed_at=computed_at, **row)
            for row in batch.to_pylist()
        )
        written += batch.num_rows
    return written
