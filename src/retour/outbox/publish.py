"""Publishing an event to the outbox: one message per interested subscriber, written in the
caller's transaction.

The action that made the event calls ``publish`` inside its own transaction, so the messages
commit or roll back with the event: no event without its messages, no message for an event
that did not happen. Delivery is the workers' business (``retour.outbox.worker``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connections, router
from django.db.models import Field

from retour import bulk, clock
from retour.outbox.models import Message
from retour.outbox.subscribers import subscribers

# Keys are name-based UUIDs (version 5) in a namespace of their own.
KEY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:retour:outbox")


@dataclass(frozen=True)
class PublishedEvent:
    """An event as the subscribers receive it."""

    type: str
    version: int  # of the event type's payload, so a subscriber can read older messages
    stream: str  # ordering key, e.g. "case:<uuid>"
    sequence: int  # position in the stream (the case version the event made)
    occurred_at: datetime
    member_state: str
    payload: dict[str, Any]


def message_key(subscriber: str, stream: str, sequence: int) -> uuid.UUID:
    """The idempotency key of the message of ``subscriber`` for the event at ``sequence`` of
    ``stream``: the same inputs always give the same key. (A subscriber name holds no ':' and
    a sequence is digits, so the text below names one triple only.)"""
    return uuid.uuid5(KEY_NAMESPACE, f"{subscriber}:{sequence}:{stream}")


def publish(event: PublishedEvent) -> int:
    """Write a message for every subscriber interested in ``event.type``, in the current
    transaction, and return how many were written. A message that already exists (the same
    subscriber, stream and sequence) is not written again.

    In a bulk session the messages are kept and inserted together when the session ends; the
    count is then of the messages kept (one the table already held before the session is
    dropped at the end without being counted)."""
    names = [s.name for s in subscribers() if s.wants(event.type)]
    if not names:
        return 0
    rows = _rows(event, names)
    session = bulk.current()
    if session is None:
        return _insert_new([values for _, values in rows])
    kept: set[uuid.UUID] = session.remember("outbox.keys", set)
    collected = 0
    for key, values in rows:
        if key not in kept:
            kept.add(key)
            session.collect("outbox.messages", values, _insert_new)
            collected += 1
    return collected


def _fields() -> list[Field[Any, Any]]:
    """The columns written, in the order of the values of a row."""
    return [field for field in Message._meta.local_concrete_fields if not field.primary_key]


def _rows(event: PublishedEvent, names: list[str]) -> list[tuple[uuid.UUID, list[Any]]]:
    """Each subscriber's message as its key and the values of its columns, ready for the
    database. The values are prepared once for the event (serialising the payload, adapting
    the times) and shared by its subscribers' messages: in a bulk session, model instances
    and preparing every value of every message would cost more than the insert."""
    now = clock.now()
    database = connections[router.db_for_write(Message)]
    event_values = {
        "event_type": event.type, "event_version": event.version, "stream": event.stream,
        "sequence": event.sequence, "member_state": event.member_state,
        "occurred_at": event.occurred_at, "payload": event.payload,
        "status": Message.Status.PENDING, "attempts": 0, "next_attempt_at": now,
        "leased_until": None, "lease_owner": "", "failure": "", "last_error": "",
        "created_at": now, "delivered_at": None,
    }
    fields = _fields()
    prepared = {
        field.name: field.get_db_prep_save(event_values[field.name], database)
        for field in fields if field.name in event_values
    }
    key_field = Message._meta.get_field("key")
    rows = []
    for name in names:
        key = message_key(name, event.stream, event.sequence)
        values = {**prepared, "subscriber": name,
                  "key": key_field.get_db_prep_save(key, database)}
        rows.append((key, [values[field.name] for field in fields]))
    return rows


def _insert_new(rows: list[list[Any]]) -> int:
    """Insert ``rows`` (prepared values, see ``_rows``) with one statement executed for each,
    leaving out those whose key the table already holds; return how many were inserted.

    Not ``bulk_create(ignore_conflicts=True)``: it cannot say how many rows it inserted, and
    it compiles a statement with a placeholder per value (see ``bulk.insert_rows``). Not
    ``bulk.insert_rows``: a duplicate must be left out, not fail the action's transaction.
    ``ON CONFLICT (...) DO NOTHING`` is the same on PostgreSQL and SQLite."""
    meta = Message._meta
    database = connections[router.db_for_write(Message)]
    quote = database.ops.quote_name
    fields = _fields()
    statement = (
        f"INSERT INTO {quote(meta.db_table)} "  # noqa: S608 (names from the model's _meta)
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({quote(meta.get_field('key').column)}) DO NOTHING"
    )
    with database.cursor() as cursor:
        cursor.executemany(statement, rows)
        inserted: int = cursor.rowcount
    return inserted
