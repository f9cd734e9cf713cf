"""The worker: delivers the outbox's messages to their subscribers, at least once, in order
per (subscriber, stream). ADR 0010.

A round claims a batch of due messages in one short transaction (a lease: ``leased_until``
and ``lease_owner``), delivers each outside any transaction, and records each result in
another short statement that only succeeds while the worker still holds the lease. A worker
that dies mid-delivery leaves a lease that runs out; the next worker to claim the message
counts the interrupted attempt and delivers it again, and the subscriber, which applies each
``message.key`` once, ignores the copy.

Due: pending, its next attempt time reached, not leased (or the lease ran out), and no earlier
message of the same subscriber and stream still pending or dead. So a failing message holds
back the later messages of its case, not other cases, and a dead letter holds them back until
an administrator replays or skips it (``retour.outbox.replay``).

Failures wait ``backoff(attempts)``: 2, 4, 8, … seconds, at most an hour, the same for every
run; after the subscriber's ``max_attempts`` failed attempts the message is a dead letter.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Q

from retour import clock
from retour.outbox.models import Message
from retour.outbox.subscribers import Subscriber, subscribers

logger = logging.getLogger(__name__)

# Added to the subscriber's timeout for the lease: time to record the result after the
# delivery returns, and for the clocks of workers on different machines to differ.
LEASE_MARGIN = timedelta(seconds=30)
BACKOFF_LIMIT = 3600  # seconds: the longest wait between two attempts
ERROR_LENGTH = 2000  # characters of an error kept on the message
PAUSE_STEP = 0.1  # seconds: how soon a waiting worker notices it was asked to stop
# Stream heads read per message to claim: room to pass over those another worker is claiming
# at the same moment (PostgreSQL; on SQLite claims do not overlap).
HEADS_PER_MESSAGE = 4

Status = Message.Status
Failure = Message.Failure


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 2 ** attempts seconds, at most an
    hour (2 s, 4 s, 8 s, … 34 min 8 s after the 11th, then 1 h). Deterministic, so a test or
    an administrator can tell when the next attempt is due."""
    return timedelta(seconds=min(2 ** min(attempts, 12), BACKOFF_LIMIT))


class DeliveryTimedOut(BaseException):
    """A delivery took longer than its subscriber's ``timeout_seconds``.

    A ``BaseException``, like ``KeyboardInterrupt``, so that a subscriber's own ``except
    Exception`` cannot swallow it and carry on past its time."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block with ``DeliveryTimedOut`` after ``seconds``.

    SIGALRM is delivered to the main thread only, so elsewhere (a worker run in a thread) the
    block runs without a limit. In the main thread the exception is raised between two Python
    bytecodes, or when a blocking system call (a socket read, a sleep) is interrupted; C code
    that runs for long without returning to Python is interrupted only when it returns.
    Subscribers should still set their own network timeouts: this is the last resort."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise DeliveryTimedOut(f"no answer within {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Tally:
    """What a worker did since it started."""

    delivered: int = 0
    failed: int = 0  # failed attempts, the ones that made dead letters included
    dead: int = 0


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"[-100:]


class Worker:
    """Delivers the due messages of the subscribers named (all registered ones by default)."""

    def __init__(self, names: Iterable[str] | None = None, *, batch: int = 100) -> None:
        if batch < 1:
            raise ValueError("batch must be at least 1")
        self.names = frozenset(names) if names is not None else None
        self.batch = batch
        self.id = _worker_id()
        self.tally = Tally()
        self._stopping = False
        if threading.current_thread() is not threading.main_thread():
            logger.warning("outbox worker %s runs outside the main thread: deliveries have "
                           "no time limit", self.id)

    def _subscribers(self) -> dict[str, Subscriber]:
        return {
            s.name: s for s in subscribers() if self.names is None or s.name in self.names
        }

    def stop(self) -> None:
        """Stop after the delivery in progress; the rest of the batch is released."""
        self._stopping = True

    def run(self, poll: float = 1.0, *, once: bool = False) -> Tally:
        """Deliver until ``stop()`` (or SIGTERM or SIGINT, in the main thread), waiting
        ``poll`` seconds whenever nothing is due; with ``once``, stop as soon as nothing is
        due. A database that cannot be reached is logged and tried again after ``poll``."""
        restore = self._handle_stop_signals()
        try:
            while not self._stopping:
                if not connection.in_atomic_block:
                    # A connection that broke or grew old is replaced, as after a request;
                    # not one inside a transaction (a test's), which is still in use.
                    close_old_connections()
                try:
                    claimed = self.run_once()
                except DatabaseError:
                    if once:
                        raise
                    logger.exception("outbox worker %s could not reach the database; trying "
                                     "again in %g s", self.id, poll)
                    claimed = 0
                if not claimed:
                    if once:
                        break
                    self._pause(poll)
        finally:
            restore()
        return self.tally

    def _handle_stop_signals(self) -> Callable[[], None]:
        """Make SIGTERM and SIGINT stop the worker after the delivery in progress; return
        what puts the previous handlers back."""
        if threading.current_thread() is not threading.main_thread():
            return lambda: None

        def stop(signum: int, frame: FrameType | None) -> None:
            self.stop()  # only a flag: see _pause

        previous = {number: signal.signal(number, stop)
                    for number in (signal.SIGTERM, signal.SIGINT)}

        def restore() -> None:
            for number, handler in previous.items():
                signal.signal(number, handler)

        return restore

    def _pause(self, seconds: float) -> None:
        # Short sleeps rather than one: a signal handler may only set a flag (an Event's lock
        # taken in a handler can deadlock), and a sleep is not cut short by a handler.
        until = time.monotonic() + seconds
        while not self._stopping and (left := until - time.monotonic()) > 0:
            time.sleep(min(PAUSE_STEP, left))

    def run_once(self) -> int:
        """Claim one batch of due messages and deliver them; return how many were claimed."""
        current = self._subscribers()
        claimed = self._claim(current)
        for index, message in enumerate(claimed):
            if self._stopping:
                self._release(claimed[index:])
                break
            self._deliver(message, current[message.subscriber])
        return len(claimed)

    def _heads(self, names: list[str], now: datetime) -> list[int]:
        """Due messages that head their (subscriber, stream), oldest due first: the stream's
        open (pending or dead) message with the lowest sequence, if it is pending, its time
        has come and it is not leased.

        One pass over the open messages with a window function, in SQL of its own: no join
        for PostgreSQL to plan as a nested loop from outdated statistics (just after many
        messages were written), which read every open message once for each. (The ORM
        would filter on the status before numbering, where it must be after.)"""
        table = Message._meta.db_table
        at = Message._meta.get_field("next_attempt_at").get_db_prep_value(now, connection)
        names_list = ", ".join(["%s"] * len(names))
        statement = f"""
            SELECT id FROM (
                SELECT id, status, next_attempt_at, leased_until, ROW_NUMBER() OVER (
                    PARTITION BY subscriber, stream ORDER BY sequence) AS place_in_stream
                FROM {connection.ops.quote_name(table)}
                WHERE subscriber IN ({names_list}) AND status IN (%s, %s)
            ) AS heads
            WHERE place_in_stream = 1 AND status = %s AND next_attempt_at <= %s
                AND (leased_until IS NULL OR leased_until <= %s)
            ORDER BY next_attempt_at, id
            LIMIT %s
        """  # noqa: S608 (the table's name from the model; values are parameters)
        with connection.cursor() as cursor:
            cursor.execute(statement, [*names, Status.PENDING, Status.DEAD, Status.PENDING,
                                       at, at, self.batch * HEADS_PER_MESSAGE])
            return [key for (key,) in cursor.fetchall()]

    def _locked(self, keys: list[int], now: datetime) -> list[Message]:
        """The first ``batch`` of the messages ``keys`` that are still due, locked for this
        claim. The conditions are checked again under the lock: another worker may have
        claimed one meanwhile."""
        due = (
            Message.objects.filter(pk__in=keys, status=Status.PENDING, next_attempt_at__lte=now)
            .filter(Q(leased_until__isnull=True) | Q(leased_until__lte=now))
            .order_by("next_attempt_at", "id")
        )
        if connection.features.has_select_for_update_skip_locked:
            # PostgreSQL: rows another worker is claiming are passed over, not waited for.
            # SQLite needs nothing: its transactions start IMMEDIATE (settings), so one claim
            # runs at a time.
            due = due.select_for_update(skip_locked=True)
        return list(due[: self.batch])

    def _claim(self, current: dict[str, Subscriber]) -> list[Message]:
        if not current:
            return []
        now = clock.now()
        with transaction.atomic():
            found = self._locked(self._heads(list(current), now), now)
            claimed: dict[str, list[Message]] = {}
            for message in found:
                subscriber = current[message.subscriber]
                if message.lease_owner and self._abandoned(message, subscriber):
                    continue
                message.lease_owner = self.id
                message.leased_until = (
                    now + timedelta(seconds=subscriber.timeout_seconds) + LEASE_MARGIN
                )
                claimed.setdefault(subscriber.name, []).append(message)
            for rows in claimed.values():
                Message.objects.filter(pk__in=[m.pk for m in rows]).update(
                    lease_owner=self.id, leased_until=rows[0].leased_until
                )
        return [message for message in found if message.lease_owner == self.id]

    def _abandoned(self, message: Message, subscriber: Subscriber) -> bool:
        """Count the attempt of a worker that stopped while it held the lease (killed, or
        the machine went down): a message that brings down every worker that tries it must
        end as a dead letter like any other failure. True if it just did."""
        logger.warning("outbox message %s to %s: the worker %s stopped during its delivery",
                       message.pk, message.subscriber, message.lease_owner)
        message.attempts += 1
        message.failure = Failure.ABANDONED
        message.last_error = f"lease of worker {message.lease_owner} ran out"
        fields = ["attempts", "failure", "last_error"]
        dead = message.attempts >= subscriber.max_attempts
        if dead:
            message.status = Status.DEAD
            message.lease_owner, message.leased_until = "", None
            fields += ["status", "lease_owner", "leased_until"]
            self.tally.dead += 1
        self.tally.failed += 1
        message.save(update_fields=fields)
        return dead

    def _release(self, messages: list[Message]) -> None:
        """Give back leases of messages not tried, so other workers need not wait them out."""
        Message.objects.filter(
            pk__in=[m.pk for m in messages], status=Status.PENDING, lease_owner=self.id
        ).update(lease_owner="", leased_until=None)

    def _deliver(self, message: Message, subscriber: Subscriber) -> None:
        try:
            with time_limit(subscriber.timeout_seconds):
                subscriber.deliver(message)
        except DeliveryTimedOut as exc:
            self._failed(message, subscriber, Failure.TIMEOUT, str(exc))
        except Exception as exc:
            self._failed(message, subscriber, Failure.ERROR, f"{type(exc).__name__}: {exc}")
        else:
            if self._record(message, status=Status.DELIVERED, delivered_at=clock.now()):
                self.tally.delivered += 1
                logger.info("outbox message %s delivered to %s", message.pk, subscriber.name)

    def _failed(
        self, message: Message, subscriber: Subscriber, failure: str, error: str
    ) -> None:
        attempts = message.attempts + 1
        values: dict[str, Any] = {
            "attempts": attempts, "failure": failure, "last_error": error[:ERROR_LENGTH]
        }
        dead = attempts >= subscriber.max_attempts
        if dead:
            values["status"] = Status.DEAD
        else:
            values["next_attempt_at"] = clock.now() + backoff(attempts)
        if not self._record(message, **values):
            return
        self.tally.failed += 1
        if dead:
            self.tally.dead += 1
            logger.error("outbox message %s to %s is a dead letter after %d failed attempts: %s",
                         message.pk, subscriber.name, attempts, error)
        else:
            logger.warning("outbox message %s to %s failed (attempt %d of %d): %s",
                           message.pk, subscriber.name, attempts, subscriber.max_attempts,
                           error)

    def _record(self, message: Message, **values: Any) -> bool:
        """Record the result of a delivery if this worker still holds the message's lease; if
        it ran out and another worker took the message, that worker's result counts."""
        recorded = Message.objects.filter(
            pk=message.pk, status=Status.PENDING, lease_owner=self.id
        ).update(lease_owner="", leased_until=None, **values)
        if not recorded:
            logger.warning("outbox message %s to %s: the lease ran out before the result was "
                           "recorded; another worker delivers it again", message.pk,
                           message.subscriber)
        return bool(recorded)
