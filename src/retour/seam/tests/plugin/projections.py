from typing import Any

from retour.seam import projections
from retour.seam.projections import Recorded
from retour.seam.tests.plugin.models import WelfareMilestones

projections.register(WelfareMilestones)


@projections.on("record_welfare_visit", WelfareMilestones)
def first_visit(row: WelfareMilestones, payload: dict[str, Any], event: Recorded) -> None:
    if row.welfare_visited_on is None:
        row.welfare_visited_on = projections.as_date(payload["visited_on"])
