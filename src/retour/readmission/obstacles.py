"""Obstacles in the return process, raised on an overdue readmission request (BRIEF M5, M12).

An obstacle is a subject of its own (``retour.seam.pipeline``): its log starts with the event
of its raising. It is raised inside a step of the request (``escalate_readmission_request``),
which is one event on the request's case with its own access-log entry; the obstacle's log
records that it was raised, in the same transaction. Nothing resolves an obstacle yet: the
register of the coordination work will (it is then an action on this subject).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour import bulk, clock
from retour.cases.models import ReturnCase
from retour.errors import TransitionRefused
from retour.readmission.models import Obstacle, ReadmissionRequest
from retour.seam import pipeline
from retour.seam.events import PERSONAL, Payload, declare


class ObstacleRaised(Payload):
    id: int
    request: str  # the request's reference
    country: str
    kind: Obstacle.Kind
    # Free text, which may say things about the person.
    description: Annotated[str, PERSONAL]
    due_on: date
    raised_on: date


declare("obstacle_raised", ObstacleRaised, label=gettext_lazy("Obstacle raised"))
pipeline.subject(
    "obstacle", Obstacle, member_state=lambda obstacle: obstacle.member_state,
    object_type="readmission_obstacle",
    persons=lambda obstacle: [obstacle.request.case.person_id],
    related=("request__case",), not_found="obstacle not found",
)


def raise_obstacle(
    user: Any, case: ReturnCase, request: ReadmissionRequest, *, kind: str, description: str,
    due_on: date, reason: str = "",
) -> Obstacle:
    """Raise an obstacle of ``kind`` on ``request`` of ``case`` (inside the request's step),
    unless one of that kind is still open; its log gets the event of its raising."""
    if bulk.select(request, "obstacles", kind=kind, resolved_on__isnull=True):
        raise TransitionRefused(_("this delay is already raised as an obstacle"))
    obstacle = bulk.add(request, "obstacles", Obstacle(
        request=request, member_state=case.member_state_id,
        third_country_id=request.third_country_id, kind=kind, description=description,
        raised_on=clock.today(), raised_by=user,
    ))
    pipeline.append("obstacle", obstacle, "obstacle_raised", {
        "id": obstacle.pk, "request": request.reference, "country": request.third_country_id,
        "kind": kind, "description": description, "due_on": due_on.isoformat(),
        "raised_on": obstacle.raised_on.isoformat(),
    }, user=user, reason=reason, made=True)
    return obstacle
