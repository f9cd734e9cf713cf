"""Appending to and verifying the access log's chain.

Each entry's digest is an HMAC-SHA256, under a key kept outside the database
(``retour.audit.keys``), of the previous entry's digest and the entry's content; the entry
names its key, so keys can be replaced and old entries still verify. Entries written before
the log was keyed have a plain SHA-256 digest and no key; the first keyed entry links to the
last of them and so seals them (ADR 0015). Verification also checks the person index and the
anchors written outside the database (``retour.audit.anchors``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import transaction

from retour import bulk, clock
from retour.audit import keys, segments
from retour.audit.anchors import Anchor
from retour.audit.anchors import append as append_anchor
from retour.audit.models import AccessLogEntry, AccessLogPerson, ChainHead

GENESIS = "0" * 64
CHUNK = 2000  # entries verified together, with one query for their index rows


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
    if entry.key_id:  # the entries from before keying were digested without it
        content["key"] = entry.key_id
    return json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode()


def digest_of(entry: AccessLogEntry) -> str:
    """The entry's digest: keyed with the key it names, plain SHA-256 for an entry from
    before keying. ``keys.KeyMissing`` if its key is not in the key folder."""
    message = entry.previous_digest.encode() + _canonical(entry)
    if not entry.key_id:
        return hashlib.sha256(message).hexdigest()
    return hmac.digest(keys.key(entry.key_id).secret, message, "sha256").hex()


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
    """Link ``entry`` after the head, key it, and move the head (in memory) onto it."""
    entry.key_id = keys.current_key().id
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


def _chunks(entries: Iterable[AccessLogEntry]) -> Iterator[list[AccessLogEntry]]:
    chunk: list[AccessLogEntry] = []
    for entry in entries:
        chunk.append(entry)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _indexed(chunk: list[AccessLogEntry]) -> dict[int, set[str]]:
    """The persons the index holds for each entry of ``chunk``."""
    persons: dict[int, set[str]] = {entry.id: set() for entry in chunk}
    rows = AccessLogPerson.objects.filter(entry_id__in=list(persons))
    for entry_id, person_id in rows.values_list("entry_id", "person_id"):
        persons[entry_id].add(str(person_id))
    return persons


def _index_problem(entry: AccessLogEntry, indexed: set[str]) -> str | None:
    """The index must hold exactly the persons the entry's digest covers: a missing row hides
    an access from the person's history, an extra one shows one that did not happen."""
    concerned = {str(uuid.UUID(str(p))) for p in entry.person_ids}
    for person in sorted(concerned - indexed):
        return f"the person index lacks person {person}, whom the entry concerns"
    for person in sorted(indexed - concerned):
        return f"the person index names person {person}, whom the entry does not concern"
    return None


class _Walk:
    """The checks that run entry by entry, in the chain's order."""

    def __init__(self, anchors: Sequence[Anchor], start: Any) -> None:
        first = keys.first_key()
        self.unkeyed_until = first.unkeyed_until if first else None
        self.keyed_from: int | None = None
        self.anchored = {anchor.sequence: anchor for anchor in anchors}
        # After an erasure of the oldest entries the chain starts after the last erased one.
        self.previous = start.digest if start else GENESIS
        self.next_sequence = start.sequence + 1 if start else 1

    def problem(self, entry: AccessLogEntry, indexed: set[str]) -> str | None:
        if entry.sequence != self.next_sequence:
            return f"entry {self.next_sequence} is missing"
        if entry.previous_digest != self.previous:
            return "does not link to the previous entry's digest"
        if entry.key_id:
            self.keyed_from = self.keyed_from or entry.sequence
        elif self.keyed_from is not None:
            return f"has no key, but the log is keyed from entry {self.keyed_from} on"
        elif self.unkeyed_until is not None and entry.sequence > self.unkeyed_until:
            return f"has no key, but the log is keyed after entry {self.unkeyed_until}"
        try:
            if not hmac.compare_digest(digest_of(entry), entry.digest):
                return "content does not match its digest"
        except keys.KeyMissing as missing:
            return str(missing)
        anchor = self.anchored.get(entry.sequence)
        if anchor is not None and anchor.digest != entry.digest:
            return f"is not the entry anchored by {anchor.named()}"
        self.previous = entry.digest
        self.next_sequence += 1
        return _index_problem(entry, indexed)


def _head() -> ChainHead:
    return ChainHead.objects.filter(id=1).first() or ChainHead(sequence=0, digest=GENESIS)


def _verify(anchors: Sequence[Anchor]) -> tuple[ChainBreak | None, ChainHead]:
    # The head first, then the entries up to it: entries appended meanwhile are not this
    # walk's (each is committed with the head that counts it).
    head = _head()
    try:
        start = segments.start()
    except segments.StartRefused as refused:
        return ChainBreak(1, None, str(refused)), head
    if start is not None:
        moved = [a for a in anchors if a.sequence == start.sequence and a.digest != start.digest]
        if moved:
            return ChainBreak(start.sequence, None, "the log starts after an entry that is not "
                              f"the one anchored by {moved[0].named()}"), head
    walk = _Walk(anchors, start)
    last_id: int | None = None
    entries = (AccessLogEntry.objects.filter(sequence__lte=head.sequence,
                                             sequence__gte=walk.next_sequence)
               .order_by("sequence").iterator(chunk_size=CHUNK))
    for chunk in _chunks(entries):
        indexed = _indexed(chunk)
        for entry in chunk:
            problem = walk.problem(entry, indexed[entry.id])
            if problem is not None:
                # A missing entry is named by the sequence it should have had.
                return ChainBreak(min(entry.sequence, walk.next_sequence), entry.id, problem), head
            last_id = entry.id
    end = walk.next_sequence - 1
    if head.sequence != end:
        return ChainBreak(
            end + 1, None, f"the log ends at {end} but {head.sequence} entries were written"
        ), head
    # Nothing follows the last entry to vouch for it: the head's digest does.
    if head.digest != walk.previous:
        return ChainBreak(end, last_id, "is not the last entry the log's head recorded"), head
    # The newest entry before the head: an entry's head is committed with it, so a head read
    # after the entry counts it, unless the entry was added behind the application's back.
    beyond = AccessLogEntry.objects.order_by("-sequence").first()
    if beyond is not None and beyond.sequence > _head().sequence:
        return ChainBreak(beyond.sequence, beyond.id, "lies beyond the log's head"), head
    ahead = [anchor for anchor in anchors if anchor.sequence > end]
    if ahead:
        last = max(ahead, key=lambda anchor: (anchor.sequence, anchor.line))
        return ChainBreak(
            last.sequence, None,
            f"the database is behind its last anchor: the log ends at entry {end}, "
            f"before {last.named()}",
        ), head
    return None, head


def verify_chain(anchors: Sequence[Anchor] = ()) -> ChainBreak | None:
    """Walk the chain from the start; return the first broken entry, or None if intact.

    An entry is broken if it is missing, out of order, not linked to the one before, its
    digest does not match (under the key it names), it has no key though the log was keyed
    before it, it is not the entry an anchor recorded, or the person index does not hold
    exactly its persons. The log is broken if it ends before its head or its last anchor."""
    return _verify(anchors)[0]


class ChainBroken(Exception):
    def __init__(self, broken: ChainBreak) -> None:
        super().__init__(broken.problem)
        self.broken = broken


def anchor_head(anchors: Sequence[Anchor]) -> Anchor:
    """Verify the chain (against the anchors so far), then anchor its head outside the
    database; ``ChainBroken`` if the chain is broken: a broken log is never anchored."""
    broken, head = _verify(anchors)
    if broken is not None:
        raise ChainBroken(broken)
    last = AccessLogEntry.objects.filter(sequence=head.sequence).first()
    return append_anchor(head.sequence, head.digest, last.key_id if last else "")
