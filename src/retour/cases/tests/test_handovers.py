"""Hand-overs between authorities (M9): the responsible authority sends, only the receiver
answers, and the case is never without a responsible authority."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retour.cases import actions
from retour.cases.models import Handover, Task, Timer
from retour.cases.tests import support as s
from retour.errors import InvalidInput, NotVisible, PermissionRefused, TransitionRefused


def test_only_the_responsible_authority_sends(anna, pieter, sanne, today):
    case = s.registered(anna)
    # another authority's officer does not even see the case (ADR 0016)
    with s.writes_nothing(case.pk), pytest.raises(NotVisible):
        actions.send_handover(pieter, case.pk, to_authority="nl-avim", note="I take it")
    # a supervisor of the responsible authority may send too
    case = actions.send_handover(sanne, case.pk, to_authority="nl-avim", note="identify first")
    assert case.handovers.get().sent_by == sanne


@pytest.mark.parametrize(
    ("to_authority", "note", "field", "message"),
    [
        ("be-dvz", "please", "to_authority", "no authority 'be-dvz' in NL"),
        ("nl-nowhere", "please", "to_authority", "no authority"),
        ("nl-dtv", "please", "to_authority", "already with this authority"),
        ("nl-avim", "   ", "note", "a note for the receiving authority is required"),
    ],
)
def test_send_refuses_bad_input(anna, today, to_authority, note, field, message):
    case = s.registered(anna)
    with s.writes_nothing(case.pk), pytest.raises(InvalidInput, match=message) as refusal:
        actions.send_handover(anna, case.pk, to_authority=to_authority, note=note)
    assert set(refusal.value.errors) == {field}


def test_the_case_stays_with_the_sender_until_accepted(anna, pieter, today):
    case = s.legal_stay_ended(anna)
    case = actions.send_handover(anna, case.pk, to_authority="nl-avim", note="identify first")
    assert case.responsible_authority.code == "nl-dtv"
    accept = case.tasks.get(kind=Task.Kind.ACCEPT_HANDOVER)
    assert accept.authority.code == "nl-avim"
    assert accept.due_on == today + timedelta(days=2)  # handover.acceptance: 2 days
    with s.writes_nothing(case.pk), pytest.raises(TransitionRefused, match="already waiting"):
        actions.send_handover(anna, case.pk, to_authority="nl-kmar", note="or you")


@pytest.mark.parametrize("answer", ["accept_handover", "return_handover"])
def test_only_the_receiver_answers(anna, sanne, today, answer):
    case = s.registered(anna)
    actions.send_handover(anna, case.pk, to_authority="nl-avim", note="identify first")
    for user in (anna, sanne):
        with s.writes_nothing(case.pk), pytest.raises(
            PermissionRefused, match="can answer this hand-over"
        ):
            s.attempt(answer, user, case.pk)


@pytest.mark.parametrize("answer", ["accept_handover", "return_handover"])
def test_nothing_to_answer_without_a_pending_hand_over(anna, today, answer):
    case = s.registered(anna)
    with s.writes_nothing(case.pk), pytest.raises(TransitionRefused, match="no hand-over"):
        s.attempt(answer, anna, case.pk)


def test_acceptance_moves_the_case_and_its_open_tasks(anna, pieter, sanne, today):
    case = s.legal_stay_ended(anna)
    actions.assign_case(sanne, case.pk, officer_username="anna")
    actions.send_handover(anna, case.pk, to_authority="nl-avim", note="identify first")
    case = actions.accept_handover(pieter, case.pk, reason="we identify")
    assert case.responsible_authority.code == "nl-avim"
    assert case.assigned_officer is None
    open_tasks = case.tasks.filter(status=Task.Status.OPEN)
    assert [(t.kind, t.authority.code) for t in open_tasks] == [
        (Task.Kind.ISSUE_RETURN_DECISION, "nl-avim")
    ]
    assert case.tasks.get(kind=Task.Kind.ACCEPT_HANDOVER).status == Task.Status.DONE
    acceptance = case.timers.get(kind=Timer.Kind.HANDOVER_ACCEPTANCE)
    assert (acceptance.status, acceptance.closed_on) == (Timer.Status.MET, today)
    handover = case.handovers.get()
    assert (handover.status, handover.answered_by) == (Handover.Status.ACCEPTED, pieter)
    # the new responsible authority hands over; the old one no longer sees the case
    with s.writes_nothing(case.pk), pytest.raises(NotVisible):
        actions.send_handover(anna, case.pk, to_authority="nl-kmar", note="back to border")
    case = actions.send_handover(pieter, case.pk, to_authority="nl-dtv", note="identified")
    assert case.handovers.filter(status="pending").get().from_authority.code == "nl-avim"


def test_a_returned_hand_over_leaves_everything_with_the_sender(anna, pieter, today):
    case = s.legal_stay_ended(anna)
    actions.send_handover(anna, case.pk, to_authority="nl-avim", note="identify first")
    with s.writes_nothing(case.pk), pytest.raises(InvalidInput, match="reason"):
        actions.return_handover(pieter, case.pk, reason="")
    case = actions.return_handover(pieter, case.pk, reason="already identified by KMar")
    assert case.responsible_authority.code == "nl-dtv"
    assert set(case.tasks.filter(status="open").values_list("authority__code", flat=True)) == {
        "nl-dtv"
    }
    assert case.handovers.get().answer_reason == "already identified by KMar"
    case = actions.send_handover(anna, case.pk, to_authority="nl-kmar", note="then you")
    assert case.handovers.filter(status="pending").count() == 1


def test_closing_the_case_returns_a_pending_hand_over(anna, today):
    case = s.registered(anna)
    actions.send_handover(anna, case.pk, to_authority="nl-avim", note="identify first")
    case = actions.close_case(anna, case.pk, outcome="legal_stay_granted")
    handover = case.handovers.get()
    assert (handover.status, handover.answer_reason) == (Handover.Status.RETURNED, "case closed")
    assert case.responsible_authority.code == "nl-dtv"


def test_a_receiver_without_the_capability_cannot_accept(lucas, lotte, today):
    """Lotte works at the counselling service the case is sent to, but her role holds no
    hand-over capability."""
    case = s.registered(lucas)
    actions.send_handover(lucas, case.pk, to_authority="be-fedasil", note="counselling")
    with s.writes_nothing(case.pk), pytest.raises(PermissionRefused, match="your role"):
        actions.accept_handover(lotte, case.pk)
