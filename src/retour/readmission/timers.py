"""A readmission request's due dates as kinds of timer on its case (``retour.cases.timers``;
the seam imports this module): the requested state's reply and travel document, the transfer
within the instrument's window and the travel document's validity; what the daily tick does
when each passes; and how the pages and the API read them (what a request waits for next,
whether it waits past its due date).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Value, When

from retour.cases import timers
from retour.cases.models import Timer
from retour.cases.timers import Acts
from retour.readmission import actions
from retour.readmission.models import SUBJECT, ReadmissionRequest, ReadmissionTimer
from retour.readmission.procedure import AWAITED

T = ReadmissionTimer
_HEADING = actions.HEADING

timers.register(T.REPLY, subject=SUBJECT, acts=Acts.REQUESTED_STATE, overdue=True,
                passing=actions.reply_not_given, heading=_HEADING,
                outcomes=(actions.TACITLY_ACCEPTED, actions.CHASED))
timers.register(T.TRAVEL_DOCUMENT, subject=SUBJECT, acts=Acts.REQUESTED_STATE, overdue=True,
                passing=actions.travel_document_not_issued, heading=_HEADING,
                outcomes=(actions.CHASED,))
# The transfer is the authority's to make within the window; nothing happens by itself when
# the window passes.
timers.register(T.TRANSFER, subject=SUBJECT, acts=Acts.RESPONSIBLE_AUTHORITY, overdue=True)
# A document's validity is no work of anyone's: when it ends unused, the request expires.
timers.register(T.TRAVEL_DOCUMENT_VALIDITY, subject=SUBJECT, acts=Acts.RESPONSIBLE_AUTHORITY,
                overdue=False, passing=actions.travel_document_validity_ended,
                heading=_HEADING, outcomes=(actions.EXPIRED,))

# What the requested state owes: a request waits past its due date when one of these is.
OWED = (T.REPLY, T.TRAVEL_DOCUMENT)


def of_requests(requests: Iterable[ReadmissionRequest]) -> dict[Any, dict[str, Timer]]:
    """Each request's timers by kind (the latest of a kind), in one query."""
    keys = {str(r.pk): r.pk for r in requests}
    found: dict[Any, dict[str, Timer]] = {pk: {} for pk in keys.values()}
    rows = Timer.objects.filter(subject=SUBJECT, subject_key__in=list(keys)).order_by("pk")
    for timer in rows:
        found[keys[timer.subject_key]][timer.kind] = timer
    return found


def awaited(request: ReadmissionRequest, kept: dict[str, Timer]) -> Timer | None:
    """The request's timer that comes next in its status, if it is running (``kept``: its
    timers by kind, from ``of_requests``)."""
    kind = AWAITED.get(request.status)
    timer = kept.get(kind) if kind else None
    return timer if timer is not None and timer.status == Timer.Status.OPEN else None


def waits_past_due(kept: dict[str, Timer], today: date | None = None) -> bool:
    """Whether something the requested state owes is overdue (``overdue``, in memory)."""
    return any(timers.is_overdue(kept[kind], today) for kind in OWED if kind in kept)


def overdue(today: date | None = None) -> Q:
    """Requests waiting past their due date: a reply, or a travel document asked for."""
    late = timers.overdue(today, subject=SUBJECT, acts=[Acts.REQUESTED_STATE])
    return Q(Exists(late.filter(timers.of_outer(SUBJECT))))


def with_next_due(requests: QuerySet[ReadmissionRequest]) -> QuerySet[ReadmissionRequest]:
    """``requests`` with ``next_due``: the due date of the timer that comes next in each one's
    status (``AWAITED``), while it runs."""
    kind = Case(*(When(status=status, then=Value(str(k))) for status, k in AWAITED.items()),
                default=Value(None), output_field=CharField())
    return requests.annotate(awaited_timer=kind).annotate(next_due=timers.next_due_on(
        Timer.objects.filter(timers.of_outer(SUBJECT), kind=OuterRef("awaited_timer"))
    ))
