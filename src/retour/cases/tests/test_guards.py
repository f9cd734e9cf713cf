"""The legal guards of the procedure: each refusal names the rule it applies, and each
refused action leaves no trace."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retour.cases import actions, guards
from retour.cases.models import Decision
from retour.cases.procedure import allowed_actions, transition
from retour.cases.stages import Stage
from retour.cases.tests import support as s
from retour.errors import InvalidInput, TransitionRefused
from retour.people.models import Person
from retour.testing.factories import person_for

K = Decision.Kind


@pytest.mark.parametrize("origin", ["negative_asylum_decision", "residence_permit_ended"])
def test_return_decision_needs_the_end_of_legal_stay_first(anna, today, origin):
    case = s.registered(anna, origin=origin)
    with s.writes_nothing(case.pk), pytest.raises(TransitionRefused, match="end of legal stay"):
        actions.issue_return_decision(anna, case.pk, decided_on=today, voluntary_departure_days=30)


@pytest.mark.parametrize(
    "origin", ["irregular_stay_detected", "ees_overstay", "border_apprehension"]
)
def test_origins_without_legal_stay_go_straight_to_the_return_decision(anna, today, origin):
    case = s.registered(anna, origin=origin)
    case = actions.issue_return_decision(
        anna, case.pk, decided_on=today, voluntary_departure_days=30
    )
    assert case.stage == Stage.VOLUNTARY_DEPARTURE


def test_mutual_recognition_goes_straight_to_the_return_decision(anna, today):
    person = person_for(anna)
    case = actions.open_case(
        anna, person.pk, origin="mutual_recognition", origin_member_state="DE"
    )
    case = actions.issue_return_decision(
        anna, case.pk, decided_on=today, voluntary_departure_days=0,
        shortened_departure_reason="risk_of_absconding",
    )
    assert case.stage == Stage.FORCED_RETURN_PREPARATION
    assert "2001/40/EC" in s.in_force(case, K.RETURN_DECISION).legal_basis


def test_unaccompanied_minor_needs_best_interests_assessment_before_return_decision(
    anna, today
):
    case = s.legal_stay_ended(anna, unaccompanied_minor=True)
    with s.writes_nothing(case.pk), pytest.raises(TransitionRefused, match=r"Art\. 10\(1\)"):
        actions.issue_return_decision(anna, case.pk, decided_on=today, voluntary_departure_days=30)
    actions.record_best_interests_assessment(
        anna, case.pk, decided_on=today, summary="assessed with the guardian"
    )
    case = actions.issue_return_decision(
        anna, case.pk, decided_on=today, voluntary_departure_days=30
    )
    assert case.stage == Stage.VOLUNTARY_DEPARTURE


def test_no_removal_of_unaccompanied_minor_before_reception_is_verified(anna, today):
    case = s.legal_stay_ended(anna, unaccompanied_minor=True)
    actions.record_best_interests_assessment(anna, case.pk, decided_on=today, summary="done")
    actions.issue_return_decision(
        anna, case.pk, decided_on=today, voluntary_departure_days=0,
        shortened_departure_reason="risk_of_absconding",
    )
    planned = today + timedelta(days=5)
    with s.writes_nothing(case.pk), pytest.raises(TransitionRefused, match=r"Art\. 10\(2\)"):
        actions.schedule_removal(anna, case.pk, planned_on=planned)
    actions.verify_reception(anna, case.pk, decided_on=today, arrangement="aunt in Rabat")
    case = actions.schedule_removal(anna, case.pk, planned_on=planned)
    assert case.stage == Stage.REMOVAL_SCHEDULED


def test_minority_found_after_scheduling_blocks_the_removal(anna, today):
    """The scheduled removal is called off (``test_vulnerability``), and it cannot be planned
    again before reception is verified."""
    case = s.removal_scheduled(anna)
    actions.record_vulnerability(
        anna, case.person_id, kind="unaccompanied_minor", noted_on=today
    )
    with s.writes_nothing(case.pk), pytest.raises(TransitionRefused, match=r"Art\. 10\(2\)"):
        actions.schedule_removal(anna, case.pk, planned_on=today + timedelta(days=3))


def test_suspensive_appeal_blocks_removal(anna, today):
    case = s.forced_return_preparation(anna)
    decision = s.in_force(case, K.RETURN_DECISION)
    case = actions.lodge_appeal(
        anna, case.pk, contested_decision_id=decision.pk, lodged_on=today, suspensive=True
    )
    reason = guards.no_suspensive_matter(case)
    assert reason is not None and "suspensive" in reason and "Art. 13(2)" in reason
    with s.writes_nothing(case.pk), pytest.raises(TransitionRefused, match="suspended"):
        actions.schedule_removal(anna, case.pk, planned_on=today + timedelta(days=3))


def test_suspensive_appeal_against_a_withdrawn_decision_still_blocks_removal(anna, today):
    """The only way to reach forced-return preparation with a suspensive appeal pending: the
    contested decision is withdrawn and a new one issued. Removal stays refused until the
    court has ruled."""
    case = s.forced_return_preparation(anna)
    first = s.in_force(case, K.RETURN_DECISION)
    actions.lodge_appeal(
        anna, case.pk, contested_decision_id=first.pk, lodged_on=today, suspensive=True
    )
    actions.withdraw_return_decision(anna, case.pk, decided_on=today, reason="new facts")
    case = actions.issue_return_decision(
        anna, case.pk, decided_on=today, voluntary_departure_days=0,
        shortened_departure_reason="risk_of_absconding",
    )
    assert case.stage == Stage.FORCED_RETURN_PREPARATION
    with s.writes_nothing(case.pk), pytest.raises(TransitionRefused, match="suspensive"):
        actions.schedule_removal(anna, case.pk, planned_on=today + timedelta(days=3))


def test_ruling_on_an_appeal_against_a_withdrawn_decision_leaves_the_new_one_standing(
    anna, today
):
    case = s.forced_return_preparation(anna)
    first = s.in_force(case, K.RETURN_DECISION)
    actions.lodge_appeal(
        anna, case.pk, contested_decision_id=first.pk, lodged_on=today, suspensive=True
    )
    actions.withdraw_return_decision(anna, case.pk, decided_on=today, reason="new facts")
    actions.issue_return_decision(
        anna, case.pk, decided_on=today, voluntary_departure_days=0,
        shortened_departure_reason="risk_of_absconding",
    )
    second = s.in_force(case, K.RETURN_DECISION)
    appeal = case.decisions.get(kind=K.APPEAL)
    case = actions.decide_appeal(
        anna, case.pk, appeal_id=appeal.pk, outcome="granted", decided_on=today
    )
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.status == Decision.Status.IN_FORCE
    assert first.status == Decision.Status.WITHDRAWN
    assert case.stage == Stage.FORCED_RETURN_PREPARATION
    case = actions.schedule_removal(anna, case.pk, planned_on=today + timedelta(days=3))
    assert case.stage == Stage.REMOVAL_SCHEDULED


def test_postponement_in_force_is_a_suspensive_matter(anna, today):
    case = s.suspended(anna)
    reason = guards.no_suspensive_matter(case)
    assert reason is not None and "postponed" in reason and "Art. 9" in reason


def test_suspension_ends_only_when_nothing_suspensive_remains(anna, today):
    case = s.suspended(anna)
    decision = s.in_force(case, K.RETURN_DECISION)
    actions.lodge_appeal(
        anna, case.pk, contested_decision_id=decision.pk, lodged_on=today, suspensive=True
    )
    postponement = s.in_force(case, K.POSTPONEMENT)
    case = actions.end_postponement(
        anna, case.pk, postponement_id=postponement.pk, ended_on=today, reason="flight found"
    )
    assert case.stage == Stage.SUSPENDED
    appeal = case.decisions.get(kind=K.APPEAL)
    case = actions.decide_appeal(
        anna, case.pk, appeal_id=appeal.pk, outcome="dismissed", decided_on=today
    )
    assert case.stage == Stage.FORCED_RETURN_PREPARATION
    assert guards.no_suspensive_matter(case) is None


def test_entry_ban_needs_a_return_decision_in_force(anna, today):
    case = s.legal_stay_ended(anna)
    assert guards.return_decision_in_force(case) == "there is no return decision in force"
    case = s.voluntary_departure(anna, arabic_script=True)
    assert guards.return_decision_in_force(case) is None


def test_entry_ban_after_departure_needs_the_return_decision_to_stand(anna, today):
    """A granted appeal annuls the return decision of a person who has already left: the
    departure stays recorded, and no entry ban can follow the annulled decision."""
    case = s.departed(anna)
    decision = s.in_force(case, K.RETURN_DECISION)
    actions.lodge_appeal(
        anna, case.pk, contested_decision_id=decision.pk, lodged_on=today, suspensive=False
    )
    appeal = case.decisions.get(kind=K.APPEAL)
    case = actions.decide_appeal(
        anna, case.pk, appeal_id=appeal.pk, outcome="granted", decided_on=today
    )
    assert case.stage == Stage.DEPARTED
    with s.writes_nothing(case.pk), pytest.raises(TransitionRefused, match="no return decision"):
        actions.issue_entry_ban(anna, case.pk, decided_on=today, ban_years=1)
    case = actions.close_case(anna, case.pk, outcome="returned_voluntarily")
    assert case.stage == Stage.CLOSED


def test_suspensive_appeal_after_departure_is_refused(anna, today):
    case = s.departed(anna)
    decision = s.in_force(case, K.RETURN_DECISION)
    with s.writes_nothing(case.pk), pytest.raises(InvalidInput, match="already departed"):
        actions.lodge_appeal(
            anna, case.pk, contested_decision_id=decision.pk, lodged_on=today, suspensive=True
        )


def test_voluntary_departure_expires_only_after_its_last_day(anna):
    with s.on(s.TODAY):
        case = s.voluntary_departure(anna, days=7)
    last_day = s.TODAY + timedelta(days=7)
    with s.on(last_day), s.writes_nothing(case.pk), pytest.raises(
        TransitionRefused, match="voluntary-departure period"
    ):
        actions.expire_voluntary_departure(case.pk)
    with s.on(last_day + timedelta(days=1)):
        case = actions.expire_voluntary_departure(case.pk)
    assert case.stage == Stage.FORCED_RETURN_PREPARATION


def test_verified_reception_is_only_for_an_unaccompanied_minor(anna, today):
    case = s.forced_return_preparation(anna)
    refused = pytest.raises(TransitionRefused, match=r"not an unaccompanied minor.*Art\. 10\(2\)")
    with s.writes_nothing(case.pk), refused:
        actions.verify_reception(anna, case.pk, decided_on=today, arrangement="aunt in Rabat")


ASSESS = transition("record_best_interests_assessment")


def _offered(case, user) -> bool:
    return ASSESS in allowed_actions(case, user.capabilities)


def test_best_interests_assessment_is_refused_for_an_adult(anna, today):
    case = s.legal_stay_ended(anna)  # born 17 May 1994
    assert not _offered(case, anna)
    refused = pytest.raises(TransitionRefused, match=r"not a minor by the date.*Art\. 5\(a\)")
    with s.writes_nothing(case.pk), refused:
        actions.record_best_interests_assessment(anna, case.pk, decided_on=today, summary="x")


@pytest.mark.parametrize(
    ("born", "offered"),
    [
        ((2008, None, None), True),  # may be born as late as 31 December 2008
        ((2008, 3, None), True),  # ... or 31 March 2008
        ((2008, 3, 2), False),  # 18 today
        ((2008, 3, 3), True),  # 18 tomorrow
        ((2008, 1, 15), False),
    ],
)
def test_a_partial_date_of_birth_gives_the_child_the_benefit_of_the_doubt(
    anna, today, born, offered
):
    year, month, day = born
    person = person_for(anna, birth_year=year, birth_month=month, birth_day=day)
    case = actions.open_case(anna, person.pk, origin="irregular_stay_detected")
    assert _offered(case, anna) is offered
    assert (guards.concerns_a_minor(case) is None) is offered


def test_a_person_of_unknown_age_noted_as_a_minor_can_be_assessed(anna, today):
    person = person_for(anna, birth_year=None, birth_month=None, birth_day=None)
    case = actions.open_case(anna, person.pk, origin="irregular_stay_detected")
    with s.writes_nothing(case.pk), pytest.raises(
        TransitionRefused, match=r"no date of birth recorded.*record the vulnerability 'minor'"
    ):
        actions.record_best_interests_assessment(anna, case.pk, decided_on=today, summary="x")
    actions.record_vulnerability(anna, person.pk, kind="minor", noted_on=today)
    case = actions.record_best_interests_assessment(
        anna, case.pk, decided_on=today, summary="heard with the mother"
    )
    assert s.in_force(case, K.BEST_INTERESTS_ASSESSMENT).reason == "heard with the mother"


def _born(year: int, month: int | None = None, day: int | None = None) -> Person:
    return Person(birth_year=year, birth_month=month, birth_day=day)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@given(
    born=st.dates(min_value=date(1990, 1, 1), max_value=date(2026, 12, 31)),
    on=st.dates(min_value=date(2000, 1, 1), max_value=date(2050, 12, 31)),
)
def test_may_be_a_child_is_true_when_some_day_the_date_allows_is_under_18(born, on):
    """With the full date, the person is a child until the 18th birthday (born on 29 February:
    until 1 March); with only year and month, or only the year, when any day of them would
    make the person one."""
    assert guards.may_be_a_child(_born(born.year, born.month, born.day), on) is (
        _age(born, on) < 18
    )
    last = calendar.monthrange(born.year, born.month)[1]
    in_month = [born.replace(day=d) for d in range(1, last + 1)]
    assert guards.may_be_a_child(_born(born.year, born.month), on) is any(
        _age(day, on) < 18 for day in in_month
    )
    in_year = [date(born.year, 1, 1) + timedelta(days=d) for d in range(366)]
    assert guards.may_be_a_child(_born(born.year), on) is any(
        _age(day, on) < 18 for day in in_year if day.year == born.year
    )
    assert guards.may_be_a_child(Person(birth_year=None), on) is False
