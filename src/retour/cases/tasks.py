"""The kinds of work an authority may owe on a case: the case core's own, and those other apps
register (chasing another state's reply, ...), each with its words."""

from __future__ import annotations

from django.db import models

from retour import display
from retour.cases.models import Task

_KINDS: dict[str, models.Choices] = {}


def register(kinds: type[models.TextChoices]) -> None:
    """Let tasks be opened with the codes of ``kinds``, shown with their labels."""
    for kind in kinds:
        if kind.value in _KINDS and _KINDS[kind.value] is not kind:
            raise ValueError(f"task kind {kind.value} is registered twice")
        _KINDS[kind.value] = kind


def codes() -> list[str]:
    return list(_KINDS)


def label(code: str) -> str:
    """The words for a task's kind; a kind no app registers any more shows its code."""
    found = _KINDS.get(code)
    return str(found.label) if found is not None else display.label({}, code)


register(Task.Kind)
