"""What the case page shows: the person and their identity documents, the stage and what may
happen next, decisions, deadlines, open tasks, a pending hand-over, acts of non-cooperation and
the history.

What may happen next is the procedure table's answer (``allowed_actions``) for this user's
roles; a hand-over is answered only by the authority it was sent to, and sent only by the
authority that has the case (M9), so those two come from the pending hand-over itself. A step
a guard on who the person is refuses (``guards.ABOUT_THE_PERSON``: the safeguards for minors)
is not "not possible yet" but does not apply to this person as recorded, and is set apart.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from retour import bulk, clock, display
from retour.cases import guards, timers
from retour.cases.events import decision_details
from retour.cases.models import (
    CaseEvent,
    Decision,
    Handover,
    Origin,
    Outcome,
    ReturnCase,
    Task,
    Timer,
)
from retour.cases.procedure import (
    Transition,
    allowed_actions,
    refusal,
    transition,
    transitions,
)
from retour.cases.reach import acting_refusal
from retour.cases.stages import Stage
from retour.cases.tasks import label as task_label
from retour.identification.models import IdentityDocument
from retour.people.health import HEALTH_KINDS, may_see_health
from retour.seam import actions as seam_actions
from retour.seam import events as seam_events
from retour.seam.panels import case_panels
from retour.web.cases.timeline import shown_events
from retour.web.persons import ShownPerson

_ANSWERS = frozenset({"accept_handover", "return_handover"})
# Actions on an earlier decision, offered only while there is one to act on.
_ACTS_ON: dict[str, tuple[str, str]] = {
    "decide_appeal": (Decision.Kind.APPEAL, Decision.Status.PENDING),
    "end_postponement": (Decision.Kind.POSTPONEMENT, Decision.Status.IN_FORCE),
}
# The zone's status in a column headed "Machine-readable zone" (``IdentityDocument.ZoneStatus``
# says it in full, for the history).
_ZONE_STATUSES_SHORT = {
    "none": pgettext_lazy("machine-readable zone", "not read"),
    "verified": pgettext_lazy("machine-readable zone", "verified"),
    "unverified": pgettext_lazy("machine-readable zone", "unverified"),
}


@dataclass(frozen=True)
class Due:
    """How a date that is due reads today, and how urgent it looks."""

    text: str
    tone: str  # danger, warning or neutral (the status badge's colour)


def due(due_on: date, today: date, *, period_of_the_person: bool = False) -> Due:
    """How ``due_on`` reads ``today``; a period that runs for the person (to appeal, the
    entry ban: its timer's passing makes no work overdue) ends rather than falls overdue."""
    days = timers.days_left(due_on, today)
    if days > 0:
        text = ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}
        return Due(text, "warning" if days <= 7 else "neutral")
    if days == 0:
        return Due(_("due today"), "warning")
    if period_of_the_person:
        return Due(
            ngettext("ended %(days)d day ago", "ended %(days)d days ago", -days) % {"days": -days},
            "neutral",
        )
    return Due(
        ngettext("%(days)d day overdue", "%(days)d days overdue", -days) % {"days": -days},
        "danger",
    )


@dataclass(frozen=True)
class DeadlineRow:
    kind: str
    due_on: date
    status: str
    due: Due | None  # only while open


@dataclass(frozen=True)
class TaskRow:
    kind: str
    authority: str
    due_on: date
    due: Due


@dataclass(frozen=True)
class DecisionRow:
    kind: str
    decided_on: date
    authority: str
    legal_basis: str
    status: str
    details: list[str]
    reason: str


@dataclass(frozen=True)
class DocumentRow:
    id: uuid.UUID
    kind: str
    number: str
    issuing_country: str
    expires_on: date | None
    expired: bool
    form: str
    kept_at: str
    zone_status: str  # the code: the page marks an unverified zone
    zone: str


@dataclass(frozen=True)
class Step:
    label: str
    url: str


@dataclass(frozen=True)
class Blocked:
    label: str
    reason: str


def action_url(case: ReturnCase, action: str) -> str:
    return reverse("case-action", args=[case.pk, seam_actions.get(action).slug])


def pending_handover(case: ReturnCase) -> Handover | None:
    return (
        case.handovers.filter(status=Handover.Status.PENDING)
        .select_related("from_authority", "to_authority", "sent_by")
        .first()
    )


def _handover_refusal(
    user: Any, case: ReturnCase, action: str, pending: Handover | None
) -> str | None:
    if action == "send_handover":
        if user.authority_id != case.responsible_authority_id:
            return _("Only the responsible authority can hand the case over.")
        if pending is not None:
            return _("A hand-over to %(authority)s is already waiting for acceptance.") % {
                "authority": pending.to_authority.name
            }
    if action in _ANSWERS:
        if pending is None:
            return _("No hand-over is waiting for acceptance.")
        if user.authority_id != pending.to_authority_id:
            return _("Only %(authority)s can answer this hand-over.") % {
                "authority": pending.to_authority.name
            }
    return None


def permission_refusal(user: Any, case: ReturnCase, transition: Transition) -> str | None:
    """Why ``user`` may never take ``transition`` on ``case`` (their role, or whose case it
    is), whatever they enter, or None."""
    if transition.capability is None or not user.can(transition.capability):
        return _("Your role does not allow this action.")
    if not_yours := acting_refusal(user, case, transition.action):
        return f"{capfirst(not_yours)}."
    return None


def refusal_for(
    user: Any, case: ReturnCase, transition: Transition, pending: Handover | None
) -> str | None:
    """Why ``user`` cannot take ``transition`` on ``case`` now, or None."""
    if not_theirs := permission_refusal(user, case, transition):
        return not_theirs
    if case.stage not in transition.sources:
        return _("“%(action)s” is not possible in the stage “%(stage)s”.") % {
            "action": seam_actions.get(transition.action).words,
            "stage": display.label(Stage, case.stage),
        }
    # Past the stage, what refuses is a legal guard; it states its own reason and source.
    return refusal(transition, case) or _handover_refusal(user, case, transition.action, pending)


def _has_decision_to_act_on(case: ReturnCase, action: str) -> bool:
    if action not in _ACTS_ON:
        return True
    kind, status = _ACTS_ON[action]
    return bool(bulk.select(case, "decisions", kind=kind, status=status))


def _not_for_this_person(transition: Transition, case: ReturnCase) -> str | None:
    """Why ``transition`` does not apply to the person as recorded, or None."""
    for guard in transition.guards:
        if guard in guards.ABOUT_THE_PERSON and (reason := guard(case)):
            return reason
    return None


@dataclass(frozen=True)
class NextSteps:
    steps: list[Step]  # what the user may do now
    not_yet: list[Blocked]  # what the stage allows but a legal condition holds back
    not_for_this_person: list[Blocked]  # what concerns only someone else (a minor)


def next_steps(user: Any, case: ReturnCase, pending: Handover | None) -> NextSteps:
    """The actions this user may take now (hand-over answers are offered with the hand-over
    itself), those the stage would allow but a legal condition holds back, and those that do
    not apply to this person. A user who may not act on the case at all (another authority's,
    or a hand-over to theirs not yet accepted) is offered none."""
    if acting_refusal(user, case, ""):
        return NextSteps([], [], [])
    steps = [
        Step(seam_actions.get(t.action).words, action_url(case, t.action))
        for t in allowed_actions(case, user.capabilities)
        if t.action not in _ANSWERS
        and _handover_refusal(user, case, t.action, pending) is None
        and _has_decision_to_act_on(case, t.action)
    ]
    not_yet: list[Blocked] = []
    not_for_this_person: list[Blocked] = []
    for t in transitions():
        if t.capability is None or not user.can(t.capability) or case.stage not in t.sources:
            continue
        if any(guards.has_nothing_to_act_on(g, case) for g in t.guards):
            continue
        label = seam_actions.get(t.action).words
        if reason := _not_for_this_person(t, case):
            not_for_this_person.append(Blocked(label, reason))
        elif reason := refusal(t, case):
            not_yet.append(Blocked(label, reason))
    return NextSteps(steps, not_yet, not_for_this_person)


def timer_due(timer: Timer, today: date) -> Due:
    """How an open timer reads today, as its kind says."""
    return due(timer.due_on, today,
               period_of_the_person=not timers.makes_work_overdue(timer.kind))


def _deadlines(user: Any, case: ReturnCase, today: date) -> list[DeadlineRow]:
    """The case's own timers (its deadlines), the open ones first."""
    rows = Timer.objects.visible_to(user).filter(case=case, subject=timers.CASE)
    ordered = sorted(rows, key=lambda d: (d.status != Timer.Status.OPEN, d.due_on, d.pk))
    return [
        DeadlineRow(
            kind=timers.label(d.kind),
            due_on=d.due_on,
            status=display.label(Timer.Status, d.status),
            due=timer_due(d, today) if d.status == Timer.Status.OPEN else None,
        )
        for d in ordered
    ]


def _tasks(user: Any, case: ReturnCase, today: date) -> list[TaskRow]:
    tasks = Task.objects.visible_to(user).filter(case=case, status=Task.Status.OPEN)
    return [
        TaskRow(task_label(t.kind), t.authority.name, t.due_on, due(t.due_on, today))
        for t in tasks.select_related("authority")
    ]


def _decision_values(decision: Decision) -> dict[str, Any]:
    return {
        name: getattr(decision, name)
        for name in (
            "voluntary_departure_days", "shortened_departure_reason", "extension_days",
            "ban_years", "ban_months", "suspensive", "appeal_outcome", "postponement_ground",
            "ends_on", "reference",
        )
    }


def _decisions(user: Any, case: ReturnCase) -> list[DecisionRow]:
    decisions = Decision.objects.visible_to(user).filter(case=case)
    return [
        DecisionRow(
            kind=display.label(Decision.Kind, d.kind),
            decided_on=d.decided_on,
            authority=d.issuing_authority.name,
            legal_basis=d.legal_basis,
            status=display.label(Decision.Status, d.status),
            details=decision_details(_decision_values(d)),
            reason=d.reason,
        )
        for d in decisions.select_related("issuing_authority")
    ]


def _documents(user: Any, person_id: Any, today: date) -> list[DocumentRow]:
    """The person's identity and travel documents, in the order they were recorded. A
    document past its date of expiry is marked: it may still show who the person is, but it
    is no longer one to travel on."""
    found = IdentityDocument.objects.visible_to(user).filter(person_id=person_id)
    return [
        DocumentRow(
            id=d.pk,
            kind=display.label(IdentityDocument.Kind, d.kind),
            number=d.number,
            issuing_country=display.country_name(d.issuing_country) or d.issuing_code,
            expires_on=d.expires_on,
            expired=d.expires_on is not None and d.expires_on < today,
            form=display.label(IdentityDocument.Form, d.form),
            kept_at=d.kept_at,
            zone_status=d.zone_status,
            zone=display.label(_ZONE_STATUSES_SHORT, d.zone_status),
        )
        for d in found.select_related("issuing_country")
    ]


def _panels(user: Any, case: ReturnCase, today: date) -> list[str]:
    """The sections other apps add to the case page (``retour.seam.panels``), rendered, in
    their order; a panel with nothing to show is left out."""
    shown: list[str] = []
    for panel in case_panels(user):
        rows = panel.rows(user, case, today)
        if rows:
            shown.append(render_to_string(panel.template, rows))
    return shown


def case_context(case: ReturnCase, person: ShownPerson, user: Any) -> dict[str, Any]:
    """Everything the case page shows, for ``case`` as ``user`` may see it."""
    today = clock.today()
    pending = pending_handover(case)
    # Events of a special category the user's role does not need are left out (ADR 0016).
    events = CaseEvent.objects.visible_to(user).filter(case=case).exclude(
        type__in=seam_events.withheld_from(user))
    if person.health_withheld or not may_see_health(user):
        # The history would otherwise name what the attention box withholds.
        events = events.exclude(type="vulnerability_recorded",
                                payload__vulnerability__in=sorted(HEALTH_KINDS))
    return {
        "case": case,
        "person": person,
        "stage": display.label(Stage, case.stage),
        "origin": display.label(Origin, case.origin),
        "origin_member_state": display.country_name(case.origin_member_state),
        "outcome": display.label(Outcome, case.outcome),
        "next": next_steps(user, case, pending),
        "pending": pending,
        "answers_handover": refusal_for(user, case, transition("accept_handover"), pending)
        is None,
        "deadlines": _deadlines(user, case, today),
        "tasks": _tasks(user, case, today),
        "decisions": _decisions(user, case),
        "documents": _documents(user, case.person_id, today),
        "panels": _panels(user, case, today),
        "events": shown_events(events.select_related("actor", "actor_authority")),
    }
