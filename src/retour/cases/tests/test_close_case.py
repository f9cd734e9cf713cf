"""Closing a case: the outcome must agree with what the case records, open work is
cancelled, and an entry ban keeps running."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retour.cases import actions
from retour.cases.models import Outcome, Task, Timer
from retour.cases.stages import Stage
from retour.cases.tests import support as s
from retour.errors import InvalidInput


def _departed(user, *, destination, enforced):
    if enforced:
        case = s.removal_scheduled(user)
        return actions.record_removal(
            user, case.pk, departed_on=s.TODAY, destination=destination
        )
    case = s.voluntary_departure(user)
    return actions.record_voluntary_departure(
        user, case.pk, departed_on=s.TODAY, destination=destination
    )


@pytest.mark.parametrize(
    ("destination", "enforced", "allowed"),
    [
        ("MA", False, {Outcome.RETURNED_VOLUNTARILY, Outcome.DECEASED}),
        ("MA", True, {Outcome.REMOVED, Outcome.DECEASED}),
        ("DE", False, {Outcome.LEFT_TO_OTHER_MEMBER_STATE, Outcome.DECEASED}),
        ("CH", True, {Outcome.LEFT_TO_OTHER_MEMBER_STATE, Outcome.DECEASED}),
    ],
)
def test_after_departure_the_outcome_follows_the_departure(
    anna, today, destination, enforced, allowed
):
    case = _departed(anna, destination=destination, enforced=enforced)
    for outcome in set(Outcome.values) - allowed:
        with s.writes_nothing(case.pk), pytest.raises(InvalidInput, match="outcome"):
            actions.close_case(anna, case.pk, outcome=outcome, reason="because")
    for outcome in sorted(allowed):
        with s.rolled_back():
            closed = actions.close_case(anna, case.pk, outcome=outcome)
            assert (closed.stage, closed.outcome) == (Stage.CLOSED, outcome)
            assert closed.milestones.outcome == outcome


@pytest.mark.parametrize(
    "outcome", ["returned_voluntarily", "removed", "left_to_other_member_state"]
)
def test_departure_outcomes_need_the_departure_recorded(anna, today, outcome):
    case = s.voluntary_departure(anna)
    with s.writes_nothing(case.pk), pytest.raises(InvalidInput, match="departure first"):
        actions.close_case(anna, case.pk, outcome=outcome)


def test_absconded_outcome_needs_the_absconding_recorded(anna, today):
    case = s.forced_return_preparation(anna)
    with s.writes_nothing(case.pk), pytest.raises(InvalidInput, match="absconding first"):
        actions.close_case(anna, case.pk, outcome="absconded")
    actions.record_absconding(anna, case.pk, absconded_on=today)
    case = actions.close_case(anna, case.pk, outcome="absconded")
    assert case.outcome == "absconded"


def test_other_outcome_needs_a_reason(anna, today):
    case = s.registered(anna)
    with s.writes_nothing(case.pk), pytest.raises(InvalidInput, match="reason"):
        actions.close_case(anna, case.pk, outcome="other", reason=" ")
    case = actions.close_case(anna, case.pk, outcome="other", reason="duplicate registration")
    assert case.outcome_reason == "duplicate registration"


def test_unknown_outcome_is_refused(anna, today):
    case = s.registered(anna)
    with s.writes_nothing(case.pk), pytest.raises(InvalidInput, match="must be one of"):
        actions.close_case(anna, case.pk, outcome="vanished")


def test_closing_cancels_open_work_but_the_entry_ban_keeps_running(anna, today):
    case = s.forced_return_preparation(anna)
    actions.issue_entry_ban(anna, case.pk, decided_on=today, ban_years=2)
    actions.schedule_removal(anna, case.pk, planned_on=today)
    actions.record_removal(anna, case.pk, departed_on=today, destination="MA")
    actions.send_handover(anna, case.pk, to_authority="nl-avim", note="archive")
    case = actions.close_case(anna, case.pk, outcome="removed")
    assert not case.tasks.filter(status=Task.Status.OPEN).exists()
    still_open = case.timers.filter(status=Timer.Status.OPEN)
    assert [(d.kind, d.due_on) for d in still_open] == [
        (Timer.Kind.ENTRY_BAN_END, today.replace(year=today.year + 2))
    ]
    assert case.milestones.closed_on == today
    assert case.stage_before_suspension == ""


def test_a_closed_case_allows_a_new_case_for_the_person(anna, today):
    case = s.closed(anna)
    again = actions.open_case(anna, case.person_id, origin="irregular_stay_detected")
    assert again.pk != case.pk and again.stage == Stage.REGISTERED
    with pytest.raises(InvalidInput, match="already has an open return case"):
        actions.open_case(anna, case.person_id, origin="irregular_stay_detected")
    assert again.number != case.number


def test_closing_a_suspended_case_ends_the_suspension(anna, today):
    case = s.suspended(anna)
    later = today + timedelta(days=3)
    with s.on(later):
        case = actions.close_case(anna, case.pk, outcome="legal_stay_granted")
    assert case.milestones.suspended_days == 3
    assert case.milestones.suspended_since is None


def test_closing_calls_off_a_scheduled_removal(anna, today):
    case = s.removal_scheduled(anna)
    case = actions.close_case(anna, case.pk, outcome="legal_stay_granted")
    assert case.removal_planned_on is None
    assert case.events.latest("sequence").old_values["removal_planned_on"] == (
        (today + timedelta(days=7)).isoformat()
    )
