"""The case history in words: each event's label, who did it for which authority, when, why,
and the values it recorded, as its declared type words them (``retour.seam.history``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from retour import display
from retour.cases.models import CaseEvent
from retour.seam import events
from retour.seam.events import Payload
from retour.seam.history import Line, Names, lines


@dataclass(frozen=True)
class ShownEvent:
    occurred_at: datetime
    action: str
    actor: str
    authority: str
    reason: str
    changes: list[Line]


def _declared(event: CaseEvent) -> tuple[str, type[Payload]]:
    """The event's label and payload model; a type no app declares any more is shown by its
    name, its values as they were stored."""
    try:
        declared = events.get(event.type)
    except KeyError:
        return event.type, Payload
    return str(declared.label), declared.payload


def shown_events(case_events: Iterable[CaseEvent]) -> list[ShownEvent]:
    """The events, newest first, in words; ``case_events`` come with actor and authority."""
    ordered = sorted(case_events, key=lambda e: e.sequence, reverse=True)
    read = [
        (event, *_declared(event), events.read(event.type, event.version, event.payload))
        for event in ordered
    ]
    names = Names(
        pair for _event, _label, model, payload in read
        for pair in ((model, payload), (model, _event.old_values))
    )
    return [
        ShownEvent(
            occurred_at=event.occurred_at,
            action=label,
            actor=display.user_name(event.actor) if event.actor else _("the system"),
            authority=event.actor_authority.name if event.actor_authority else "",
            reason=event.reason,
            changes=lines(model, event.old_values, payload, names),
        )
        for event, label, model, payload in read
    ]
