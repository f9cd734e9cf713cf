"""Panels of the case page that other apps contribute: a section with its own template and
the rows it shows (detention periods, referrals, acts of non-cooperation, readmission
requests). The case page shows every panel that has something to show, in the order the apps
are installed; the case core's page names none of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

# (user, case, today) → the panel template's context, or None when there is nothing to show.
Rows = Callable[[Any, Any, date], "dict[str, Any] | None"]
R = TypeVar("R", bound=Rows)


@dataclass(frozen=True)
class CasePanel:
    name: str
    template: str
    rows: Rows


_PANELS: dict[str, CasePanel] = {}


def case_panel(name: str, template: str) -> Callable[[R], R]:
    """Show ``template`` on the case page with what the decorated function gives."""

    def register(rows: R) -> R:
        if name in _PANELS:
            raise ValueError(f"case panel {name} is registered twice")
        _PANELS[name] = CasePanel(name, template, rows)
        return rows

    return register


def case_panels() -> list[CasePanel]:
    return list(_PANELS.values())
