"""What the statistics keep of non-cooperation: a row beside the case's milestone row."""

from __future__ import annotations

from typing import Any

from retour.cooperation.models import CooperationMilestones
from retour.seam import projections
from retour.seam.projections import Recorded

projections.register(CooperationMilestones)


@projections.on("record_non_cooperation", CooperationMilestones)
def count(row: CooperationMilestones, payload: dict[str, Any], event: Recorded) -> None:
    """How often, and when first (the earliest act, whatever the order it was recorded in)."""
    row.non_cooperation_count += 1
    occurred = (projections.as_date(payload["non_cooperation"].get("occurred_on"))
                or projections.local_day(event))
    if row.first_non_cooperation_on is None or occurred < row.first_non_cooperation_on:
        row.first_non_cooperation_on = occurred
