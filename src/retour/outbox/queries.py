"""What the outbox page shows: the state of each subscriber's queue, and its problems, for the
messages an administrator handles: those of their own member state (and of none: reference
data of the Union), as administration is scoped to the member state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet

from retour.outbox.models import Message
from retour.outbox.subscribers import subscribers

Status = Message.Status


def handled_by(user: Any) -> QuerySet[Message]:
    """The messages ``user`` administers: their member state's, and those of no member
    state."""
    member_state = getattr(getattr(user, "authority", None), "member_state_id", None)
    return Message.objects.filter(member_state__in=[member_state or "", ""])


@dataclass(frozen=True)
class QueueState:
    name: str
    description: str
    registered: bool  # False: messages remain for a subscriber this process does not know
    pending: int
    failing: int  # pending after at least one failed attempt
    dead: int
    oldest_pending: datetime | None  # when the oldest pending message was written
    last_delivered: datetime | None


def queues(user: Any) -> list[QueueState]:
    """Every registered subscriber, and any other with pending messages or dead letters."""
    mine = handled_by(user)
    open_counts = {
        (row["subscriber"], row["status"]): row
        for row in mine.filter(status__in=[Status.PENDING, Status.DEAD])
        .values("subscriber", "status")
        .annotate(
            n=Count("pk"), failing=Count("pk", filter=Q(attempts__gt=0)),
            oldest=Min("created_at"),
        )
        .order_by()
    }
    registered = {s.name: s for s in subscribers()}
    names = sorted(set(registered) | {name for name, _ in open_counts})
    states = []
    for name in names:
        pending = open_counts.get((name, Status.PENDING), {})
        dead = open_counts.get((name, Status.DEAD), {})
        known = registered.get(name)
        states.append(QueueState(
            name=name,
            description=known.description if known else "",
            registered=known is not None,
            pending=pending.get("n", 0),
            failing=pending.get("failing", 0),
            dead=dead.get("n", 0),
            oldest_pending=pending.get("oldest"),
            # One subscriber at a time: the index answers each from its last entry.
            last_delivered=mine.filter(subscriber=name, status=Status.DELIVERED)
            .aggregate(last=Max("delivered_at"))["last"],
        ))
    return states


def queue(name: str, user: Any) -> QueueState | None:
    """The state of one subscriber's queue; None for a name that is not registered and has
    no pending messages or dead letters."""
    return next((state for state in queues(user) if state.name == name), None)


def dead_letters(name: str, user: Any) -> QuerySet[Message]:
    return handled_by(user).filter(subscriber=name, status=Status.DEAD).order_by(
        "created_at", "pk"
    )


def failing(name: str, user: Any) -> QuerySet[Message]:
    return handled_by(user).filter(
        subscriber=name, status=Status.PENDING, attempts__gt=0
    ).order_by("created_at", "pk")


def held_back(name: str, user: Any) -> int:
    """Pending messages that wait behind a dead letter of the same stream."""
    earlier_dead = Message.objects.filter(
        subscriber=name, stream=OuterRef("stream"), sequence__lt=OuterRef("sequence"),
        status=Status.DEAD,
    )
    return handled_by(user).filter(subscriber=name, status=Status.PENDING).filter(
        Exists(earlier_dead)
    ).count()
