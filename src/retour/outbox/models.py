"""The outbox table: one row per (subscriber, event), the queue the workers deliver from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class Message(models.Model):
    """An event to deliver to one subscriber, written in the transaction of the action that
    made the event (``publish``), so it exists exactly when the event does.

    ``key`` is the same for the same (subscriber, stream, sequence) whenever it is computed:
    a second publication of an event cannot make a second message, and the subscriber uses it
    to apply a message delivered twice only once. Messages of one subscriber and stream are
    delivered in ``sequence`` order (see ``retour.outbox.worker``)."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("outbox", "waiting to be delivered")
        DELIVERED = "delivered", pgettext_lazy("outbox", "delivered")
        DEAD = "dead", pgettext_lazy("outbox", "dead letter")
        SKIPPED = "skipped", pgettext_lazy("outbox", "skipped by an administrator")

    class Failure(models.TextChoices):
        """Why the last attempt failed, in words the page can show."""

        ERROR = "error", pgettext_lazy("outbox", "the subscriber reported an error")
        TIMEOUT = "timeout", pgettext_lazy("outbox", "no answer within the time limit")
        ABANDONED = "abandoned", pgettext_lazy(
            "outbox", "the worker stopped during the delivery"
        )

    subscriber = models.CharField(max_length=50)
    key = models.UUIDField(unique=True)
    event_type = models.CharField(max_length=100)
    event_version = models.PositiveSmallIntegerField()
    stream = models.CharField(max_length=100)
    sequence = models.PositiveBigIntegerField()
    member_state = models.CharField(max_length=2, blank=True)
    occurred_at = models.DateTimeField()
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)  # failed attempts so far
    next_attempt_at = models.DateTimeField()
    leased_until = models.DateTimeField(null=True, blank=True)
    lease_owner = models.CharField(max_length=100, blank=True)
    failure = models.CharField(max_length=10, choices=Failure.choices, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The worker reads the open (pending or dead) messages of its subscribers, the page
        # counts by status: both start from (subscriber, status), so neither reads the
        # delivered messages, which pile up. No partial indexes: SQLite uses one only when the
        # query's condition is written into the statement, and Django sends parameters.
        indexes = [
            models.Index(fields=["subscriber", "status", "created_at"], name="outbox_status"),
            # The page's last delivery, read from the end of the index.
            models.Index(
                fields=["subscriber", "status", "delivered_at"], name="outbox_delivered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} {self.stream}#{self.sequence} {self.event_type}"
