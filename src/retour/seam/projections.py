"""Projections: tables of one row per case, kept from the case's events by the apps that own
them, and the statistics extract that joins them.

The case core keeps the main row (its own milestones: opened, return decision, departure,
...). Another app keeps its own table (``register``), keyed by the case, and folds the event
types it cares about into it (``on``); the core never names those columns. The extract the
statistics read is the main row with every app's columns beside it (``columns``,
``lookups``): a new indicator source is a new table in its app, with no migration in the
case core. ``fold`` keeps the rows up to date as events are written; ``replay`` computes them
from a log alone, which the property tests compare with what was kept.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, TypeVar

from django.db import models
from django.utils import timezone

from retour.seam.events import read

Row = Any
Fold = Callable[[Row, dict[str, Any], "Recorded"], None]
M = TypeVar("M", bound=models.Model)
F = TypeVar("F", bound=Fold)


class Recorded(Protocol):
    """An event as written to a case's log (``retour.cases.models.CaseEvent``)."""

    type: str
    version: int
    payload: dict[str, Any]
    old_values: dict[str, Any]
    occurred_at: Any


@dataclass(eq=False)
class Projection:
    model: type[models.Model]
    # Where the row hangs off the case (the reverse accessor of its one-to-one key), as the
    # extract joins it from the main row; empty for the main row itself.
    accessor: str
    folds: dict[str | None, list[Fold]] = field(default_factory=dict)  # None: every type

    def folds_for(self, event_type: str) -> list[Fold]:
        return self.folds.get(None, []) + self.folds.get(event_type, [])

    def columns(self) -> list[models.Field[Any, Any]]:
        return [f for f in self.model._meta.concrete_fields if not f.is_relation]

    def new_row(self, case: Any) -> models.Model:
        return self.model(case=case)


_PROJECTIONS: list[Projection] = []
_LOG: list[type[models.Model]] = []


def register(model: type[M], *, main: bool = False) -> type[M]:
    """Keep ``model`` (one row per case, its primary key the one-to-one ``case``) from the
    case's events. The main row is the case core's; there is one."""
    if main:
        if _PROJECTIONS and not _PROJECTIONS[0].accessor:
            raise ValueError("the main projection is registered twice")
        _PROJECTIONS.insert(0, Projection(model, ""))
        _interested.cache_clear()
        return model
    case = model._meta.get_field("case")
    accessor = case.remote_field.get_accessor_name()  # type: ignore[union-attr]
    _PROJECTIONS.append(Projection(model, f"case__{accessor}"))
    _interested.cache_clear()
    return model


def register_log(model: type[M]) -> type[M]:
    """The case event log (``CaseEvent``): what the statistics refresh reads to know which
    cases changed. Registered by the case core, so readers need not import it."""
    _LOG[:] = [model]
    return model


def log() -> Any:
    """The case event log's model (its rows are ``Recorded``)."""
    return _LOG[0]


def _projection(model: type[models.Model]) -> Projection:
    for projection in _PROJECTIONS:
        if projection.model is model:
            return projection
    raise KeyError(f"{model.__name__} is not a registered projection")


def on(event_type: str | None, model: type[models.Model]) -> Callable[[F], F]:
    """Fold events of ``event_type`` (None: every event) into ``model``'s row."""

    def register_fold(fold: F) -> F:
        _projection(model).folds.setdefault(event_type, []).append(fold)
        _interested.cache_clear()
        return fold

    return register_fold


def projections() -> list[Projection]:
    return list(_PROJECTIONS)


def main() -> Projection:
    return _PROJECTIONS[0]


def fold(rows: Mapping[type[models.Model], Row], event: Recorded,
         row_for: Callable[[Projection], Row]) -> list[Row]:
    """Fold ``event`` into the rows of every projection that cares; ``row_for`` gives (or
    makes) a projection's row when ``rows`` lacks it. Returns the rows it changed."""
    interested = _interested(event.type)
    if not interested:
        return []
    payload = read(event.type, event.version, event.payload)
    changed = []
    for projection, folds in interested:
        row = rows.get(projection.model)
        if row is None:
            row = row_for(projection)
        for one in folds:
            one(row, payload, event)
        changed.append(row)
    return changed


@functools.cache
def _interested(event_type: str) -> list[tuple[Projection, list[Fold]]]:
    """The projections that fold ``event_type``, with their folds (asked for every event
    written; the registrations are complete once the apps are loaded)."""
    found = [(p, p.folds_for(event_type)) for p in _PROJECTIONS]
    return [(p, folds) for p, folds in found if folds]


def replay(case: Any, events: Iterable[Recorded]) -> dict[type[models.Model], Row]:
    """The rows of every projection, computed from ``events`` alone (unsaved); a projection
    no event touched has no row."""
    rows: dict[type[models.Model], Row] = {}

    def make(projection: Projection) -> Row:
        row = rows[projection.model] = projection.new_row(case)
        return row

    for event in events:
        fold(rows, event, make)
    return rows


def as_date(value: Any) -> date | None:
    """A date a payload holds (ISO text), or None."""
    return date.fromisoformat(value) if value else None


def local_day(event: Recorded) -> date:
    """The day, in the installation's time zone, the event happened."""
    return timezone.localdate(event.occurred_at)


def columns() -> dict[str, models.Field[Any, Any]]:
    """Every column of the extract: the main row's, then each app's, by name."""
    found: dict[str, models.Field[Any, Any]] = {}
    for projection in _PROJECTIONS:
        for column in projection.columns():
            if column.name in found:
                raise ValueError(f"two projections offer the column {column.name}")
            found[column.name] = column
    return found


def lookups() -> dict[str, str]:
    """Each column's path from the main row, for ``main().model.objects.values(...)``."""
    return {
        column.name: f"{p.accessor}__{column.name}" if p.accessor else column.name
        for p in _PROJECTIONS for column in p.columns()
    }


def wide(rows: Mapping[type[models.Model], Row]) -> dict[str, Any]:
    """One case's rows as one extract row; a missing row gives its columns' defaults."""
    values: dict[str, Any] = {}
    for projection in _PROJECTIONS:
        row = rows.get(projection.model)
        for column in projection.columns():
            values[column.name] = (
                getattr(row, column.attname) if row is not None else default_of(column)
            )
    return values


def default_of(column: models.Field[Any, Any]) -> Any:
    """What a column reads as for a case whose app kept no row for it."""
    return None if column.null else column.get_default()
