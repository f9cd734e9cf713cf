"""Erasing a set of records together with every row that refers to them, in any app.

The graph of foreign keys is walked from the records to erase, so a capability installed
later (its rows point at a case or a person) is erased with them without telling this module.
The event logs of subjects (``SubjectEvent``) name their subject by key, not by foreign key:
they are erased through the seam's register of subjects.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import models

from retour.seam.models import SubjectEvent
from retour.seam.pipeline import subjects

_CHUNK = 500  # keys per IN (…): well under SQLite's and PostgreSQL's parameter limits

Rows = dict[type[models.Model], set[Any]]


def _chunks(keys: Iterable[Any]) -> Iterable[list[Any]]:
    keys = list(keys)
    for start in range(0, len(keys), _CHUNK):
        yield keys[start:start + _CHUNK]


def _referring(model: type[models.Model]) -> list[Any]:
    """The foreign keys of other rows (M2M tables included) that point at ``model``."""
    return [
        relation.field for relation in model._meta.get_fields(include_hidden=True)
        if isinstance(relation, models.ForeignObjectRel)
        and (relation.one_to_many or relation.one_to_one)
    ]


def collect(roots: Rows) -> Rows:
    """``roots`` and every row that refers to one of them, directly or through other rows."""
    collected: Rows = defaultdict(set)
    frontier: list[tuple[type[models.Model], set[Any]]] = []
    for model, keys in roots.items():
        collected[model] |= keys
        frontier.append((model, set(keys)))
    while frontier:
        model, keys = frontier.pop()
        for field in _referring(model):
            child = field.model
            found: set[Any] = set()
            for chunk in _chunks(keys):
                found |= set(child._base_manager.filter(**{f"{field.name}__in": chunk})
                             .values_list("pk", flat=True))
            new = found - collected[child]
            if new:
                collected[child] |= new
                frontier.append((child, new))
    return dict(collected)


def _children_first(models_: Iterable[type[models.Model]]) -> list[type[models.Model]]:
    """The models ordered so that a row is deleted before the rows it points at."""
    pending = set(models_)
    ordered: list[type[models.Model]] = []
    while pending:
        leaves = sorted(
            (m for m in pending
             if not any(f.model in pending and f.model is not m for f in _referring(m))),
            key=lambda m: m._meta.label,
        )
        if not leaves:  # a cycle across models: the constraints are checked at commit
            leaves = sorted(pending, key=lambda m: m._meta.label)
        ordered += leaves
        pending -= set(leaves)
    return ordered


def erase(rows: Rows) -> Counter[str]:
    """Delete ``rows`` (from ``collect``) and the subject events of those rows; returns the
    number of rows erased per model. Runs in the caller's transaction.

    The delete bypasses the models' append-only guards and PROTECT checks on purpose: the
    walk above found every row that refers to an erased one, and the database's own
    constraints still refuse a dangling reference when the transaction commits."""
    erased: Counter[str] = Counter()
    for subject in subjects():
        keys = rows.get(subject.model)
        if not keys:
            continue
        for chunk in _chunks(str(k) for k in keys):
            events = SubjectEvent.objects.filter(subject_kind=subject.name, subject_key__in=chunk)
            erased[SubjectEvent._meta.label] += events._raw_delete(events.db)
    for model in _children_first(rows):
        for chunk in _chunks(rows[model]):
            doomed = model._base_manager.filter(pk__in=chunk)
            erased[model._meta.label] += doomed._raw_delete(doomed.db)
    return erased
