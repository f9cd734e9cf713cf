"""Deadlines that follow from decisions, at their edges: month ends, leap days, extensions,
national appeal periods, the return-decision target and entry bans from actual departure."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retour.accounts.models import Authority
from retour.cases import actions
from retour.cases.models import Decision, ReturnCase, Task, Timer
from retour.cases.stages import Stage
from retour.cases.tests import support as s
from retour.errors import InvalidInput, TransitionRefused
from retour.reference.models import LegalParameter
from retour.testing.factories import case_for

K = Decision.Kind
D = Timer.Kind
# The return-decision target is in force from 2023-03-24; cases open only after that.
CASE_DATES = st.dates(min_value=date(2023, 3, 24), max_value=date(2040, 12, 31))
EXAMPLES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _irregular_stay_case(user) -> ReturnCase:
    return case_for(user, origin="irregular_stay_detected")


def _deadline(case: ReturnCase, kind: str) -> Timer:
    return case.timers.get(kind=kind)


@EXAMPLES
@given(start=CASE_DATES, days=st.integers(min_value=1, max_value=30))
def test_voluntary_departure_ends_after_its_days_and_expires_the_day_after(anna, start, days):
    with s.rolled_back():
        with s.on(start):
            case = _irregular_stay_case(anna)
            case = actions.issue_return_decision(
                anna, case.pk, decided_on=start, voluntary_departure_days=days,
                shortened_departure_reason="" if days >= 7 else "risk_of_absconding",
            )
        last_day = start + timedelta(days=days)
        assert case.voluntary_departure_ends_on == last_day
        assert _deadline(case, D.VOLUNTARY_DEPARTURE_END).due_on == last_day
        with s.on(last_day):
            assert actions.expire_due_voluntary_departures() == 0
        with s.on(last_day + timedelta(days=1)):
            assert actions.expire_due_voluntary_departures() == 1
        case.refresh_from_db()
        assert case.stage == Stage.FORCED_RETURN_PREPARATION
        end = _deadline(case, D.VOLUNTARY_DEPARTURE_END)
        assert (end.status, end.closed_on) == (Timer.Status.LAPSED, last_day + timedelta(1))
        assert case.milestones.voluntary_departure_expired_on == last_day + timedelta(days=1)


@EXAMPLES
@given(
    days=st.integers(min_value=7, max_value=30),
    extensions=st.lists(st.integers(min_value=1, max_value=90), min_size=1, max_size=3),
)
def test_extensions_add_up_and_move_the_expiry(anna, today, days, extensions):
    with s.rolled_back():
        case = s.voluntary_departure(anna, days=days)
        for extension in extensions:
            case = actions.extend_voluntary_departure(
                anna, case.pk, decided_on=today, extension_days=extension,
                extension_reason="length_of_stay",
            )
        last_day = today + timedelta(days=days + sum(extensions))
        assert case.voluntary_departure_ends_on == last_day
        assert _deadline(case, D.VOLUNTARY_DEPARTURE_END).due_on == last_day
        assert case.milestones.voluntary_departure_ends_on == last_day
        extended = case.decisions.filter(kind=K.VOLUNTARY_DEPARTURE_EXTENSION)
        assert [d.ends_on for d in extended][-1] == last_day
        with s.on(last_day):
            assert actions.expire_due_voluntary_departures() == 0
        with s.on(last_day + timedelta(days=1)):
            assert actions.expire_due_voluntary_departures() == 1


def test_voluntary_departure_runs_from_notification(anna, today):
    case = s.legal_stay_ended(anna)
    decided = today - timedelta(days=1)
    notified = today
    case = actions.issue_return_decision(
        anna, case.pk, decided_on=decided, notified_on=notified, voluntary_departure_days=30
    )
    assert case.voluntary_departure_ends_on == notified + timedelta(days=30)
    assert _deadline(case, D.APPEAL_PERIOD_END).starts_on == notified


@pytest.mark.parametrize(
    ("authority", "decided_on", "appeal_ends_on"),
    [
        ("nl-dtv", date(2026, 3, 2), date(2026, 3, 30)),  # 4 weeks
        ("be-dvz", date(2026, 3, 2), date(2026, 4, 1)),  # 30 days
        ("de-abh-berlin", date(2026, 3, 2), date(2026, 4, 2)),  # 1 month
        ("de-abh-berlin", date(2026, 1, 31), date(2026, 2, 28)),  # month end
        ("de-abh-berlin", date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        ("de-abh-berlin", date(2027, 12, 31), date(2028, 1, 31)),  # year end
        ("be-dvz", date(2027, 12, 15), date(2028, 1, 14)),  # days across the year end
        ("fr-prefecture-paris", date(2028, 2, 10), date(2028, 3, 11)),  # days over 29 Feb
    ],
)
def test_appeal_period_follows_the_member_states_law(db, authority, decided_on, appeal_ends_on):
    user = s.officer("officer", authority)
    with s.on(decided_on):
        case = _irregular_stay_case(user)
        case = actions.issue_return_decision(
            user, case.pk, decided_on=decided_on, voluntary_departure_days=30
        )
    appeal = _deadline(case, D.APPEAL_PERIOD_END)
    assert appeal.due_on == appeal_ends_on
    assert appeal.parameter is not None
    assert appeal.parameter.jurisdiction == case.member_state_id


def test_member_state_without_a_configured_appeal_period_gets_no_appeal_deadline(db, today):
    Authority.objects.create(
        code="at-bfa", name="Bundesamt für Fremdenwesen und Asyl",
        kind=Authority.Kind.IMMIGRATION_SERVICE, member_state_id="AT",
    )
    user = s.officer("officer", "at-bfa")
    case = _irregular_stay_case(user)
    case = actions.issue_return_decision(
        user, case.pk, decided_on=today, voluntary_departure_days=30
    )
    assert case.member_state_id == "AT"
    assert not case.timers.filter(kind=D.APPEAL_PERIOD_END).exists()
    assert case.voluntary_departure_ends_on == today + timedelta(days=30)


def test_lodging_the_appeal_meets_the_appeal_period(anna, today):
    case = s.voluntary_departure(anna)
    actions.lodge_appeal(
        anna, case.pk, contested_decision_id=s.in_force(case, K.RETURN_DECISION).pk,
        lodged_on=today, suspensive=False,
    )
    appeal = _deadline(case, D.APPEAL_PERIOD_END)
    assert (appeal.status, appeal.closed_on) == (Timer.Status.MET, today)


def test_return_decision_is_due_a_week_after_the_end_of_legal_stay(anna, today):
    case = s.registered(anna)
    ended = date(2026, 2, 27)
    case = actions.record_end_of_legal_stay(anna, case.pk, decided_on=ended)
    due = _deadline(case, D.RETURN_DECISION_DUE)
    assert (due.starts_on, due.due_on) == (ended, date(2026, 3, 6))
    assert due.parameter is not None
    assert due.parameter.code == "return_decision.target_after_end_of_legal_stay"
    task = case.tasks.get(kind=Task.Kind.ISSUE_RETURN_DECISION)
    assert (task.due_on, task.authority.code) == (date(2026, 3, 6), "nl-dtv")
    actions.issue_return_decision(anna, case.pk, decided_on=today, voluntary_departure_days=30)
    due.refresh_from_db()
    task.refresh_from_db()
    assert (due.status, due.closed_on, task.status) == (Timer.Status.MET, today, "done")


def test_irregular_stay_makes_the_return_decision_due_from_the_day_the_case_opens(anna, today):
    case = _irregular_stay_case(anna)
    due = _deadline(case, D.RETURN_DECISION_DUE)
    assert (due.starts_on, due.due_on) == (today, today + timedelta(days=7))


def test_an_end_of_legal_stay_before_the_target_existed_is_refused_and_leaves_no_decision(
    anna, today
):
    """The action records the decision before it looks up the target; the refusal must take
    the decision back with it."""
    case = s.registered(anna)
    with s.writes_nothing(case.pk), pytest.raises(
        TransitionRefused,
        match=re.escape(
            "'return_decision.target_after_end_of_legal_stay' is in force for NL on 2023-03-23"
        ),
    ):
        actions.record_end_of_legal_stay(anna, case.pk, decided_on=date(2023, 3, 23))
    assert not Decision.objects.filter(case=case).exists()


def test_a_return_decision_before_the_directive_applied_is_refused(anna, today):
    case = _irregular_stay_case(anna)
    with s.writes_nothing(case.pk), pytest.raises(
        TransitionRefused, match=re.escape("'voluntary_departure.minimum'")
    ):
        actions.issue_return_decision(
            anna, case.pk, decided_on=date(2008, 12, 1), voluntary_departure_days=30
        )


@pytest.mark.parametrize(
    ("departed_on", "years", "months", "ends_on"),
    [
        (date(2028, 2, 29), 1, 0, date(2029, 2, 28)),  # leap day, Reg. 1182/71 Art. 3(2)(c)
        (date(2028, 2, 29), 4, 0, date(2032, 2, 29)),
        (date(2026, 8, 31), 2, 6, date(2029, 2, 28)),  # month end
        (date(2026, 3, 31), 0, 1, date(2026, 4, 30)),
        (date(2026, 12, 31), 5, 0, date(2031, 12, 31)),
    ],
)
def test_entry_ban_runs_from_the_actual_departure(anna, departed_on, years, months, ends_on):
    """CJEU C-225/16 Ouhrami: the length of the ban counts from the day the person left, not
    from the day it was issued."""
    with s.on(departed_on - timedelta(days=20)):
        case = s.voluntary_departure(anna)
        actions.issue_entry_ban(
            anna, case.pk, decided_on=s.days_ago(0), ban_years=years, ban_months=months
        )
        assert not case.timers.filter(kind=D.ENTRY_BAN_END).exists()
    with s.on(departed_on):
        actions.record_voluntary_departure(
            anna, case.pk, departed_on=departed_on, destination="MA"
        )
    ban = _deadline(case, D.ENTRY_BAN_END)
    assert (ban.starts_on, ban.due_on) == (departed_on, ends_on)


def test_entry_ban_issued_after_departure_still_counts_from_the_departure(anna, today):
    departed_on = today - timedelta(days=10)
    with s.on(departed_on):
        case = s.departed(anna)
    case = actions.issue_entry_ban(anna, case.pk, decided_on=today, ban_years=1)
    ban = _deadline(case, D.ENTRY_BAN_END)
    assert (ban.starts_on, ban.due_on) == (departed_on, departed_on.replace(year=2027))


def test_an_annulled_return_decision_takes_its_entry_ban_deadline_with_it(anna, today):
    case = s.departed(anna)
    actions.issue_entry_ban(anna, case.pk, decided_on=today, ban_years=3)
    actions.lodge_appeal(
        anna, case.pk, contested_decision_id=s.in_force(case, K.RETURN_DECISION).pk,
        lodged_on=today, suspensive=False,
    )
    actions.decide_appeal(
        anna, case.pk, appeal_id=case.decisions.get(kind=K.APPEAL).pk, outcome="granted",
        decided_on=today,
    )
    assert case.decisions.get(kind=K.ENTRY_BAN).status == Decision.Status.ANNULLED
    assert _deadline(case, D.ENTRY_BAN_END).status == Timer.Status.CANCELLED


def test_an_annulled_entry_ban_ends_its_deadline(anna, today):
    case = s.departed(anna)
    actions.issue_entry_ban(anna, case.pk, decided_on=today, ban_years=3)
    ban = s.in_force(case, K.ENTRY_BAN)
    actions.lodge_appeal(
        anna, case.pk, contested_decision_id=ban.pk, lodged_on=today, suspensive=False
    )
    actions.decide_appeal(
        anna, case.pk, appeal_id=case.decisions.get(kind=K.APPEAL).pk, outcome="granted",
        decided_on=today,
    )
    assert _deadline(case, D.ENTRY_BAN_END).status == Timer.Status.CANCELLED
    assert s.in_force(case, K.RETURN_DECISION)  # the return decision itself stands


def _new_version(code: str, jurisdiction: str, value: int, unit: str, valid_from: date) -> None:
    LegalParameter.objects.create(
        code=code, jurisdiction=jurisdiction, value=value, unit=unit, valid_from=valid_from,
        description="test version", source=f"test amendment of {valid_from}",
        verification=LegalParameter.Verification.UNVERIFIED,
    )


def test_a_new_version_of_a_period_applies_to_decisions_from_its_first_day(anna):
    _new_version("appeal.period", "NL", 6, "weeks", date(2027, 1, 1))
    results = {}
    for day in (date(2026, 12, 31), date(2027, 1, 1)):
        with s.on(day):
            case = _irregular_stay_case(anna)
            actions.issue_return_decision(anna, case.pk, decided_on=day,
                                          voluntary_departure_days=30)
        appeal = _deadline(case, D.APPEAL_PERIOD_END)
        assert appeal.parameter is not None
        results[day] = (appeal.due_on, appeal.parameter.value, appeal.parameter.unit)
    assert results == {
        date(2026, 12, 31): (date(2027, 1, 28), 4, "weeks"),
        date(2027, 1, 1): (date(2027, 2, 12), 6, "weeks"),
    }


def test_a_new_maximum_applies_to_decisions_from_its_first_day(anna):
    _new_version("voluntary_departure.maximum", "EU", 20, "days", date(2030, 1, 1))
    with s.on(date(2029, 12, 31)):
        case = _irregular_stay_case(anna)
        case = actions.issue_return_decision(
            anna, case.pk, decided_on=date(2029, 12, 31), voluntary_departure_days=30
        )
        assert case.stage == Stage.VOLUNTARY_DEPARTURE
    with s.on(date(2030, 1, 1)):
        case = _irregular_stay_case(anna)
        with s.writes_nothing(case.pk), pytest.raises(InvalidInput, match="at most 20 days"):
            actions.issue_return_decision(
                anna, case.pk, decided_on=date(2030, 1, 1), voluntary_departure_days=30
            )
        # a decision dated before the change is still measured by the old maximum
        case = actions.issue_return_decision(
            anna, case.pk, decided_on=date(2029, 12, 30), voluntary_departure_days=30
        )
        assert case.voluntary_departure_ends_on == date(2030, 1, 29)


def test_a_national_rule_beats_the_union_rule(anna, lucas, today):
    _new_version("voluntary_departure.maximum", "NL", 25, "days", date(2009, 1, 13))
    nl_case = _irregular_stay_case(anna)
    with s.writes_nothing(nl_case.pk), pytest.raises(InvalidInput, match="at most 25 days"):
        actions.issue_return_decision(
            anna, nl_case.pk, decided_on=today, voluntary_departure_days=30
        )
    be_case = _irregular_stay_case(lucas)
    be_case = actions.issue_return_decision(
        lucas, be_case.pk, decided_on=today, voluntary_departure_days=30
    )
    assert be_case.voluntary_departure_ends_on == today + timedelta(days=30)


REASONS = ["", "risk_of_absconding", "manifestly_unfounded_application",
           "threat_to_public_order", "no_ticket"]


@pytest.fixture
def awaiting_decision(anna, today) -> ReturnCase:
    return _irregular_stay_case(anna)


@EXAMPLES
@given(days=st.integers(min_value=-3, max_value=40), reason=st.sampled_from(REASONS))
def test_voluntary_departure_bounds(anna, today, awaiting_decision, days, reason):
    """Directive 2008/115/EC Art. 7(1) and 7(4): 7 to 30 days; less, or none, only for one of
    the grounds of Art. 7(4), which in turn are stated only for a shorter period."""
    valid_ground = reason not in ("", "no_ticket")
    allowed = (7 <= days <= 30 and reason == "") or (0 <= days < 7 and valid_ground)
    with s.rolled_back():
        try:
            case = actions.issue_return_decision(
                anna, awaiting_decision.pk, decided_on=today, voluntary_departure_days=days,
                shortened_departure_reason=reason,
            )
        except InvalidInput as refusal:
            assert not allowed, refusal
            assert set(refusal.errors) <= {"voluntary_departure_days", "shortened_departure_reason"}
            if days > 30:
                assert "at most 30 days" in str(refusal)
            elif 0 <= days < 7:
                assert "Art. 7(4)" in str(refusal)
            assert not Decision.objects.filter(case=awaiting_decision).exists()
        else:
            assert allowed
            expected = Stage.VOLUNTARY_DEPARTURE if days else Stage.FORCED_RETURN_PREPARATION
            assert case.stage == expected
