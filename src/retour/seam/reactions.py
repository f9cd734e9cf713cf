"""Reactions: what an app does, in the same transaction, when another app's event is written.

A removal recorded while the person is detained ends the detention (the detention app reacts
to the removal); the case core that records the removal does not know detention exists. A
reaction runs after the event and its access-log entry are written, as the same user, and
writes through the actions like anything else; if it refuses, the whole action is undone.
Work that may wait or fail on its own (a message to another system) is an outbox subscriber
instead (``retour.outbox``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from retour.seam.events import read


@dataclass(frozen=True)
class Happened:
    """An event just written, as a reaction sees it."""

    type: str
    case: Any
    payload: dict[str, Any]
    user: Any  # None: the system
    channel: str


Reaction = Callable[[Happened], None]
R = TypeVar("R", bound=Reaction)

_REACTIONS: dict[str, list[Reaction]] = {}


def on(event_type: str) -> Callable[[R], R]:
    def register(reaction: R) -> R:
        _REACTIONS.setdefault(event_type, []).append(reaction)
        return reaction

    return register


def react(event: Any, case: Any, user: Any, channel: str) -> None:
    """Run the reactions to ``event`` (a case event just written)."""
    reactions = _REACTIONS.get(event.type)
    if not reactions:
        return
    happened = Happened(event.type, case, read(event.type, event.version, event.payload),
                        user, channel)
    for reaction in reactions:
        reaction(happened)
