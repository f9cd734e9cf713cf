"""Panels of the case page that other apps contribute: a section with its own template and
the rows it shows (detention periods, referrals, acts of non-cooperation, readmission
requests). The case page shows every panel that has something to show, in the order the apps
are installed; the case core's page names none of them. A panel of a special category
(detention, non-cooperation) is shown only to the roles whose purpose needs it
(``retour.accounts.scoping.SPECIAL_CATEGORIES``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from retour.accounts.scoping import Special, special_categories

# (user, case, today) → the panel template's context, or None when there is nothing to show.
Rows = Callable[[Any, Any, date], "dict[str, Any] | None"]
R = TypeVar("R", bound=Rows)


@dataclass(frozen=True)
class CasePanel:
    name: str
    template: str
    rows: Rows
    special: Special | None = None


_PANELS: dict[str, CasePanel] = {}


def case_panel(
    name: str, template: str, *, special: Special | None = None
) -> Callable[[R], R]:
    """Show ``template`` on the case page with what the decorated function gives; a panel of
    the ``special`` category only to the roles that need it."""

    def register(rows: R) -> R:
        if name in _PANELS:
            raise ValueError(f"case panel {name} is registered twice")
        _PANELS[name] = CasePanel(name, template, rows, special)
        return rows

    return register


def case_panels(user: Any) -> list[CasePanel]:
    """The panels ``user`` may see (the system, None, every one)."""
    needed = special_categories(user) if user is not None else frozenset(Special)
    return [p for p in _PANELS.values() if p.special is None or p.special in needed]
