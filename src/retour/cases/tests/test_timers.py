"""Timers: the registry of kinds (a kind no app registers is refused), the one overdue query
(and its in-memory twin), and the one daily tick (each handler once, idempotent, nothing for
a closed case, a refusal reported while the others go on)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retour import clock
from retour.cases import actions, timers
from retour.cases.models import ReturnCase, Task, Timer
from retour.cases.stages import Stage
from retour.cases.tests import support as s
from retour.cases.timers import Acts
from retour.errors import TransitionRefused

K = Timer.Kind
S = Timer.Status


def test_the_case_cores_kinds_are_registered_with_their_words_and_who_acts():
    for member in K:
        kind = timers.kind(member)
        assert kind.subject == timers.CASE
        assert timers.label(member) == str(member.label)
    # Periods that run for the person make no work overdue when they pass.
    assert set(timers.codes(subject=timers.CASE, overdue=False)) == {
        K.APPEAL_PERIOD_END, K.ENTRY_BAN_END,
    }
    assert timers.kind(K.HANDOVER_ACCEPTANCE).acts is Acts.OTHER_AUTHORITY
    assert timers.codes(subject=timers.CASE, passing=True) == [K.VOLUNTARY_DEPARTURE_END]
    # Another app's kinds are registered on their own subject, with their words.
    others = [k for k in timers.kinds() if k.subject != timers.CASE]
    assert others and all(str(k.label) != k.code for k in others)


def test_a_kind_no_app_registers_is_refused_when_opened(anna, today):
    case = s.registered(anna)
    before = s.footprint(case.pk)
    with pytest.raises(ValueError, match="no app registers the timer kind 'parole_review'"):
        timers.start(case, "parole_review", today, today + timedelta(days=3))
    assert s.footprint(case.pk) == before
    # A kind belongs to one kind of record, and a record other than the case names its key.
    with pytest.raises(ValueError, match="belongs to a case"):
        timers.start(case, K.POSTPONEMENT_END, today, today, subject="readmission_request",
                     key=1)
    other = next(k for k in timers.kinds() if k.subject != timers.CASE)
    with pytest.raises(ValueError, match="needs the record's key"):
        timers.start(case, other.code, today, today, subject=other.subject)
    assert s.footprint(case.pk) == before


def test_a_kind_is_registered_once_and_an_unknown_one_reads_as_its_code():
    timers.register(K.APPEAL_PERIOD_END, acts=Acts.PERSON, overdue=False)  # the same: fine
    with pytest.raises(ValueError, match="registered twice"):
        timers.register(K.APPEAL_PERIOD_END, acts=Acts.PERSON, overdue=True)
    assert timers.label("parole_review") == "parole_review"
    assert timers.makes_work_overdue("parole_review")


def test_a_timer_records_its_rule_its_source_and_who_must_act(anna, today):
    case = s.registered(anna, origin="irregular_stay_detected")
    due = case.timers.get(kind=K.RETURN_DECISION_DUE)
    assert (due.subject, due.subject_key) == (timers.CASE, str(case.pk))
    assert due.parameter is not None
    assert due.rule == due.parameter.code == "return_decision.target_after_end_of_legal_stay"
    assert due.source == due.parameter.source and due.source
    assert due.authority == case.responsible_authority


def test_an_accepted_hand_over_moves_the_due_dates_the_responsible_authority_must_meet(
    anna, pieter, today
):
    case = s.registered(anna, origin="irregular_stay_detected")
    actions.send_handover(anna, case.pk, to_authority="nl-avim", note="theirs")
    acceptance = case.timers.get(kind=K.HANDOVER_ACCEPTANCE)
    assert acceptance.authority == pieter.authority  # the receiver must act
    actions.accept_handover(pieter, case.pk)
    assert case.timers.get(kind=K.RETURN_DECISION_DUE).authority == pieter.authority
    acceptance.refresh_from_db()
    assert (acceptance.status, acceptance.authority) == (S.MET, pieter.authority)


# --- the overdue query ----------------------------------------------------------------------

KINDS = [*K.values, "no_longer_registered"]
TIMERS = st.lists(
    st.tuples(st.sampled_from(KINDS), st.sampled_from(S.values), st.integers(-40, 40)),
    min_size=1, max_size=12,
)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=TIMERS)
def test_the_overdue_query_and_its_twin_in_memory_agree(anna, rows):
    """``overdue`` (SQL, for the pages and the tick) and ``is_overdue`` (in memory, for the
    actions in a bulk session) say the same of any timer: open, past its due date (not on
    it), of a kind whose passing makes work overdue (or a kind no app registers any more)."""
    with s.rolled_back(), s.on(s.TODAY):
        today = clock.today()
        case = s.registered(anna)
        made = Timer.objects.bulk_create(
            Timer(case=case, subject=timers.CASE, subject_key=str(case.pk), kind=kind,
                  status=status, starts_on=today - timedelta(days=60),
                  due_on=today + timedelta(days=offset))
            for kind, status, offset in rows
        )
        overdue = set(timers.overdue(today, keys=[case.pk]).values_list("pk", flat=True))
        assert overdue == {t.pk for t in made if timers.is_overdue(t, today)}
        for timer in made:
            expected = (timer.status == S.OPEN and timer.due_on < today
                        and timer.kind not in (K.APPEAL_PERIOD_END, K.ENTRY_BAN_END))
            assert timers.is_overdue(timer, today) == expected
        running = set(timers.open(keys=[case.pk]).values_list("pk", flat=True))
        assert running == {t.pk for t in made if t.status == S.OPEN}
        first = timers.next_due(made)
        assert (first.due_on if first else None) == min(
            (t.due_on for t in made if t.status == S.OPEN), default=None)


def test_the_case_list_counts_a_passed_deadline_as_overdue_but_not_a_period_of_the_person(
    anna, today
):
    from retour.cases.search import CaseFilters, find_cases

    with s.on(today - timedelta(days=60)):
        late = s.voluntary_departure(anna, days=7)  # ended, and no tick has run since
        appeal_only = s.voluntary_departure(anna, days=7)
    actions.record_voluntary_departure(
        anna, appeal_only.pk, departed_on=today - timedelta(days=59), destination="MA")
    overdue = {c.number for c in find_cases(anna, CaseFilters(overdue=True))}
    late.refresh_from_db()
    appeal_only.refresh_from_db()
    # The appeal period ended without an appeal: a period of the person, no work.
    assert appeal_only.timers.filter(kind=K.APPEAL_PERIOD_END, status=S.OPEN).exists()
    assert not late.tasks.filter(status=Task.Status.OPEN).exists()  # the timer alone
    assert late.number in overdue and appeal_only.number not in overdue
    # The flag each row carries (computed for the rows read) says the same as the filter.
    def flags(cases: Any) -> dict[str, bool]:
        return {c.number: c.overdue for c in cases}

    every = flags(find_cases(anna, CaseFilters()))
    assert {number for number, flag in every.items() if flag} == overdue
    assert flags(find_cases(anna, CaseFilters(sort="number"))[1:]) == {
        number: every[number] for number in sorted(every)[1:]
    }


# --- the one tick ---------------------------------------------------------------------------


class _TestKind(models.TextChoices):
    REVIEW = "test_review", "review due (test)"
    CHAIN = "test_chain", "chained review due (test)"


@pytest.fixture
def handled() -> Iterator[list[Any]]:
    """Two kinds of timer only this test module registers: REVIEW's handler closes its
    timer (or refuses for a timer starting on a Sunday); CHAIN's opens a REVIEW timer that
    has already passed."""
    calls: list[Any] = []

    def review(timer: Timer) -> str | None:
        calls.append(timer.pk)
        if timer.starts_on.weekday() == 6:
            raise TransitionRefused("not on a Sunday")
        Timer.objects.filter(pk=timer.pk).update(status=S.MET, closed_on=clock.today())
        return "reviewed"

    def chain(timer: Timer) -> str | None:
        calls.append(timer.pk)
        Timer.objects.filter(pk=timer.pk).update(status=S.MET, closed_on=clock.today())
        timers.start(timer.case, _TestKind.REVIEW, timer.starts_on, timer.due_on)
        return "chained"

    timers.register(_TestKind.REVIEW, acts=Acts.RESPONSIBLE_AUTHORITY, overdue=True,
                    passing=review, heading="tests", outcomes=("reviewed",))
    timers.register(_TestKind.CHAIN, acts=Acts.RESPONSIBLE_AUTHORITY, overdue=True,
                    passing=chain, heading="tests", outcomes=("chained",))
    try:
        yield calls
    finally:
        for kind in _TestKind:
            timers._KINDS.pop(kind.value)


def _timer(case: ReturnCase, kind: str, due_in: int, starts: int = -10) -> Timer:
    today = clock.today()
    return timers.start(case, kind, today + timedelta(days=starts), today + timedelta(days=due_in))


def test_the_tick_hands_each_passed_timer_to_its_kind_once(anna, today, handled):
    case = s.registered(anna)
    passed = _timer(case, _TestKind.REVIEW, -1)
    _timer(case, _TestKind.REVIEW, 0)  # due today: not passed yet
    met = _timer(case, _TestKind.REVIEW, -5)
    Timer.objects.filter(pk=met.pk).update(status=S.MET, closed_on=today)
    closed_case = s.registered(anna)
    of_closed_case = _timer(closed_case, _TestKind.REVIEW, -3)
    actions.close_case(anna, closed_case.pk, outcome="legal_stay_granted")
    done = timers.tick()
    assert handled == [passed.pk]  # not due today, not closed, not of a closed case
    assert done.under("tests") == {"reviewed": 1, "chained": 0}
    assert "tests: 1 reviewed, 0 chained" in done.lines()
    met.refresh_from_db()
    of_closed_case.refresh_from_db()
    assert met.status == S.MET and of_closed_case.status == S.OPEN
    # Twice the same day: nothing more.
    again = timers.tick()
    assert handled == [passed.pk] and again.under("tests") == {"reviewed": 0, "chained": 0}


def test_a_refused_step_is_reported_and_the_others_go_on(anna, today, handled):
    case = s.registered(anna)
    sunday = today - timedelta(days=today.weekday() + 1)
    refused = _timer(case, _TestKind.REVIEW, -2, starts=(sunday - today).days)
    fine = _timer(case, _TestKind.REVIEW, -1)
    done = timers.tick()
    assert set(handled) == {refused.pk, fine.pk}
    assert [(t.pk, str(e)) for t, e in done.refused] == [(refused.pk, "not on a Sunday")]
    assert done.count("reviewed", "tests") == 1
    out, err = StringIO(), StringIO()
    call_command("tick", stdout=out, stderr=err)
    assert "not on a Sunday" in err.getvalue() and case.number in err.getvalue()
    assert "1 timer(s) whose step was refused" in out.getvalue()


def test_a_timer_a_handler_opens_already_passed_is_handled_in_the_same_run(
    anna, today, handled
):
    case = s.registered(anna)
    _timer(case, _TestKind.CHAIN, -1)
    done = timers.tick()
    assert done.under("tests") == {"reviewed": 1, "chained": 1}
    assert not case.timers.filter(kind__in=_TestKind.values, status=S.OPEN).exists()
    assert timers.tick().under("tests") == {"reviewed": 0, "chained": 0}


def test_the_tick_passes_an_ended_voluntary_departure_to_forced_return_once(anna, today):
    case = s.voluntary_departure(anna, days=7)
    with s.on(today + timedelta(days=7)):  # the last day
        assert timers.tick().count(timers.VOLUNTARY_DEPARTURE_ENDED) == 0
    with s.on(today + timedelta(days=8)):
        out = StringIO()
        call_command("tick", stdout=out)
        assert "1 voluntary-departure period(s) ended without departure" in out.getvalue()
        case.refresh_from_db()
        assert case.stage == Stage.FORCED_RETURN_PREPARATION
        ended = case.timers.get(kind=K.VOLUNTARY_DEPARTURE_END)
        assert (ended.status, ended.closed_on) == (S.LAPSED, today + timedelta(days=8))
        assert case.tasks.filter(kind=Task.Kind.PREPARE_FORCED_RETURN, status="open").exists()
        before = s.footprint(case.pk)
        again = StringIO()
        call_command("tick", stdout=again)
        assert "0 voluntary-departure period(s) ended without departure" in again.getvalue()
        assert s.footprint(case.pk) == before


def test_a_suspended_voluntary_departure_passes_once_the_case_resumes(anna, today):
    case = s.voluntary_departure(anna, days=7)
    decision = s.in_force(case, "return_decision")
    case = actions.lodge_appeal(anna, case.pk, contested_decision_id=decision.pk,
                                lodged_on=today, suspensive=True)
    appeal = case.decisions.get(kind="appeal")
    with s.on(today + timedelta(days=10)):
        assert actions.expire_due_voluntary_departures() == 0
        assert case.timers.get(kind=K.VOLUNTARY_DEPARTURE_END).status == S.OPEN
        actions.decide_appeal(anna, case.pk, appeal_id=appeal.pk, outcome="dismissed",
                              decided_on=today + timedelta(days=10))
        assert actions.expire_due_voluntary_departures() == 1
    case.refresh_from_db()
    assert case.stage == Stage.FORCED_RETURN_PREPARATION
