"""Appending to and verifying the access log's hash chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import transaction

from retour import bulk, clock
from retour.audit.models import AccessLogEntry, AccessLogPerson, ChainHead

GENESIS = "0" * 64


def _canonical(entry: AccessLogEntry) -> bytes:
    content = {
        "sequence": entry.sequence,
        # In UTC: the database hands the moment back in UTC, whatever zone it was written in.
        "at": entry.at.astimezone(UTC).isoformat(),
        "user": entry.user_id,
        "username": entry.username,
        "authority": entry.authority,
        "member_state": entry.member_state,
        "operation": entry.operation,
        "object_type": entry.object_type,
        "object_ids": entry.object_ids,
        "person_ids": entry.person_ids,
        "search_terms": entry.search_terms,
        "reason": entry.reason,
        "channel": entry.channel,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode()


def digest_of(entry: AccessLogEntry) -> str:
    return hashlib.sha256(entry.previous_digest.encode() + _canonical(entry)).hexdigest()


def record_access(
    user: Any,
    operation: str,
    object_type: str,
    object_ids: Iterable[Any],
    *,
    person_ids: Iterable[Any] = (),
    search_terms: dict[str, Any] | None = None,
    reason: str = "",
    channel: str = "",
) -> AccessLogEntry:
    """Append one entry; runs inside the caller's transaction so a rolled-back write
    leaves no log entry claiming it happened.

    In a bulk session the chain's head stays locked for the whole session and the entries are
    written together when it ends."""
    authority = getattr(user, "authority", None)
    entry = AccessLogEntry(
        at=clock.now(),
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "system",
        authority=authority.code if authority else "",
        member_state=(authority.member_state_id or "") if authority else "",
        operation=operation,
        object_type=object_type,
        object_ids=[str(i) for i in object_ids],
        person_ids=[str(i) for i in person_ids],
        search_terms=search_terms or {},
        reason=reason,
        channel=channel,
    )
    session = bulk.current()
    if session is not None:
        head = session.remember("audit.chain_head", _locked_head)
        _chain(entry, head)
        session.collect("audit.access_log", entry, lambda entries: _write(entries, head))
        return entry
    with transaction.atomic():
        head = _locked_head()
        _chain(entry, head)
        _write([entry], head)
    return entry


def _locked_head() -> ChainHead:
    head, _ = ChainHead.objects.select_for_update().get_or_create(id=1)
    return head


def _chain(entry: AccessLogEntry, head: ChainHead) -> None:
    """Link ``entry`` after the head and move the head (in memory) onto it."""
    entry.sequence = head.sequence + 1
    entry.previous_digest = head.digest
    entry.digest = digest_of(entry)
    head.sequence, head.digest = entry.sequence, entry.digest


def _write(entries: list[AccessLogEntry], head: ChainHead) -> None:
    if len(entries) == 1:  # one read or write of a request: the plain way
        entries[0].save()
        AccessLogPerson.objects.bulk_create(_index(entries))
    else:  # a bulk session's: the entries get their keys, which the index rows need
        bulk.insert_rows(entries)
        bulk.insert_rows(_index(entries))
    head.save(update_fields=["sequence", "digest"])


def _index(entries: list[AccessLogEntry]) -> list[AccessLogPerson]:
    return [AccessLogPerson(entry=e, person_id=p)
            for e in entries for p in dict.fromkeys(e.person_ids)]


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    entry_id: int | None
    problem: str


def verify_chain() -> ChainBreak | None:
    """Walk the chain from the start; return the first broken entry, or None if intact."""
    expected_previous = GENESIS
    expected_sequence = 1
    last_id: int | None = None
    entries = AccessLogEntry.objects.order_by("sequence").iterator(chunk_size=2000)
    for entry in entries:
        if entry.sequence != expected_sequence:
            return ChainBreak(
                expected_sequence, entry.id, f"entry {expected_sequence} is missing"
            )
        if entry.previous_digest != expected_previous:
            return ChainBreak(
                entry.sequence, entry.id, "does not link to the previous entry's digest"
            )
        if digest_of(entry) != entry.digest:
            return ChainBreak(entry.sequence, entry.id, "content does not match its digest")
        expected_previous, last_id = entry.digest, entry.id
        expected_sequence += 1
    head = ChainHead.objects.filter(id=1).first() or ChainHead(sequence=0, digest=GENESIS)
    if head.sequence != expected_sequence - 1:
        return ChainBreak(
            expected_sequence, None, f"the log ends at {expected_sequence - 1} "
            f"but {head.sequence} entries were written"
        )
    # Nothing follows the last entry to vouch for it: the head's digest does.
    if head.digest != expected_previous:
        return ChainBreak(
            expected_sequence - 1, last_id, "is not the last entry the log's head recorded"
        )
    return None
