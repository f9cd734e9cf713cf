"""What the statistics keep of reintegration: a row beside the case's milestone row."""

from __future__ import annotations

from typing import Any

from retour.counselling.models import CounsellingMilestones
from retour.seam import projections
from retour.seam.projections import Recorded

projections.register(CounsellingMilestones)


@projections.on("refer_to_reintegration", CounsellingMilestones)
@projections.on("record_reintegration_outcome", CounsellingMilestones)
def referral(row: CounsellingMilestones, payload: dict[str, Any], event: Recorded) -> None:
    """The first referral to reintegration, and the first acceptance (the uptake indicator
    compares it with the departure)."""
    values = payload["reintegration"]
    if row.reintegration_referred_on is None and values.get("referred_on"):
        row.reintegration_referred_on = projections.as_date(values["referred_on"])
    if values.get("outcome") == "accepted" and row.reintegration_accepted_on is None:
        row.reintegration_accepted_on = projections.as_date(values.get("outcome_on"))
