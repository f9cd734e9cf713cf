from datetime import date
from typing import Any

from retour.cases.actions._core import not_in_future, perform
from retour.cases.models import ReturnCase
from retour.seam.actions import implements
from retour.seam.tests.plugin import inputs, procedure


@implements(input=inputs.RecordWelfareVisit, step=procedure.VISIT)
def record_welfare_visit(
    user: Any, case_id: Any, *, visited_on: date, reason: str = "",
    expected_version: int | None = None, channel: str = "",
) -> ReturnCase:
    """Record that someone visited the person to see how they are."""

    def change(case: ReturnCase) -> dict[str, Any]:
        not_in_future(visited_on, "visited_on")
        return {"visited_on": visited_on.isoformat()}

    return perform(user, case_id, "record_welfare_visit", change,
                   expected_version=expected_version, reason=reason, channel=channel)
