"""Every transition of the procedure table, performed through its action, and every stage in
which the table refuses it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from retour.cases.models import Decision, ReturnCase, Task, Timer
from retour.cases.procedure import allowed_actions, refusal, transition, transitions
from retour.cases.stages import Stage
from retour.cases.tests import support as s
from retour.errors import TransitionRefused
from retour.testing.actions import actions

K = Decision.Kind
EXERCISED: dict[str, Callable[..., None]] = {}


def exercises(action: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a test as the one that performs ``action`` from one of its source stages."""

    def register(test: Callable[..., None]) -> Callable[..., None]:
        EXERCISED[action] = test
        return test

    return register


def performed(case: ReturnCase, action: str, before: Stage | str) -> ReturnCase:
    """The case reloaded, after checking the event and the table's target stage."""
    case.refresh_from_db()
    assert case.events.latest("sequence").type == action
    assert before in transition(action).sources
    target = transition(action).target
    if target is not None:
        assert case.stage == target
    return case


@exercises("record_end_of_legal_stay")
def test_record_end_of_legal_stay(anna, today):
    case = s.registered(anna)
    actions.record_end_of_legal_stay(anna, case.pk, decided_on=today - timedelta(days=1))
    case = performed(case, "record_end_of_legal_stay", Stage.REGISTERED)
    assert case.decisions.get().kind == K.END_OF_LEGAL_STAY


@exercises("record_best_interests_assessment")
def test_record_best_interests_assessment(anna, today):
    case = s.registered(anna, unaccompanied_minor=True)
    assert case.tasks.filter(kind=Task.Kind.ASSESS_BEST_INTERESTS, status="open").exists()
    actions.record_best_interests_assessment(
        anna, case.pk, decided_on=today, summary="guardian heard; return to aunt in Rabat"
    )
    case = performed(case, "record_best_interests_assessment", Stage.REGISTERED)
    assert case.stage == Stage.REGISTERED
    assert not case.tasks.filter(kind=Task.Kind.ASSESS_BEST_INTERESTS, status="open").exists()


@exercises("issue_return_decision")
def test_issue_return_decision_with_and_without_voluntary_departure(anna, today):
    case = s.legal_stay_ended(anna)
    actions.issue_return_decision(anna, case.pk, decided_on=today, voluntary_departure_days=14)
    case = performed(case, "issue_return_decision", Stage.LEGAL_STAY_ENDED)
    assert case.stage == Stage.VOLUNTARY_DEPARTURE
    assert case.voluntary_departure_ends_on == today + timedelta(days=14)

    other = s.legal_stay_ended(anna, arabic_script=True)
    actions.issue_return_decision(
        anna, other.pk, decided_on=today, voluntary_departure_days=0,
        shortened_departure_reason="threat_to_public_order",
    )
    other = performed(other, "issue_return_decision", Stage.LEGAL_STAY_ENDED)
    assert other.stage == Stage.FORCED_RETURN_PREPARATION
    assert other.voluntary_departure_ends_on is None
    open_tasks = set(other.tasks.filter(status="open").values_list("kind", flat=True))
    assert open_tasks == {Task.Kind.PREPARE_FORCED_RETURN, Task.Kind.ISSUE_ENTRY_BAN}


@exercises("extend_voluntary_departure")
def test_extend_voluntary_departure(anna, today):
    case = s.voluntary_departure(anna, days=10)
    actions.extend_voluntary_departure(
        anna, case.pk, decided_on=today, extension_days=20, extension_reason="children_at_school"
    )
    case = performed(case, "extend_voluntary_departure", Stage.VOLUNTARY_DEPARTURE)
    assert case.stage == Stage.VOLUNTARY_DEPARTURE
    assert case.voluntary_departure_ends_on == today + timedelta(days=30)


@exercises("expire_voluntary_departure")
def test_expire_voluntary_departure(anna):
    with s.on(s.TODAY):
        case = s.voluntary_departure(anna, days=7)
    with s.on(s.TODAY + timedelta(days=8)):
        actions.expire_voluntary_departure(case.pk)
    case = performed(case, "expire_voluntary_departure", Stage.VOLUNTARY_DEPARTURE)
    assert case.events.latest("sequence").actor is None


@exercises("issue_entry_ban")
def test_issue_entry_ban(anna, today):
    case = s.forced_return_preparation(anna)
    actions.issue_entry_ban(anna, case.pk, decided_on=today, ban_years=3)
    case = performed(case, "issue_entry_ban", Stage.FORCED_RETURN_PREPARATION)
    assert case.stage == Stage.FORCED_RETURN_PREPARATION
    assert s.in_force(case, K.ENTRY_BAN).ban_years == 3
    assert not case.tasks.filter(kind=Task.Kind.ISSUE_ENTRY_BAN, status="open").exists()


@exercises("lodge_appeal")
def test_lodge_appeal_suspends_only_when_suspensive(anna, today):
    case = s.voluntary_departure(anna)
    decision = s.in_force(case, K.RETURN_DECISION)
    actions.lodge_appeal(
        anna, case.pk, contested_decision_id=decision.pk, lodged_on=today, suspensive=False
    )
    case = performed(case, "lodge_appeal", Stage.VOLUNTARY_DEPARTURE)
    assert case.stage == Stage.VOLUNTARY_DEPARTURE

    actions.lodge_appeal(
        anna, case.pk, contested_decision_id=decision.pk, lodged_on=today, suspensive=True
    )
    case = performed(case, "lodge_appeal", Stage.VOLUNTARY_DEPARTURE)
    assert case.stage == Stage.SUSPENDED
    assert case.stage_before_suspension == Stage.VOLUNTARY_DEPARTURE


@exercises("decide_appeal")
def test_decide_appeal_dismissed_resumes_granted_annuls(anna, today):
    case = s.forced_return_preparation(anna)
    decision = s.in_force(case, K.RETURN_DECISION)
    actions.lodge_appeal(
        anna, case.pk, contested_decision_id=decision.pk, lodged_on=today, suspensive=True
    )
    appeal = case.decisions.get(kind=K.APPEAL)
    actions.decide_appeal(anna, case.pk, appeal_id=appeal.pk, outcome="dismissed",
                          decided_on=today)
    case = performed(case, "decide_appeal", Stage.SUSPENDED)
    assert case.stage == Stage.FORCED_RETURN_PREPARATION

    actions.lodge_appeal(
        anna, case.pk, contested_decision_id=decision.pk, lodged_on=today, suspensive=False
    )
    appeal = case.decisions.get(kind=K.APPEAL, status=Decision.Status.PENDING)
    actions.decide_appeal(anna, case.pk, appeal_id=appeal.pk, outcome="granted",
                          decided_on=today)
    case = performed(case, "decide_appeal", Stage.FORCED_RETURN_PREPARATION)
    assert case.stage == Stage.LEGAL_STAY_ENDED
    decision.refresh_from_db()
    assert decision.status == Decision.Status.ANNULLED


@exercises("postpone_removal")
def test_postpone_removal_calls_off_a_scheduled_removal(anna, today):
    case = s.removal_scheduled(anna)
    actions.postpone_removal(
        anna, case.pk, ground="physical_or_mental_state", decided_on=today,
        ends_on=today + timedelta(days=30), reason="hospitalised",
    )
    case = performed(case, "postpone_removal", Stage.REMOVAL_SCHEDULED)
    assert case.removal_planned_on is None
    assert case.stage_before_suspension == Stage.FORCED_RETURN_PREPARATION
    review = case.tasks.get(kind=Task.Kind.REVIEW_POSTPONEMENT)
    assert review.due_on == today + timedelta(days=30)


@exercises("end_postponement")
def test_end_postponement_resumes(anna, today):
    case = s.suspended(anna)
    postponement = s.in_force(case, K.POSTPONEMENT)
    actions.end_postponement(
        anna, case.pk, postponement_id=postponement.pk, ended_on=today, reason="flight found"
    )
    case = performed(case, "end_postponement", Stage.SUSPENDED)
    assert case.stage == Stage.FORCED_RETURN_PREPARATION
    assert case.stage_before_suspension == ""


@exercises("verify_reception")
def test_verify_reception(anna, today):
    case = s.legal_stay_ended(anna, unaccompanied_minor=True)
    actions.record_best_interests_assessment(anna, case.pk, decided_on=today, summary="seen")
    case = actions.issue_return_decision(
        anna, case.pk, decided_on=today, voluntary_departure_days=0,
        shortened_departure_reason="risk_of_absconding",
    )
    actions.verify_reception(anna, case.pk, decided_on=today, arrangement="uncle in Tangier")
    case = performed(case, "verify_reception", Stage.FORCED_RETURN_PREPARATION)
    assert s.in_force(case, K.RECEPTION_VERIFIED).reason == "uncle in Tangier"


@exercises("schedule_removal")
def test_schedule_removal(anna, today):
    case = s.forced_return_preparation(anna)
    actions.schedule_removal(anna, case.pk, planned_on=today + timedelta(days=10))
    case = performed(case, "schedule_removal", Stage.FORCED_RETURN_PREPARATION)
    assert case.removal_planned_on == today + timedelta(days=10)
    assert case.milestones.removal_scheduled_on == today + timedelta(days=10)


@exercises("cancel_removal")
def test_cancel_removal(anna, today):
    case = s.removal_scheduled(anna)
    actions.cancel_removal(anna, case.pk, reason="flight cancelled")
    case = performed(case, "cancel_removal", Stage.REMOVAL_SCHEDULED)
    assert case.removal_planned_on is None


@exercises("record_removal")
def test_record_removal(anna, today):
    case = s.removal_scheduled(anna)
    actions.record_removal(anna, case.pk, departed_on=today, destination="ma")
    case = performed(case, "record_removal", Stage.REMOVAL_SCHEDULED)
    assert case.milestones.return_type == "enforced"
    assert case.milestones.destination == "MA"


@exercises("record_voluntary_departure")
def test_record_voluntary_departure(anna, today):
    case = s.voluntary_departure(anna)
    actions.record_voluntary_departure(
        anna, case.pk, departed_on=today, destination="MA", assisted=True
    )
    case = performed(case, "record_voluntary_departure", Stage.VOLUNTARY_DEPARTURE)
    assert case.milestones.return_type == "voluntary"
    assert case.milestones.assisted is True
    end = case.timers.get(kind=Timer.Kind.VOLUNTARY_DEPARTURE_END)
    assert (end.status, end.closed_on) == (Timer.Status.MET, today)


@exercises("record_absconding")
def test_record_absconding(anna, today):
    case = s.removal_scheduled(anna)
    actions.record_absconding(anna, case.pk, absconded_on=today)
    case = performed(case, "record_absconding", Stage.REMOVAL_SCHEDULED)
    assert case.removal_planned_on is None
    assert case.milestones.absconded_on == today


@exercises("record_whereabouts_known")
def test_record_whereabouts_known(anna, today):
    case = s.absconded(anna)
    actions.record_whereabouts_known(anna, case.pk, located_on=today)
    case = performed(case, "record_whereabouts_known", Stage.ABSCONDED)
    assert case.tasks.filter(kind=Task.Kind.PREPARE_FORCED_RETURN, status="open").exists()


@exercises("withdraw_return_decision")
def test_withdraw_return_decision(anna, today):
    case = s.voluntary_departure(anna)
    actions.issue_entry_ban(anna, case.pk, decided_on=today, ban_years=1)
    actions.withdraw_return_decision(anna, case.pk, decided_on=today, reason="permit granted")
    case = performed(case, "withdraw_return_decision", Stage.VOLUNTARY_DEPARTURE)
    statuses = dict(case.decisions.filter(kind__in=[K.RETURN_DECISION, K.ENTRY_BAN])
                    .values_list("kind", "status"))
    assert statuses == {K.RETURN_DECISION: "withdrawn", K.ENTRY_BAN: "withdrawn"}
    assert case.voluntary_departure_ends_on is None
    assert not case.timers.filter(kind=Timer.Kind.VOLUNTARY_DEPARTURE_END,
                                     status="open").exists()


@exercises("close_case")
def test_close_case(anna, today):
    case = s.legal_stay_ended(anna)
    actions.close_case(anna, case.pk, outcome="legal_stay_granted")
    case = performed(case, "close_case", Stage.LEGAL_STAY_ENDED)
    assert case.outcome == "legal_stay_granted"
    assert case.closed_at is not None
    assert not case.tasks.filter(status="open").exists()


@exercises("send_handover")
def test_send_handover(anna, today):
    case = s.registered(anna)
    actions.send_handover(anna, case.pk, to_authority="nl-avim", note="identification first")
    case = performed(case, "send_handover", Stage.REGISTERED)
    assert case.responsible_authority.code == "nl-dtv"
    assert case.handovers.get().status == "pending"


@exercises("accept_handover")
def test_accept_handover(anna, pieter, today):
    case = s.registered(anna)
    actions.send_handover(anna, case.pk, to_authority="nl-avim", note="identification first")
    actions.accept_handover(pieter, case.pk)
    case = performed(case, "accept_handover", Stage.REGISTERED)
    assert case.responsible_authority.code == "nl-avim"


@exercises("return_handover")
def test_return_handover(anna, pieter, today):
    case = s.registered(anna)
    actions.send_handover(anna, case.pk, to_authority="nl-avim", note="identification first")
    actions.return_handover(pieter, case.pk, reason="person already identified")
    case = performed(case, "return_handover", Stage.REGISTERED)
    assert case.responsible_authority.code == "nl-dtv"
    assert case.handovers.get().status == "returned"


@exercises("assign_case")
def test_assign_case(anna, sanne, today):
    case = s.registered(anna)
    actions.assign_case(sanne, case.pk, officer_username="anna")
    case = performed(case, "assign_case", Stage.REGISTERED)
    assert case.assigned_officer == anna
    actions.assign_case(sanne, case.pk, officer_username=None)
    case.refresh_from_db()
    assert case.assigned_officer is None


@exercises("record_non_cooperation")
def test_non_cooperation_is_recorded_in_any_open_stage_without_moving_the_case(anna, today):
    case = s.forced_return_preparation(anna)
    case = actions.record_non_cooperation(
        anna, case.pk, kind="resistance", occurred_on=today, consequence="removal_failed",
        evidence="escort report: resisted boarding",
    )
    assert case.stage == Stage.FORCED_RETURN_PREPARATION
    assert case.non_cooperation.get().kind == "resistance"


@exercises("order_detention")
def test_order_detention_keeps_the_stage(anna, today):
    case = s.removal_scheduled(anna)
    actions.order_detention(anna, case.pk, ordered_on=today, ground="risk_of_absconding",
                            facility="DC Rotterdam")
    case = performed(case, "order_detention", Stage.REMOVAL_SCHEDULED)
    assert case.detention_periods.get().ended_on is None


@exercises("end_detention")
def test_end_detention_keeps_the_stage(anna, today):
    case = s.forced_return_preparation(anna)
    actions.order_detention(anna, case.pk, ordered_on=today, ground="hampers_return",
                            facility="DC Rotterdam")
    actions.end_detention(anna, case.pk, ended_on=today, reason="no_prospect_of_removal")
    case = performed(case, "end_detention", Stage.FORCED_RETURN_PREPARATION)
    assert case.detention_periods.get().end_reason == "no_prospect_of_removal"


@exercises("refer_to_reintegration")
def test_refer_to_reintegration_keeps_the_stage(anna, today):
    case = s.voluntary_departure(anna)
    actions.refer_to_reintegration(anna, case.pk, referred_on=today, programme="Frontex JRS")
    case = performed(case, "refer_to_reintegration", Stage.VOLUNTARY_DEPARTURE)
    assert case.reintegration_referrals.get().outcome == ""


@exercises("record_reintegration_outcome")
def test_record_reintegration_outcome_keeps_the_stage(anna, today):
    case = s.voluntary_departure(anna)
    actions.refer_to_reintegration(anna, case.pk, referred_on=today, programme="Frontex JRS")
    actions.record_reintegration_outcome(anna, case.pk, outcome="accepted", outcome_on=today)
    case = performed(case, "record_reintegration_outcome", Stage.VOLUNTARY_DEPARTURE)
    assert case.reintegration_referrals.get().outcome == "accepted"


def test_every_transition_of_the_table_is_exercised():
    assert set(EXERCISED) == {t.action for t in transitions()}


@pytest.mark.parametrize("stage", list(Stage))
def test_the_table_refuses_every_action_outside_its_source_stages(anna, sanne, today, stage):
    """For a case in ``stage``, each action whose transition does not start there is refused
    with a message naming the action and the stage, and leaves no trace."""
    case = s.CASE_IN[stage](anna)
    assert case.stage == stage
    refused = [t for t in transitions() if stage not in t.sources]
    for step in refused:
        user = sanne if step.action == "assign_case" else anna
        with s.writes_nothing(case.pk), pytest.raises(TransitionRefused) as refusal_info:
            s.attempt(step.action, user, case.pk)
        message = str(refusal_info.value)
        assert str(step.label) in message and str(Stage(stage).label) in message
    allowed = {t.action for t in allowed_actions(case, sanne.capabilities)}
    assert not allowed & {t.action for t in refused}


def test_allowed_actions_follow_table_and_guards(anna, today):
    case = s.registered(anna)
    allowed = {t.action for t in allowed_actions(case, anna.capabilities)}
    # negative asylum decision: the end of legal stay comes before the return decision (M7)
    assert "record_end_of_legal_stay" in allowed
    assert "issue_return_decision" not in allowed
    assert "expire_voluntary_departure" not in allowed  # only the system performs it
    assert "assign_case" not in allowed  # a case officer does not assign
    irregular = s.registered(anna, origin="irregular_stay_detected", arabic_script=True)
    assert "issue_return_decision" in {
        t.action for t in allowed_actions(irregular, anna.capabilities)
    }
    assert refusal(transition("issue_return_decision"), irregular) is None


def test_closed_is_final(anna, today):
    case = s.closed(anna)
    assert all(Stage.CLOSED not in t.sources for t in transitions())
    assert allowed_actions(case, anna.capabilities) == []
