"""What the outbox page shows: the state of each subscriber's queue, and its problems."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet

from retour.outbox.models import Message
from retour.outbox.subscribers import subscribers

Status = Message.Status


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


def queues() -> list[QueueState]:
    """Every registered subscriber, and any other with pending messages or dead letters."""
    open_counts = {
        (row["subscriber"], row["status"]): row
        for row in Message.objects.filter(status__in=[Status.PENDING, Status.DEAD])
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
            last_delivered=Message.objects.filter(subscriber=name, status=Status.DELIVERED)
            .aggregate(last=Max("delivered_at"))["last"],
        ))
    return states


def queue(name: str) -> QueueState | None:
    """The state of one subscriber's queue; None for a name that is not registered and has
    no pending messages or dead letters."""
    return next((state for state in queues() if state.name == name), None)


def dead_letters(name: str) -> QuerySet[Message]:
    return Message.objects.filter(subscriber=name, status=Status.DEAD).order_by("created_at", "pk")


def failing(name: str) -> QuerySet[Message]:
    return Message.objects.filter(
        subscriber=name, status=Status.PENDING, attempts__gt=0
    ).order_by("created_at", "pk")


def held_back(name: str) -> int:
    """Pending messages that wait behind a dead letter of the same stream."""
    earlier_dead = Message.objects.filter(
        subscriber=name, stream=OuterRef("stream"), sequence__lt=OuterRef("sequence"),
        status=Status.DEAD,
    )
    return Message.objects.filter(subscriber=name, status=Status.PENDING).filter(
        Exists(earlier_dead)
    ).count()
