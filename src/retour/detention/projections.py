"""What the statistics keep of detention: a row beside the case's milestone row."""

from __future__ import annotations

from typing import Any

from retour.detention.models import DetentionMilestones
from retour.seam import projections
from retour.seam.projections import Recorded

projections.register(DetentionMilestones)


@projections.on("order_detention", DetentionMilestones)
@projections.on("end_detention", DetentionMilestones)
def period(row: DetentionMilestones, payload: dict[str, Any], event: Recorded) -> None:
    """The first detention's start, and the end and its reason of the last period ended
    (the indicators count how detention ends, Directive 2008/115/EC Art. 15)."""
    values = payload["detention"]
    if values.get("ended_on"):
        row.detention_ended_on = projections.as_date(values["ended_on"])
        row.detention_end_reason = values.get("end_reason") or ""
    elif row.detained_on is None:
        row.detained_on = projections.as_date(values.get("ordered_on"))
