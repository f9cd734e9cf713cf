"""Non-cooperation on the case page: every act with its evidence and consequence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from retour import display
from retour.accounts.scoping import Special
from retour.cooperation.models import NonCooperation
from retour.seam.panels import case_panel


@dataclass(frozen=True)
class ActRow:
    kind: str
    occurred_on: date
    consequence: str
    evidence: str
    recorded_by: str
    recorded_at: datetime


@case_panel("non_cooperation", "cooperation/case_panel.html", special=Special.NON_COOPERATION)
def acts(user: Any, case: Any, today: date) -> dict[str, Any] | None:
    found = NonCooperation.objects.visible_to(user).filter(case=case)
    rows = [
        ActRow(
            kind=display.label(NonCooperation.Kind, a.kind),
            occurred_on=a.occurred_on,
            consequence=display.label(NonCooperation.Consequence, a.consequence),
            evidence=a.evidence,
            recorded_by=display.user_name(a.recorded_by),
            recorded_at=a.recorded_at,
        )
        for a in found.select_related("recorded_by")
    ]
    return {"non_cooperation": rows} if rows else None
