"""One endpoint per business action on a case: ``POST /cases/{id}/actions/<action>``, made
from the actions declared on the case with their input schema (``retour.seam.actions``,
``retour.api.action_endpoints``).

Each calls the action's handler (the one write path), which checks the user's role, the
procedure and the law, and writes atomically. The request body holds the action's arguments;
``expected_version`` is the case version the client read, so a change by someone else in
between is refused (409) rather than overwritten. The response is the case as it is after the
action.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ninja import Router, Schema

from retour.accounts.models import User
from retour.api.action_endpoints import add_endpoint
from retour.api.errors import responses
from retour.api.present import action_url_name, case_detail
from retour.api.schemas import CaseDetail
from retour.cases.models import ReturnCase
from retour.cases.reading import load_case
from retour.errors import NotVisible
from retour.seam import actions

router = Router(tags=["case actions"])


def _case_after(user: User, case_id: Any, case: ReturnCase) -> CaseDetail:
    """The case as the user may see it after the step. A step that takes the case out of
    their view (a hand-over returned: ADR 0016) answers with what they may still see of it:
    its number, stage and version, and no history."""
    try:
        return case_detail(load_case(user, case.pk), user)
    except NotVisible:
        return case_detail(case, user)


# The body of each action endpoint; its fields are the action function's arguments.
BODIES: dict[str, type[Schema]] = {
    a.name: add_endpoint(
        router, a, f"/cases/{{case_id}}/actions/{a.slug}", subject=("case_id", UUID),
        answer=_case_after, response=responses(200, CaseDetail, [400, 403, 404, 409, 422]),
        url_name=action_url_name(a),
    )
    for a in actions.asked("case")
}
