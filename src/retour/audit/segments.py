"""Erasing the oldest entries of the access log once their retention period has passed,
leaving the rest verifiable (ADR 18).

The entries up to some sequence are erased with their person index; the chain then starts
after the last of them: ``ChainStart`` keeps its sequence and digest, which the first remaining
entry links to, sealed with an HMAC under the chain's current key. Verification
(``retour.audit.log``) starts there. Without the key the start cannot be moved forward to hide
entries, a start deleted or moved back leaves the first remaining entry unlinked, and an
anchor at the erased entry must still name its digest.
"""

from __future__ import annotations

import hmac
from datetime import datetime

from retour import clock
from retour.audit import keys
from retour.audit.models import AccessLogEntry, AccessLogPerson, ChainHead, ChainStart

PURPOSE = b"retour access log start\n"


def seal_of(sequence: int, digest: str, key_id: str) -> str:
    message = PURPOSE + f"{sequence}:{digest}".encode()
    return hmac.digest(keys.key(key_id).secret, message, "sha256").hex()


def start() -> ChainStart | None:
    """Where the chain begins (None: at its first entry); ``StartRefused`` if the row is not
    sealed by the chain's key."""
    found = ChainStart.objects.filter(id=1).first()
    if found is None:
        return None
    try:
        genuine = hmac.compare_digest(
            seal_of(found.sequence, found.digest, found.key_id), found.seal)
    except keys.KeyMissing as missing:
        raise StartRefused(str(missing)) from None
    if not genuine:
        raise StartRefused(
            f"the record of where the log starts (after entry {found.sequence}) is not sealed "
            "by the log's key: it was changed outside Retour")
    return found


class StartRefused(Exception):
    pass


def erase_before(moment: datetime) -> int:
    """Erase every entry written before ``moment``, as far as they run from the chain's
    start without a later entry among them (an entry is erased only with all before it);
    returns how many. Runs in the caller's transaction."""
    # The head's lock serialises this with every append.
    ChainHead.objects.select_for_update().get_or_create(id=1)
    current = start()
    first_kept = (AccessLogEntry.objects.filter(at__gte=moment)
                  .order_by("sequence").values_list("sequence", flat=True).first())
    last = (AccessLogEntry.objects.filter(**({"sequence__lt": first_kept} if first_kept else {}))
            .order_by("-sequence").first())
    if last is None or (current is not None and last.sequence <= current.sequence):
        return 0
    doomed = AccessLogEntry.objects.filter(sequence__lte=last.sequence)
    # Past the models' append-only guards on purpose: this is the one way entries leave.
    persons = AccessLogPerson.objects.filter(entry__sequence__lte=last.sequence)
    persons._raw_delete(persons.db)
    erased = doomed._raw_delete(doomed.db)
    key_id = keys.current_key().id
    ChainStart.objects.update_or_create(id=1, defaults={
        "sequence": last.sequence, "digest": last.digest, "key_id": key_id,
        "seal": seal_of(last.sequence, last.digest, key_id), "erased_at": clock.now(),
    })
    return erased
