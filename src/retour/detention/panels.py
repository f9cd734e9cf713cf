"""Detention on the case page: the open period with the days its maximum is reached, and every
period with how it ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from retour import display
from retour.accounts.scoping import Special
from retour.detention.limits import DetentionLimits, detention_limits
from retour.detention.models import DetentionPeriod
from retour.seam.panels import case_panel


@dataclass(frozen=True)
class PeriodRow:
    ordered_on: date
    ordered_by: str
    ground: str
    facility: str
    ended_on: date | None
    end_reason: str
    note: str
    days: int  # detained so far, or in all once ended (the day of the order counted)
    limits: DetentionLimits | None  # only while open: when the maximum is reached


@case_panel("detention", "detention/case_panel.html", special=Special.DETENTION)
def periods(user: Any, case: Any, today: date) -> dict[str, Any] | None:
    """The case's detention periods, the open one with the days its maximum is reached by
    the legal parameters in force when it was ordered (Art. 15(5)-(6))."""
    found = DetentionPeriod.objects.visible_to(user).filter(case=case).select_related("ordered_by")
    rows = [
        PeriodRow(
            ordered_on=p.ordered_on,
            ordered_by=p.ordered_by.name,
            ground=display.label(DetentionPeriod.Ground, p.ground),
            facility=p.facility,
            ended_on=p.ended_on,
            end_reason=display.label(DetentionPeriod.EndReason, p.end_reason),
            note=p.note,
            days=((p.ended_on or today) - p.ordered_on).days + 1,
            limits=(
                detention_limits(case.member_state_id, p.ordered_on) if p.ended_on is None
                else None
            ),
        )
        for p in found
    ]
    return {"detention": rows} if rows else None
