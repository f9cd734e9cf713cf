"""Readmission request actions: each validates, changes the request, and is one event on the
request's return case (``cases.actions._core.perform``), in one transaction.

Due dates follow the rules of the instrument version fixed when the request is submitted,
counted in the calendar of the requested state (its weekends and public holidays) for
working-day limits (``retour.reference.periods.count_period``). Each is a timer on the case
(``retour.cases.timers``, subject ``readmission_request``, the request's key), opened and
closed by the steps; the daily tick hands the timers that have passed to the handlers at the
end of this module (tacit acceptance, chasing, an unused travel document expiring).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from retour import bulk, clock
from retour.cases import timers
from retour.cases.actions._core import (
    close_tasks,
    load_case,
    not_before,
    not_in_future,
    open_task,
    perform,
)
from retour.cases.actions._core import require_text as required
from retour.cases.models import ReturnCase, Task, Timer
from retour.errors import InvalidInput, NotVisible, TransitionRefused, one_of
from retour.identification import dossier
from retour.readmission import inputs
from retour.readmission.inputs import TRAVEL_DOCUMENT_KINDS
from retour.readmission.instruments import instrument_for
from retour.readmission.models import (
    SUBJECT,
    Obstacle,
    ReadmissionRequest,
    ReadmissionTask,
    ReadmissionTimer,
)
from retour.readmission.obstacles import raise_obstacle
from retour.readmission.procedure import BY_ACTION, OPEN_STATUSES
from retour.readmission.rules import Rules, counting_unit
from retour.reference.calendars import country_calendar
from retour.reference.models import Country
from retour.reference.periods import PeriodEnd, count_period
from retour.seam.actions import implements

S = ReadmissionRequest.Status
T = ReadmissionTimer
REPLY_OUTCOMES = {
    "accepted": S.ACCEPTED, "rejected": S.REJECTED, "needs_interview": S.NEEDS_INTERVIEW,
}
Change = Callable[[ReturnCase, ReadmissionRequest], "dict[str, Any]"]


def _period_end(request: ReadmissionRequest, rule_name: str, start: date) -> PeriodEnd | None:
    """The end of the period ``rule_name`` of the request's instrument from ``start``, in
    the requested state's calendar; None when the instrument sets no such period."""
    rules = Rules.of(request.instrument)
    rule = rules.get(rule_name)
    if rule is None:
        return None
    return count_period(start, rule.value, counting_unit(rule),
                        calendar=country_calendar(request.third_country_id), start=rules.start)


def _due(request: ReadmissionRequest, rule_name: str, start: date) -> date | None:
    end = _period_end(request, rule_name, start)
    return end.due if end else None


def _start(
    case: ReturnCase, request: ReadmissionRequest, kind: str, rule_name: str, start: date,
) -> date | None:
    """Open the request's timer of ``kind`` from ``start`` by the instrument's rule
    ``rule_name`` (with its source); its due date, or None when the instrument sets no such
    period (then no timer runs)."""
    due = _due(request, rule_name, start)
    if due is not None:
        rule = Rules.of(request.instrument).get(rule_name)
        assert rule is not None
        timers.start(case, kind, start, due, subject=SUBJECT, key=request.pk, rule=rule_name,
                     source=rule.source)
    return due


def _close(
    case: ReturnCase, request: ReadmissionRequest, status: str, on: date, *kinds: str,
) -> None:
    """Close the request's open timers of ``kinds`` (all of them when none)."""
    timers.close(case, status, on, *kinds, subject=SUBJECT, key=request.pk)


def _running(case: ReturnCase, request: ReadmissionRequest, *kinds: str) -> list[Timer]:
    return timers.running(case, *kinds, subject=SUBJECT, key=request.pk)


def _values(request: ReadmissionRequest, **extra: Any) -> dict[str, Any]:
    return {"readmission_request": {
        "id": request.pk, "reference": request.reference, "country": request.third_country_id,
        "status": request.status,
        **{k: v.isoformat() if isinstance(v, date) else v for k, v in extra.items()},
    }}


def _visible_request(user: Any, request_id: Any) -> ReadmissionRequest:
    """The request, locked, if ``user`` may see its case (None: the system). The case is
    loaded as actions load it; in a bulk session the request is read once and kept, like the
    case's other rows."""
    request = bulk.remembered(("readmission.request", str(request_id)),
                              lambda: _read_request(request_id))
    try:
        load_case(user, request.case_id)
    except NotVisible:
        raise NotVisible("readmission request not found") from None
    return request


def _read_request(request_id: Any) -> ReadmissionRequest:
    requests = ReadmissionRequest.objects.select_for_update(of=("self",))
    try:
        return requests.select_related("instrument").get(pk=request_id)
    except (ReadmissionRequest.DoesNotExist, ValidationError, ValueError, TypeError):
        raise NotVisible("readmission request not found") from None


# Every column but the key: a step may change any of them.
_SAVED = tuple(f.name for f in ReadmissionRequest._meta.concrete_fields if not f.primary_key)


@bulk.atomic_action()
def _take_step(
    user: Any, request_id: Any, action: str, change: Change, *, reason: str = "",
    channel: str = "", expected_version: int | None = None,
) -> ReadmissionRequest:
    step = BY_ACTION[action]
    request = _visible_request(user, request_id)

    def on_case(case: ReturnCase) -> dict[str, Any]:
        if request.status not in step.sources:
            raise TransitionRefused(
                _("'%(action)s' is not possible while the request is '%(status)s'")
                % {"action": _(step.case_step.label), "status": S(request.status).label}
            )
        values = change(case, request)
        if step.target is not None:
            request.status = step.target
        bulk.save(request, *_SAVED)
        return _values(request, **values)

    perform(user, request.case_id, action, on_case, step=step.case_step, reason=reason,
            channel=channel, expected_version=expected_version)
    return request


@implements(input=inputs.DraftReadmissionRequest)
@bulk.atomic_action()
def draft_readmission_request(
    user: Any, case_id: Any, *, third_country: str, procedure: str = "normal",
    apprehended_on: date | None = None, reason: str = "", channel: str = "",
    expected_version: int | None = None,
) -> ReadmissionRequest:
    """Draft a request to ``third_country`` to readmit the person of the case. The instrument
    that governs it is shown now and fixed when the request is submitted."""
    made: list[ReadmissionRequest] = []

    def change(case: ReturnCase) -> dict[str, Any]:
        country = Country.objects.by_code([third_country]).get(third_country.upper())
        if country is None or country.is_member_state:
            raise InvalidInput.field("third_country", _("not a third country's code"))
        if procedure not in ReadmissionRequest.Procedure.values:
            raise InvalidInput.field("procedure", one_of(ReadmissionRequest.Procedure.values))
        accelerated = procedure == ReadmissionRequest.Procedure.ACCELERATED
        if accelerated and apprehended_on is None:
            raise InvalidInput.field(
                "apprehended_on", _("the accelerated procedure needs the date of apprehension")
            )
        if apprehended_on is not None:
            not_in_future(apprehended_on, "apprehended_on")
        requests = bulk.select(case, "readmission_requests")
        still_open = [r for r in requests
                      if r.third_country_id == country.code and r.status in OPEN_STATUSES]
        if still_open:
            raise InvalidInput.field(
                "third_country",
                _("request %(reference)s to this country is still open")
                % {"reference": still_open[0].reference},
            )
        instrument = instrument_for(country.code, case.member_state_id, clock.today())
        if accelerated and not Rules.of(instrument).get("accelerated_reply_limit"):
            raise InvalidInput.field(
                "procedure", _("no accelerated procedure is recorded for %(country)s")
                % {"country": str(country)}
            )
        request = bulk.add(case, "readmission_requests", ReadmissionRequest(
            case=case, third_country=country, instrument=instrument,
            reference=f"{case.number}-R{len(requests) + 1}",
            procedure=procedure, apprehended_on=apprehended_on, created_at=clock.now(),
        ))
        bulk.remembered(("readmission.request", str(request.pk)), lambda: request)
        made.append(request)
        return _values(request, procedure=procedure,
                       instrument=instrument.code if instrument else None)

    perform(user, case_id, "draft_readmission_request", change,
            step=BY_ACTION["draft_readmission_request"].case_step, reason=reason,
            channel=channel, expected_version=expected_version)
    return made[0]


@implements(input=inputs.SubmitReadmissionRequest)
def submit_readmission_request(
    user: Any, request_id: Any, *, submitted_on: date, channel_used: str = "",
    reason: str = "", channel: str = "",
) -> ReadmissionRequest:
    """Submit the request with the evidence the identification dossier holds for the
    country; the reply is due by the instrument's limit (normal or accelerated procedure)."""

    def change(case: ReturnCase, request: ReadmissionRequest) -> dict[str, Any]:
        not_in_future(submitted_on, "submitted_on")
        instrument = instrument_for(request.third_country_id, case.member_state_id,
                                    submitted_on)
        request.instrument = instrument
        rules = Rules.of(instrument)
        # Where the instrument names no channel, the diplomatic mission is the usual one.
        usual = rules.get("channel")
        used = channel_used or (
            usual.value if usual else ReadmissionRequest.Channel.DIPLOMATIC_MISSION
        )
        if used not in ReadmissionRequest.Channel.values:
            raise InvalidInput.field("channel_used",
                                     one_of(ReadmissionRequest.Channel.values))
        accelerated = request.procedure == ReadmissionRequest.Procedure.ACCELERATED
        limit = rules.get("accelerated_application_limit")
        if accelerated and limit is not None:
            assert request.apprehended_on is not None
            latest = _due(request, "accelerated_application_limit", request.apprehended_on)
            if latest is not None and submitted_on > latest:
                raise InvalidInput.field(
                    "submitted_on",
                    _("the accelerated procedure needs the application by %(date)s "
                      "(%(source)s); submit it under the normal procedure")
                    % {"date": latest.isoformat(), "source": limit.source},
                )
        found = dossier.evaluate(case.person, request.third_country_id, submitted_on)
        if not found.items:
            raise InvalidInput.field(
                "submitted_on",
                _("the identification dossier holds no evidence for %(country)s: record a "
                  "document or other evidence first") % {"country": request.third_country_id},
            )
        request.evidence = [
            {"source": i.source, "id": i.id, "kind": i.kind, "counts_as": i.counts_as}
            for i in found.items
        ]
        request.submitted_on = submitted_on
        request.channel = used
        reply_due_on = _start(
            case, request, T.REPLY, "accelerated_reply_limit" if accelerated else "reply_limit",
            submitted_on,
        )
        return {"submitted_on": submitted_on, "reply_due_on": reply_due_on,
                "instrument": instrument.code if instrument else None,
                "instrument_version": instrument.version if instrument else None,
                "dossier": found.status, "evidence": len(request.evidence)}

    return _take_step(user, request_id, "submit_readmission_request", change, reason=reason,
                      channel=channel)


@implements(input=inputs.AcknowledgeReadmissionRequest)
def acknowledge_readmission_request(
    user: Any, request_id: Any, *, acknowledged_on: date, their_reference: str = "",
    reason: str = "", channel: str = "",
) -> ReadmissionRequest:
    """The requested state confirms receipt (and may give its own reference)."""

    def change(case: ReturnCase, request: ReadmissionRequest) -> dict[str, Any]:
        not_before(acknowledged_on, request.submitted_on, "acknowledged_on")
        request.acknowledged_on = acknowledged_on
        request.their_reference = their_reference.strip() or request.their_reference
        return {"acknowledged_on": acknowledged_on, "their_reference": request.their_reference}

    return _take_step(user, request_id, "acknowledge_readmission_request", change,
                      reason=reason, channel=channel)



@implements(input=inputs.RecordReadmissionReply)
def record_readmission_reply(
    user: Any, request_id: Any, *, outcome: str, replied_on: date, reasons: str = "",
    their_reference: str = "", reason: str = "", channel: str = "",
) -> ReadmissionRequest:
    """The requested state's reply: acceptance (the transfer window starts), rejection with
    its reasons (reasons must be given in writing, e.g. EU–Georgia agreement), or a request
    to interview the person first."""

    def change(case: ReturnCase, request: ReadmissionRequest) -> dict[str, Any]:
        if outcome not in REPLY_OUTCOMES:
            raise InvalidInput.field("outcome", one_of(list(REPLY_OUTCOMES)))
        not_before(replied_on, request.submitted_on, "replied_on")
        if outcome == "rejected":
            request.rejection_reasons = required(
                reasons, "reasons", _("a rejection must state its reasons")
            )
        request.status = REPLY_OUTCOMES[outcome]
        request.their_reference = their_reference.strip() or request.their_reference
        transfer_due_on = None
        if outcome != "needs_interview":
            request.replied_on = replied_on
            _close(case, request, Timer.Status.MET, replied_on, T.REPLY)
            close_tasks(case, ReadmissionTask.CHASE_READMISSION_REPLY)
        if outcome == "accepted":
            transfer_due_on = _start(case, request, T.TRANSFER, "transfer_window", replied_on)
        if outcome == "rejected":
            request.closed_on = replied_on
        return {"outcome": outcome, "replied_on": replied_on,
                "transfer_due_on": transfer_due_on}

    return _take_step(user, request_id, "record_readmission_reply", change, reason=reason,
                      channel=channel)


@implements()
def record_tacit_acceptance(request_id: Any) -> ReadmissionRequest:
    """No reply within the limit counts as acceptance where the instrument says so (e.g.
    EU–Pakistan agreement); the system records it the day after the limit."""

    def change(case: ReturnCase, request: ReadmissionRequest) -> dict[str, Any]:
        if not Rules.of(request.instrument).flag("tacit_acceptance"):
            raise TransitionRefused(_("the instrument provides no tacit acceptance"))
        limit = next(iter(_running(case, request, T.REPLY)), None)
        if limit is None or limit.due_on >= clock.today():
            raise TransitionRefused(_("the reply limit has not passed"))
        due = limit.due_on
        request.replied_on = due
        _close(case, request, Timer.Status.LAPSED, clock.today(), T.REPLY)
        transfer_due_on = _start(case, request, T.TRANSFER, "transfer_window", due)
        close_tasks(case, ReadmissionTask.CHASE_READMISSION_REPLY)
        return {"replied_on": due, "transfer_due_on": transfer_due_on}

    return _take_step(None, request_id, "record_tacit_acceptance", change)


@implements(input=inputs.RequestTravelDocument)
def request_travel_document(
    user: Any, request_id: Any, *, requested_on: date, reason: str = "", channel: str = "",
) -> ReadmissionRequest:
    """Ask the accepting state for the travel document; it is due by the instrument's
    issuance limit."""

    def change(case: ReturnCase, request: ReadmissionRequest) -> dict[str, Any]:
        not_before(requested_on, request.replied_on, "requested_on")
        request.travel_document_requested_on = requested_on
        due_on = _start(case, request, T.TRAVEL_DOCUMENT, "travel_document_issuance",
                        requested_on)
        return {"requested_on": requested_on, "due_on": due_on}

    return _take_step(user, request_id, "request_travel_document", change, reason=reason,
                      channel=channel)


def travel_document_warnings(request: ReadmissionRequest, case: ReturnCase) -> list[str]:
    """What is wrong with the travel document's validity: it ends before the planned
    transfer, or it is shorter than the instrument's minimum (e.g. six months, EU–Pakistan)."""
    valid_until, issued_on = request.travel_document_valid_until, request.travel_document_issued_on
    if valid_until is None or issued_on is None:
        return []
    warnings = []
    planned = case.removal_planned_on or request.due_on(T.TRANSFER, case)
    if planned is not None and valid_until < planned:
        warnings.append(
            _("the travel document is valid until %(until)s, before the planned transfer on "
              "%(planned)s") % {"until": valid_until.isoformat(), "planned": planned.isoformat()}
        )
    minimum = _period_end(request, "travel_document_min_validity", issued_on)
    if minimum is not None and valid_until < minimum.due:
        warnings.append(
            _("the travel document is valid for less than the instrument's minimum (until "
              "%(minimum)s)") % {"minimum": minimum.due.isoformat()}
        )
    return warnings


@implements(input=inputs.RecordTravelDocument)
def record_travel_document(
    user: Any, request_id: Any, *, kind: str, number: str, issued_on: date, valid_until: date,
    reason: str = "", channel: str = "",
) -> ReadmissionRequest:
    """The travel document issued for the return (a passport, a laissez-passer, or the EU
    travel document for return, Reg. (EU) 2016/1953); validity problems are warned of."""

    def change(case: ReturnCase, request: ReadmissionRequest) -> dict[str, Any]:
        if kind not in TRAVEL_DOCUMENT_KINDS:
            raise InvalidInput.field("kind", one_of(list(TRAVEL_DOCUMENT_KINDS)))
        number_given = required(number, "number", _("the document number is required"))
        not_before(issued_on, request.replied_on, "issued_on")
        if valid_until <= issued_on:
            raise InvalidInput.field("valid_until", _("must be after the date of issue"))
        request.travel_document_kind = kind
        request.travel_document_number = number_given
        request.travel_document_issued_on = issued_on
        request.travel_document_valid_until = valid_until
        _close(case, request, Timer.Status.MET, issued_on, T.TRAVEL_DOCUMENT)
        timers.start(case, T.TRAVEL_DOCUMENT_VALIDITY, issued_on, valid_until, subject=SUBJECT,
                     key=request.pk)
        close_tasks(case, ReadmissionTask.CHASE_TRAVEL_DOCUMENT)
        return {"kind": kind, "number": number_given, "issued_on": issued_on,
                "valid_until": valid_until,
                "warnings": travel_document_warnings(request, case)}

    return _take_step(user, request_id, "record_travel_document", change, reason=reason,
                      channel=channel)


@implements(input=inputs.RecordTravelDocumentUse)
def record_travel_document_use(
    user: Any, request_id: Any, *, used_on: date, reason: str = "", channel: str = "",
) -> ReadmissionRequest:
    """The person left with the travel document."""

    def change(case: ReturnCase, request: ReadmissionRequest) -> dict[str, Any]:
        not_before(used_on, request.travel_document_issued_on, "used_on")
        assert request.travel_document_valid_until is not None
        if used_on > request.travel_document_valid_until:
            raise InvalidInput.field("used_on", _("the travel document had expired by then"))
        request.closed_on = used_on
        _close(case, request, Timer.Status.MET, used_on, T.TRANSFER, T.TRAVEL_DOCUMENT_VALIDITY)
        return {"used_on": used_on}

    return _take_step(user, request_id, "record_travel_document_use", change, reason=reason,
                      channel=channel)


@implements()
def expire_travel_document(request_id: Any) -> ReadmissionRequest:
    """The system records an unused travel document whose validity has ended."""

    def change(case: ReturnCase, request: ReadmissionRequest) -> dict[str, Any]:
        validity = next(iter(_running(case, request, T.TRAVEL_DOCUMENT_VALIDITY)), None)
        if validity is None or validity.due_on >= clock.today():
            raise TransitionRefused(_("the travel document is still valid"))
        valid_until = validity.due_on
        request.closed_on = valid_until
        today = clock.today()
        _close(case, request, Timer.Status.LAPSED, today, T.TRAVEL_DOCUMENT_VALIDITY)
        # The request ends: no transfer follows from it.
        _close(case, request, Timer.Status.CANCELLED, today, T.TRANSFER)
        return {"expired_on": valid_until}

    return _take_step(None, request_id, "expire_travel_document", change)


@implements()
def chase_readmission_request(request_id: Any) -> ReadmissionRequest:
    """The system opens a task to chase an overdue reply or travel document (M12: deadlines
    the requested state does not meet are followed up, then escalated)."""

    def change(case: ReturnCase, request: ReadmissionRequest) -> dict[str, Any]:
        overdue = _overdue(case, request)
        if overdue is None:
            raise TransitionRefused(_("nothing is overdue"))
        kind, due = overdue
        if bulk.select(case, "tasks", kind=kind, status=Task.Status.OPEN):
            raise TransitionRefused(_("a task to chase it is already open"))
        open_task(case, kind, clock.today())
        return {"overdue": kind, "due_on": due}

    return _take_step(None, request_id, "chase_readmission_request", change)


# The task that chases what the requested state owes, by the timer of what it owes.
CHASE: dict[str, str] = {
    T.REPLY: ReadmissionTask.CHASE_READMISSION_REPLY,
    T.TRAVEL_DOCUMENT: ReadmissionTask.CHASE_TRAVEL_DOCUMENT,
}


def _overdue(case: ReturnCase, request: ReadmissionRequest) -> tuple[str, date] | None:
    """What the requested state owes past its due date (``retour.cases.timers.is_overdue``):
    the task that chases it and the due date; None when nothing is overdue."""
    owed = timers.codes(subject=SUBJECT, acts=[timers.Acts.REQUESTED_STATE])
    for timer in _running(case, request, *owed):
        if timers.is_overdue(timer):
            return CHASE[timer.kind], timer.due_on
    return None


@implements(input=inputs.EscalateReadmissionRequest)
def escalate_readmission_request(
    user: Any, request_id: Any, *, description: str, reason: str = "", channel: str = "",
) -> ReadmissionRequest:
    """Raise an obstacle for an overdue request, for the national and EU coordination
    (BRIEF M5, M12): the register itself comes with the coordination work."""

    def change(case: ReturnCase, request: ReadmissionRequest) -> dict[str, Any]:
        text = required(description, "description", _("describe the obstacle"))
        overdue = _overdue(case, request)
        if overdue is None:
            raise TransitionRefused(_("the request is not overdue"))
        kind_of_task, due = overdue
        kind = (Obstacle.Kind.REPLY_OVERDUE
                if kind_of_task == ReadmissionTask.CHASE_READMISSION_REPLY
                else Obstacle.Kind.TRAVEL_DOCUMENT_OVERDUE)
        obstacle = raise_obstacle(user, case, request, kind=kind, description=text, due_on=due,
                                  reason=reason)
        return {"obstacle": obstacle.pk, "kind": kind, "due_on": due}

    return _take_step(user, request_id, "escalate_readmission_request", change,
                      reason=reason, channel=channel)


@implements(input=inputs.WithdrawReadmissionRequest)
def withdraw_readmission_request(
    user: Any, request_id: Any, *, reason: str, channel: str = "",
) -> ReadmissionRequest:
    """Withdraw the request (the person left, the decision was annulled, wrong country)."""

    def change(case: ReturnCase, request: ReadmissionRequest) -> dict[str, Any]:
        required(reason, "reason", _("the reason for withdrawing is required"))
        request.closed_on = clock.today()
        _close(case, request, Timer.Status.CANCELLED, request.closed_on)
        close_tasks(case, *ReadmissionTask.values, status=Task.Status.CANCELLED)
        return {}

    return _take_step(user, request_id, "withdraw_readmission_request", change, reason=reason,
                      channel=channel)


# --- what the daily tick does when a request's timer has passed (``retour.cases.timers``,
# registered in ``retour.readmission.timers``) ----------------------------------------------

HEADING = "readmission requests"
TACITLY_ACCEPTED, CHASED, EXPIRED = "tacitly accepted", "chased", "expired"


def _request_of(timer: Timer) -> ReadmissionRequest:
    return ReadmissionRequest.objects.select_related("instrument").get(pk=int(timer.subject_key))


def _chase(request: ReadmissionRequest, task: str) -> str | None:
    if Task.objects.filter(case_id=request.case_id, kind=task, status=Task.Status.OPEN).exists():
        return None  # chased already
    chase_readmission_request(request.pk)
    return CHASED


def reply_not_given(timer: Timer) -> str | None:
    """No reply by the limit: tacit acceptance where the instrument says so (not after a
    request to interview the person first), else a task to chase the reply."""
    request = _request_of(timer)
    tacit = Rules.of(request.instrument).flag("tacit_acceptance")
    if tacit and request.status in BY_ACTION["record_tacit_acceptance"].sources:
        record_tacit_acceptance(request.pk)
        return TACITLY_ACCEPTED
    return _chase(request, ReadmissionTask.CHASE_READMISSION_REPLY)


def travel_document_not_issued(timer: Timer) -> str | None:
    """No travel document by its limit: a task to chase it."""
    return _chase(_request_of(timer), ReadmissionTask.CHASE_TRAVEL_DOCUMENT)


def travel_document_validity_ended(timer: Timer) -> str | None:
    """A travel document's validity ended before it was used: the request expires."""
    request = _request_of(timer)
    if request.status != S.TRAVEL_DOCUMENT_ISSUED:
        return None
    expire_travel_document(request.pk)
    return EXPIRED


def apply_passing_time() -> dict[str, int]:
    """What the passing of time decides today for readmission requests alone: tacit
    acceptances, overdue requests to chase, travel documents expired unused (the daily
    ``retour tick`` does it with every other timer)."""
    return timers.tick(only=timers.codes(subject=SUBJECT)).under(HEADING)
