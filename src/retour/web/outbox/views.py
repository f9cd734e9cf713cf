"""The deliveries to other systems: for each subscriber of the outbox, how many messages wait,
since when, how many fail and how many were given up (dead letters); for one subscriber, its
dead letters and failing messages, each with the reason in words, and the buttons that
deliver dead letters again or skip them (``retour.outbox.replay``).

Who: administrators (``Capability.ADMINISTER``); everyone else is refused. The page names a
case by its identifier only and never shows a message's content, which may hold personal
data that administrators do not see (ADR 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from retour import clock
from retour.accounts.roles import Capability
from retour.outbox import queries, replay
from retour.outbox.models import Message
from retour.outbox.queries import QueueState
from retour.seam import events
from retour.web.form_support import signed_in
from retour.web.views import refused_page

CHANNEL = "web"
SHOWN = 50  # messages per list; the rest are counted


@dataclass(frozen=True)
class QueueRow:
    state: QueueState
    url: str
    waiting_for: str  # age of the oldest pending message, in words


@dataclass(frozen=True)
class MessageRow:
    id: int
    event: str
    stream: str
    sequence: int
    occurred_at: datetime
    reason: str  # in words
    error: str  # as the subscriber or the worker reported it


def _title() -> str:
    return _("Deliveries to other systems")


def _crumbs(*more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Home"), reverse("home")), *more]


def _refused(request: HttpRequest) -> HttpResponse | None:
    if signed_in(request).can(Capability.ADMINISTER):
        return None
    return refused_page(
        request, _title(), _("Your role does not allow reading the deliveries to other systems.")
    )


def _stream(stream: str) -> str:
    kind, _separator, identifier = stream.partition(":")
    return _("case %(id)s") % {"id": identifier} if kind == "case" else stream


def _event_label(name: str) -> str:
    try:
        return str(events.get(name).label)
    except KeyError:  # a type no longer declared: shown as it was stored
        return name


def _row(message: Message) -> MessageRow:
    why = Message.Failure(message.failure).label if message.failure else ""
    if message.status == Message.Status.DEAD:
        reason = ngettext(
            "Given up after %(count)d failed attempt: %(why)s.",
            "Given up after %(count)d failed attempts: %(why)s.",
            message.attempts,
        ) % {"count": message.attempts, "why": why}
    elif message.next_attempt_at > clock.now():
        reason = ngettext(
            "%(count)d failed attempt: %(why)s. Next attempt in %(when)s.",
            "%(count)d failed attempts: %(why)s. Next attempt in %(when)s.",
            message.attempts,
        ) % {"count": message.attempts, "why": why,
             "when": timeuntil(message.next_attempt_at, clock.now())}
    else:
        reason = ngettext(
            "%(count)d failed attempt: %(why)s. Tried again as soon as a worker is free.",
            "%(count)d failed attempts: %(why)s. Tried again as soon as a worker is free.",
            message.attempts,
        ) % {"count": message.attempts, "why": why}
    return MessageRow(
        id=message.pk,
        event=_event_label(message.event_type),
        stream=_stream(message.stream),
        sequence=message.sequence,
        occurred_at=message.occurred_at,
        reason=reason,
        error=message.last_error,
    )


@require_GET
@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    if (refused := _refused(request)) is not None:
        return refused
    now = clock.now()
    rows = [
        QueueRow(
            state=state,
            url=reverse("outbox-subscriber", args=[state.name]),
            waiting_for=timesince(state.oldest_pending, now) if state.oldest_pending else "",
        )
        for state in queries.queues(signed_in(request))
    ]
    context = {"rows": rows, "title": _title(), "breadcrumbs": _crumbs((_title(), None))}
    return render(request, "web/outbox/index.html", context)


def _state(name: str, user: Any) -> QueueState:
    state = queries.queue(name, user)
    if state is None:
        raise Http404
    return state


@require_GET
@login_required
def outbox_subscriber(request: HttpRequest, name: str) -> HttpResponse:
    if (refused := _refused(request)) is not None:
        return refused
    user = signed_in(request)
    state = _state(name, user)
    dead = queries.dead_letters(name, user)
    failing = queries.failing(name, user)
    context = {
        "state": state,
        "dead": [_row(m) for m in dead[:SHOWN]],
        "failing": [_row(m) for m in failing[:SHOWN]],
        "held_back": queries.held_back(name, user) if state.dead else 0,
        "shown": SHOWN,
        "breadcrumbs": _crumbs((_title(), reverse("outbox")), (name, None)),
    }
    return render(request, "web/outbox/subscriber.html", context)


class ChoiceForm(forms.Form):
    """Which dead letters a button means: one message, or all of the subscriber's."""

    message = forms.IntegerField(required=False, min_value=1)
    every = forms.BooleanField(required=False)


def _handle(request: HttpRequest, name: str, *, skipping: bool) -> HttpResponse:
    if (refused := _refused(request)) is not None:
        return refused
    user = signed_in(request)
    _state(name, user)
    form = ChoiceForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    one, every = form.cleaned_data["message"], form.cleaned_data["every"]
    if one is None and (skipping or not every):
        # Skipping gives up for good, so one message at a time.
        return HttpResponse(status=400)
    if one is None:
        count = replay.replay_dead(name, user, channel=CHANNEL)
    else:
        # Only this subscriber's message, whatever number the form sends.
        chosen = list(
            queries.dead_letters(name, user).filter(pk=one).values_list("pk", flat=True)
        )
        change = replay.skip if skipping else replay.replay
        count = change(chosen, user, channel=CHANNEL)
    if skipping:
        done = ngettext("%(count)d message is skipped: it will not be delivered.",
                        "%(count)d messages are skipped: they will not be delivered.", count)
    else:
        done = ngettext("%(count)d message will be delivered again.",
                        "%(count)d messages will be delivered again.", count)
    if count:
        messages.success(request, done % {"count": count})
    else:
        messages.success(request, _("Nothing changed: no dead letter was left to change."))
    return redirect("outbox-subscriber", name)


@require_POST
@login_required
def outbox_replay(request: HttpRequest, name: str) -> HttpResponse:
    """Deliver one dead letter again, or all of the subscriber's (``every``)."""
    return _handle(request, name, skipping=False)


@require_POST
@login_required
def outbox_skip(request: HttpRequest, name: str) -> HttpResponse:
    """Give up on one dead letter, so the later messages of its case are delivered."""
    return _handle(request, name, skipping=True)
