"""A readmission request's due dates are timers on its case: opened, moved and closed by the
request's steps; the daily tick's handlers (tacit acceptance, chasing, an unused travel
document expiring) each act once; a closed case's timers do nothing; the one overdue query
that the list, the API and the chasing read."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from retour import clock
from retour.cases import actions as case_actions
from retour.cases import timers
from retour.cases.models import Task, Timer
from retour.cases.tests import support as s
from retour.errors import TransitionRefused
from retour.readmission import actions as ra
from retour.readmission import timers as request_timers
from retour.readmission.models import (
    SUBJECT,
    ReadmissionRequest,
    ReadmissionTask,
    ReadmissionTimer,
)
from retour.readmission.rules import Rules
from retour.readmission.tests.test_requests import _submitted

pytestmark = pytest.mark.usefixtures("frozen_clock")
T = ReadmissionTimer
S = Timer.Status
R = ReadmissionRequest.Status


def _timers(request: ReadmissionRequest) -> dict[str, Timer]:
    found = Timer.objects.filter(subject=SUBJECT, subject_key=str(request.pk)).order_by("pk")
    return {t.kind: t for t in found}


def _later(days: int) -> Any:
    return clock.frozen_at(clock.now() + timedelta(days=days))


def _tick() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("tick", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_kinds_are_registered_on_the_request_with_who_acts():
    for kind in T:
        registered = timers.kind(kind)
        assert registered.subject == SUBJECT and timers.label(kind) == str(kind.label)
    owed = timers.codes(subject=SUBJECT, acts=[timers.Acts.REQUESTED_STATE])
    assert owed == [T.REPLY, T.TRAVEL_DOCUMENT]
    assert not timers.makes_work_overdue(T.TRAVEL_DOCUMENT_VALIDITY)


def test_the_due_dates_are_timers_the_steps_open_and_close(anna):
    today = clock.today()
    request = _submitted(anna, "PK")
    reply = _timers(request)[T.REPLY]
    assert (reply.case_id, reply.subject_key, reply.status, reply.starts_on, reply.due_on) == (
        request.case_id, str(request.pk), S.OPEN, today, today + timedelta(days=30))
    rule = Rules.of(request.instrument).get("reply_limit")
    assert rule is not None and (reply.rule, reply.source) == ("reply_limit", rule.source)
    assert reply.authority is None  # the requested state must act
    assert request.reply_due_on == reply.due_on
    # The case's own deadlines do not list the request's due dates.
    assert not request.case.timers.filter(subject=timers.CASE, kind__in=T.values).exists()

    request = ra.record_readmission_reply(anna, request.pk, outcome="accepted", replied_on=today)
    found = _timers(request)
    assert (found[T.REPLY].status, found[T.REPLY].closed_on) == (S.MET, today)
    transfer = found[T.TRANSFER]
    assert (transfer.status, transfer.starts_on, transfer.rule) == (
        S.OPEN, today, "transfer_window")
    assert transfer.authority == request.case.responsible_authority
    assert request.transfer_due_on == transfer.due_on

    request = ra.request_travel_document(anna, request.pk, requested_on=today)
    assert T.TRAVEL_DOCUMENT not in _timers(request)  # "without delay": no number of days
    request = ra.record_travel_document(
        anna, request.pk, kind="laissez_passer", number="ETD-9", issued_on=today,
        valid_until=today + timedelta(days=200))
    validity = _timers(request)[T.TRAVEL_DOCUMENT_VALIDITY]
    assert (validity.status, validity.due_on, validity.rule) == (
        S.OPEN, today + timedelta(days=200), "")
    request = ra.record_travel_document_use(anna, request.pk, used_on=today)
    found = _timers(request)
    assert {k: (t.status, t.closed_on) for k, t in found.items()} == {
        T.REPLY: (S.MET, today), T.TRANSFER: (S.MET, today),
        T.TRAVEL_DOCUMENT_VALIDITY: (S.MET, today),
    }


def test_a_travel_document_due_date_and_a_withdrawal(anna):
    today = clock.today()
    request = _submitted(anna, "GE")  # EU–Georgia: the document within 3 working days
    ra.record_readmission_reply(anna, request.pk, outcome="accepted", replied_on=today)
    request = ra.request_travel_document(anna, request.pk, requested_on=today)
    document = _timers(request)[T.TRAVEL_DOCUMENT]
    assert (document.status, document.rule, document.due_on) == (
        S.OPEN, "travel_document_issuance", request.travel_document_due_on)
    assert document.due_on is not None and document.due_on > today
    request = ra.record_travel_document(
        anna, request.pk, kind="passport", number="GE-1", issued_on=today,
        valid_until=today + timedelta(days=90))
    assert _timers(request)[T.TRAVEL_DOCUMENT].status == S.MET
    ra.withdraw_readmission_request(anna, request.pk, reason="the person left on their own")
    found = _timers(request)
    assert {k: t.status for k, t in found.items()} == {  # EU–Georgia sets no transfer window
        T.REPLY: S.MET, T.TRAVEL_DOCUMENT: S.MET, T.TRAVEL_DOCUMENT_VALIDITY: S.CANCELLED,
    }


def test_no_reply_in_time_is_tacit_acceptance_once(anna):
    request = _submitted(anna, "PK")
    due = request.reply_due_on
    assert due is not None
    with _later(31):
        out, _ = _tick()
        assert "readmission requests: 1 tacitly accepted, 0 chased, 0 expired" in out
        request.refresh_from_db()
        assert request.status == R.TACITLY_ACCEPTED and request.replied_on == due
        found = _timers(request)
        assert (found[T.REPLY].status, found[T.REPLY].closed_on) == (S.LAPSED, clock.today())
        assert found[T.TRANSFER].status == S.OPEN and found[T.TRANSFER].starts_on == due
        before = s.footprint(request.case_id)
        out, _ = _tick()
        assert "readmission requests: 0 tacitly accepted, 0 chased, 0 expired" in out
        assert s.footprint(request.case_id) == before


def test_an_overdue_reply_is_chased_once_and_the_reply_closes_its_timer(anna):
    request = _submitted(anna, "UA")  # no tacit acceptance recorded for Ukraine
    chase = {"kind": ReadmissionTask.CHASE_READMISSION_REPLY, "status": Task.Status.OPEN}
    with pytest.raises(TransitionRefused, match="nothing is overdue"):
        ra.chase_readmission_request(request.pk)
    with _later(31):
        assert ra.apply_passing_time() == {"tacitly accepted": 0, "chased": 1, "expired": 0}
        assert request.case.tasks.filter(**chase).count() == 1
        assert _timers(request)[T.REPLY].status == S.OPEN  # still owed
        assert ra.apply_passing_time()["chased"] == 0
    with _later(35):
        assert ra.apply_passing_time()["chased"] == 0  # the task is still open
        ra.record_readmission_reply(anna, request.pk, outcome="rejected",
                                    replied_on=clock.today(), reasons="not a national")
        reply = _timers(request)[T.REPLY]
        assert (reply.status, reply.closed_on) == (S.MET, clock.today())
        assert not request.case.tasks.filter(**chase).exists()


def test_an_overdue_travel_document_is_chased(anna):
    request = _submitted(anna, "GE")
    ra.record_readmission_reply(anna, request.pk, outcome="accepted", replied_on=clock.today())
    request = ra.request_travel_document(anna, request.pk, requested_on=clock.today())
    with _later(30):
        assert ra.apply_passing_time() == {"tacitly accepted": 0, "chased": 1, "expired": 0}
        assert request.case.tasks.filter(kind=ReadmissionTask.CHASE_TRAVEL_DOCUMENT,
                                         status=Task.Status.OPEN).exists()
        assert ra.apply_passing_time()["chased"] == 0


def test_an_unused_travel_document_expires_once(anna):
    request = _submitted(anna, "PK")
    ra.record_readmission_reply(anna, request.pk, outcome="accepted", replied_on=clock.today())
    valid_until = clock.today() + timedelta(days=200)
    request = ra.record_travel_document(
        anna, request.pk, kind="eu_travel_document", number="EU-2", issued_on=clock.today(),
        valid_until=valid_until)
    with _later(200):  # the last valid day
        assert ra.apply_passing_time()["expired"] == 0
    with _later(201):
        assert ra.apply_passing_time()["expired"] == 1
        request.refresh_from_db()
        assert request.status == R.EXPIRED and request.closed_on == valid_until
        found = _timers(request)
        assert found[T.TRAVEL_DOCUMENT_VALIDITY].status == S.LAPSED
        assert found[T.TRANSFER].status == S.CANCELLED
        assert ra.apply_passing_time()["expired"] == 0


def test_the_timers_of_a_closed_case_do_nothing(anna):
    request = _submitted(anna, "PK")
    case_actions.close_case(anna, request.case_id, outcome="legal_stay_granted")
    before = s.footprint(request.case_id)
    with _later(31):
        out, err = _tick()
    assert "readmission requests: 0 tacitly accepted, 0 chased, 0 expired" in out and not err
    assert s.footprint(request.case_id) == before
    request.refresh_from_db()
    assert request.status == R.SUBMITTED and _timers(request)[T.REPLY].status == S.OPEN


def test_a_moved_reply_limit_moves_what_is_overdue(anna):
    """No step extends a reply limit yet (no instrument sets ``reply_extension``); when one
    does, it moves the reply timer, and everything that reads what is overdue follows."""
    request = _submitted(anna, "UA")
    case = request.case
    yesterday = clock.today() - timedelta(days=1)

    def late() -> list[ReadmissionRequest]:
        return list(ReadmissionRequest.objects.filter(request_timers.overdue()))

    assert late() == []
    timers.move(case, yesterday, T.REPLY, subject=SUBJECT, key=request.pk)
    assert request.reply_due_on == yesterday and late() == [request]
    ra.chase_readmission_request(request.pk)
    timers.move(case, clock.today() + timedelta(days=9), T.REPLY, subject=SUBJECT,
                key=request.pk)
    assert late() == []
    with pytest.raises(TransitionRefused, match="not overdue"):
        ra.escalate_readmission_request(anna, request.pk, description="no answer")


def test_the_overdue_query_and_what_comes_next(anna):
    """The list's "overdue first" and the API's ``overdue`` read the same timers: what the
    requested state owes past its date; what comes next follows the request's status."""
    today = clock.today()
    waiting = _submitted(anna, "PK")
    late = _submitted(anna, "UA")
    timers.move(late.case, today - timedelta(days=2), T.REPLY, subject=SUBJECT, key=late.pk)
    accepted = _submitted(anna, "PK")
    ra.record_readmission_reply(anna, accepted.pk, outcome="accepted", replied_on=today)
    timers.move(accepted.case, today - timedelta(days=1), T.TRANSFER, subject=SUBJECT,
                key=accepted.pk)  # the authority's transfer: not what the state owes
    requests = list(ReadmissionRequest.objects.order_by("pk"))
    kept = request_timers.of_requests(requests)
    in_memory = {r.pk for r in requests if request_timers.waits_past_due(kept[r.pk], today)}
    in_sql = set(ReadmissionRequest.objects.filter(request_timers.overdue(today))
                 .values_list("pk", flat=True))
    assert in_memory == in_sql == {late.pk}
    annotated = {
        r.pk: r.next_due  # type: ignore[attr-defined]
        for r in request_timers.with_next_due(ReadmissionRequest.objects.all())
    }
    for request in requests:
        awaited = request_timers.awaited(request, kept[request.pk])
        assert annotated[request.pk] == (awaited.due_on if awaited else None)
    assert annotated[waiting.pk] == today + timedelta(days=30)
    assert annotated[accepted.pk] == today - timedelta(days=1)
