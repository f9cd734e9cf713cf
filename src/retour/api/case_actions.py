"""One endpoint per business action on a case: ``POST /cases/{id}/actions/<action>``, made
from the actions declared with their input schema (``retour.seam.actions``).

Each calls the action's handler (the one write path), which checks the user's role, the
procedure and the law, and writes atomically. The request body holds the action's arguments;
``expected_version`` is the case version the client read, so a change by someone else in
between is refused (409) rather than overwritten. The response is the case as it is after the
action.
"""

from __future__ import annotations

import inspect
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema

from retour.api.access import CHANNEL
from retour.api.auth import caller
from retour.api.errors import responses
from retour.api.present import action_url_name, case_detail, load_case
from retour.api.schemas import CaseDetail
from retour.seam import actions
from retour.seam.actions import Action

router = Router(tags=["case actions"])


class ActionBody(Schema):
    expected_version: int | None = Field(
        None, ge=1, description="The case version you read; if the case changed since, 409."
    )


def body_schema(action: Action) -> type[ActionBody]:
    """The request body of ``action``: its input schema and the expected version."""
    assert action.input is not None
    return type(f"{action.input.__name__}Body", (ActionBody, action.input), {
        "__module__": __name__, "__doc__": action.input.__doc__,
    })


def _add_endpoint(action: Action) -> type[ActionBody]:
    handler = action.handler
    assert handler is not None
    body_type = body_schema(action)

    def endpoint(request: HttpRequest, case_id: UUID, body: ActionBody) -> CaseDetail:
        user = caller(request)
        case = handler(user, case_id, **body.model_dump(), channel=CHANNEL)
        return case_detail(load_case(user, case.pk), user)

    # ninja reads the request schema from the annotation: give each endpoint its own.
    endpoint.__annotations__["body"] = body_type
    endpoint.__name__ = endpoint.__qualname__ = action.name
    router.post(
        f"/cases/{{case_id}}/actions/{action.slug}",
        response=responses(200, CaseDetail, [400, 403, 404, 409, 422]),
        operation_id=action.name,
        url_name=action_url_name(action.name),
        summary=action.label,
        description=inspect.getdoc(handler) or "",
    )(endpoint)
    return body_type


# The body of each action endpoint; its fields are the action function's arguments.
BODIES: dict[str, type[ActionBody]] = {a.name: _add_endpoint(a) for a in actions.asked("case")}
