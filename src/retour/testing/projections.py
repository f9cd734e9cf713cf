"""Test helpers for projections: what was kept equals what the log replays to."""

from __future__ import annotations

from typing import Any

from django.db import models

from retour.seam import projections


def _values(row: models.Model | None, projection: projections.Projection) -> list[Any]:
    return [
        getattr(row, c.attname) if row is not None else projections.default_of(c)
        for c in projection.columns()
    ]


def stored(case: Any, model: type[models.Model]) -> Any:
    """The case's row of ``model`` as kept (a fresh row with the defaults if none is)."""
    row = model._default_manager.filter(case=case).first()
    return row if row is not None else model(case=case)


def assert_same_as_replayed(case: Any) -> None:
    """Every projection's row of ``case`` is what its events fold into, column by column."""
    replayed = projections.replay(case, case.events.order_by("sequence"))
    for projection in projections.projections():
        kept = projection.model._default_manager.filter(case=case).first()
        assert _values(kept, projection) == _values(
            replayed.get(projection.model), projection
        ), projection.model.__name__


def write(case: Any, **values: Any) -> None:
    """Set extract columns of ``case`` directly, each in the projection that keeps it (for
    statistics tests that need exact milestones rather than a story)."""
    columns = projections.columns()
    for projection in projections.projections():
        mine = {name: value for name, value in values.items()
                if columns[name].model is projection.model}
        if mine:
            row = stored(case, projection.model)
            for name, value in mine.items():
                setattr(row, name, value)
            row.save()
