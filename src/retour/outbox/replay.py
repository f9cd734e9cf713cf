"""What an administrator does with dead letters: deliver them again, or skip them.

A dead letter holds back the later messages of its subscriber and stream (ADR 0010), so the
case's next events reach the subscriber only after one of these. Replaying suits a cause that
was fixed (the other system is back, a subscriber's bug is corrected); skipping, a message the
other system will never accept, which it must then be told about another way. Both are
written to the access log, and an administrator handles only their member state's messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from retour import clock
from retour.accounts.roles import Capability
from retour.audit.log import record_access
from retour.errors import PermissionRefused
from retour.outbox.models import Message
from retour.outbox.queries import handled_by

OBJECT_TYPE = "outbox_message"
# In the log's language, like the actions' reasons.
REPLAY_REASON = "dead letters delivered again at an administrator's request"
SKIP_REASON = "dead letters skipped at an administrator's request: never to be delivered"


def _check(user: Any) -> None:
    if not (user is not None and user.can(Capability.ADMINISTER)):
        raise PermissionRefused(_("Your role does not allow handling undelivered messages."))


def _change_dead(
    message_ids: Iterable[int], user: Any, values: dict[str, Any], reason: str, channel: str
) -> int:
    _check(user)
    with transaction.atomic():
        ids = list(
            handled_by(user).select_for_update()
            .filter(pk__in=list(message_ids), status=Message.Status.DEAD)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        Message.objects.filter(pk__in=ids).update(**values)
        record_access(user, "write", OBJECT_TYPE, ids, reason=reason, channel=channel)
    return len(ids)


def replay(message_ids: Iterable[int], user: Any, *, channel: str = "web") -> int:
    """Make the dead letters among ``message_ids`` pending again, due now with no failed
    attempts; return how many. The last error stays on the message until the next attempt."""
    values = {
        "status": Message.Status.PENDING, "attempts": 0, "next_attempt_at": clock.now(),
        "leased_until": None, "lease_owner": "",
    }
    return _change_dead(message_ids, user, values, REPLAY_REASON, channel)


def replay_dead(subscriber_name: str, user: Any, *, channel: str = "web") -> int:
    """``replay`` every dead letter of the subscriber."""
    _check(user)
    dead = handled_by(user).filter(subscriber=subscriber_name, status=Message.Status.DEAD)
    return replay(dead.values_list("pk", flat=True), user, channel=channel)


def skip(message_ids: Iterable[int], user: Any, *, channel: str = "web") -> int:
    """Give up on the dead letters among ``message_ids`` for good, so that the later
    messages of their streams are delivered; return how many."""
    return _change_dead(
        message_ids, user, {"status": Message.Status.SKIPPED}, SKIP_REASON, channel
    )
