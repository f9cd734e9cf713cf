"""The case funnel from the end of legal stay to departure: how many cases reached each stage,
and how many are waiting at each stage now and for how long.

Read from the milestone extract (the case's milestone row and the apps' rows beside it, one
per case) with two aggregate queries; no case or person key leaves this module, only counts
and day statistics.

- A case *reached* a stage when the stage's date is set in its milestone row. The stages are
  counted each on its own: a case returned voluntarily may never have had a readmission request,
  and identification may come before the return decision.
- A case is *waiting* at the furthest stage (in the order of ``STAGES``) it has reached, since
  that stage's date, while it is open: not departed, not closed, and not absconded (an
  absconded person is not waiting for the procedure's next step). Departure ends the funnel,
  so no case waits there.
- Days waited so far are summarised by their median and 90th percentile, interpolated between
  the two nearest days as DuckDB's ``quantile_cont`` and the indicator engine do (ADR 7).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, CharField, Count, DateField, F, Q, QuerySet, Value, When

from retour import clock
from retour.seam import projections


@dataclass(frozen=True)
class Stage:
    code: str
    column: str  # the milestone date that marks it reached


STAGES = (
    Stage("legal_stay_ended", "legal_stay_ended_on"),
    Stage("return_decision", "return_decision_on"),
    Stage("identification_complete", "identified_on"),
    Stage("readmission_request", "readmission_requested_on"),
    Stage("readmission_reply", "readmission_replied_on"),
    Stage("travel_document", "travel_document_issued_on"),
    Stage("departure", "departed_on"),
)
_WAITING_STAGES = STAGES[:-1]


@dataclass(frozen=True)
class StageFigures:
    stage: str
    reached: int
    waiting: int
    waited_median: float | None  # days, None when nobody waits
    waited_p90: float | None


@dataclass(frozen=True)
class Funnel:
    member_state: str | None  # None: every member state
    citizenship: str | None
    on: date  # days waited are counted up to this day
    stages: tuple[StageFigures, ...]

    @property
    def waiting(self) -> int:
        """Open cases waiting somewhere in the funnel."""
        return sum(s.waiting for s in self.stages)


def quantile(histogram: Counter[int], share: float) -> float | None:
    """The ``share`` quantile of the values counted in ``histogram`` (value → how many),
    linearly interpolated between the two nearest values (``quantile_cont``)."""
    total = sum(histogram.values())
    if total == 0:
        return None
    position = share * (total - 1)
    lower, upper = math.floor(position), math.ceil(position)
    found: dict[int, int] = {}
    seen = 0
    for value in sorted(histogram):
        for index in (lower, upper):
            if index not in found and index < seen + histogram[value]:
                found[index] = value
        seen += histogram[value]
        if upper in found:
            break
    return found[lower] + (found[upper] - found[lower]) * (position - lower)


def _rows(member_state: str | None, citizenship: str | None) -> QuerySet[Any]:
    rows = projections.main().model._default_manager.all()
    if member_state is not None:
        rows = rows.filter(member_state=member_state)
    if citizenship is not None:
        rows = rows.filter(citizenship=citizenship)
    return rows


def _path(column: str) -> str:
    """Where the extract keeps ``column``: the milestone row, or an app's row beside it."""
    return projections.lookups()[column]


def _set(column: str) -> Q:
    return Q(**{f"{_path(column)}__isnull": False})


def funnel(
    member_state: str | None, citizenship: str | None = None, on: date | None = None
) -> Funnel:
    """The funnel of ``member_state``'s cases (every member state's when None), optionally
    of persons of one citizenship, with days waited counted up to ``on`` (today)."""
    day = on or clock.today()
    rows = _rows(member_state, citizenship)
    reached = rows.aggregate(
        **{stage.code: Count("pk", filter=_set(stage.column)) for stage in STAGES}
    )
    furthest = tuple(reversed(_WAITING_STAGES))  # the first stage set wins
    waiting = (
        rows.filter(departed_on__isnull=True, closed_on__isnull=True, absconded_on__isnull=True)
        .annotate(
            waiting_at=Case(
                *(When(_set(s.column), then=Value(s.code)) for s in furthest),
                default=Value(""),
                output_field=CharField(),
            ),
            waiting_since=Case(
                *(When(_set(s.column), then=F(_path(s.column))) for s in furthest),
                default=None,
                output_field=DateField(),
            ),
        )
        .exclude(waiting_at="")
        .values("waiting_at", "waiting_since")
        .annotate(cases=Count("pk"))
        .order_by()
    )
    days: dict[str, Counter[int]] = {stage.code: Counter() for stage in _WAITING_STAGES}
    for group in waiting:
        days[group["waiting_at"]][max((day - group["waiting_since"]).days, 0)] += group["cases"]
    stages = []
    for stage in STAGES:
        histogram = days.get(stage.code, Counter())
        stages.append(
            StageFigures(
                stage=stage.code,
                reached=reached[stage.code],
                waiting=sum(histogram.values()),
                waited_median=quantile(histogram, 0.5),
                waited_p90=quantile(histogram, 0.9),
            )
        )
    return Funnel(member_state, citizenship, day, tuple(stages))
