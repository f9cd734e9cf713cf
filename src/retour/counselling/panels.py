"""Reintegration on the case page: every referral and its outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from retour import display
from retour.counselling.models import ReintegrationReferral
from retour.seam.panels import case_panel


@dataclass(frozen=True)
class ReferralRow:
    referred_on: date
    referred_by: str
    counselling_service: str
    programme: str
    outcome: str
    outcome_on: date | None
    note: str


@case_panel("reintegration", "counselling/case_panel.html")
def referrals(user: Any, case: Any, today: date) -> dict[str, Any] | None:
    found = ReintegrationReferral.objects.visible_to(user).filter(case=case)
    rows = [
        ReferralRow(
            referred_on=r.referred_on,
            referred_by=r.referred_by.name,
            counselling_service=r.counselling_service.name if r.counselling_service else "",
            programme=r.programme,
            outcome=display.label(ReintegrationReferral.Outcome, r.outcome),
            outcome_on=r.outcome_on,
            note=r.note,
        )
        for r in found.select_related("referred_by", "counselling_service")
    ]
    return {"reintegration": rows} if rows else None
