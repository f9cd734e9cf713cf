"""Bulk sessions: all or nothing, no nesting, remembered lookups."""

from __future__ import annotations

import pytest

from retour import bulk, clock
from retour.audit.log import record_access, verify_chain
from retour.audit.models import AccessLogEntry
from retour.cases import actions, guards
from retour.cases.models import CaseEvent, Decision, Timer
from retour.cases.stages import Stage
from retour.cases.tests import support as s
from retour.errors import TransitionRefused


def test_entries_are_written_when_the_session_ends(anna):
    with bulk.bulk_session():
        record_access(anna, "read", "person", [])
        record_access(anna, "read", "person", [])
        assert not AccessLogEntry.objects.exists()
    assert AccessLogEntry.objects.count() == 2
    assert verify_chain() is None


def test_a_session_in_which_an_action_failed_writes_nothing(anna):
    case = s.legal_stay_ended(anna)
    events = CaseEvent.objects.count()
    with pytest.raises(bulk.BulkSessionFailed), bulk.bulk_session():
        record_access(anna, "read", "return_case", [case.pk])
        with pytest.raises(TransitionRefused):  # no return decision to withdraw
            actions.withdraw_return_decision(anna, case.pk, decided_on=case.opened_at.date(),
                                             reason="error")
    assert CaseEvent.objects.count() == events
    assert not AccessLogEntry.objects.filter(operation="read").exists()


def test_an_exception_leaving_the_session_writes_nothing(anna):
    with pytest.raises(KeyError), bulk.bulk_session():
        record_access(anna, "read", "person", [])
        raise KeyError("stop")
    assert not AccessLogEntry.objects.exists()


def test_sessions_do_not_nest(db):
    with pytest.raises(RuntimeError, match="do not nest"), bulk.bulk_session(), \
            bulk.bulk_session():
        pass


def test_a_lookup_is_remembered_only_inside_a_session(db):
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert bulk.remembered("k", compute) == 1
    assert bulk.remembered("k", compute) == 2
    with bulk.bulk_session():
        assert bulk.remembered("k", compute) == 3
        assert bulk.remembered("k", compute) == 3


def test_rows_from_before_the_session_are_changed_in_memory_and_updated_at_its_end(anna):
    case = s.voluntary_departure(anna)
    decision = s.in_force(case, Decision.Kind.RETURN_DECISION)
    with bulk.bulk_session():
        actions.lodge_appeal(anna, case.pk, contested_decision_id=decision.pk,
                             lodged_on=clock.today(), suspensive=True)
        appeal = guards.latest_decision(case, Decision.Kind.APPEAL, Decision.Status.PENDING)
        assert appeal is not None
        actions.decide_appeal(anna, case.pk, appeal_id=appeal.pk, outcome="granted",
                              decided_on=clock.today())
        # The session sees its own changes; the database does not, yet.
        assert not guards.decisions_in_force(case, Decision.Kind.RETURN_DECISION)
        assert Decision.objects.get(pk=decision.pk).status == Decision.Status.IN_FORCE
        assert not Decision.objects.filter(kind=Decision.Kind.APPEAL).exists()
    decision.refresh_from_db()
    assert decision.status == Decision.Status.ANNULLED
    assert Decision.objects.get(pk=appeal.pk).appeal_outcome == "granted"
    assert not case.timers.filter(decision=decision, status=Timer.Status.OPEN).exists()
    case.refresh_from_db()
    assert case.stage == Stage.LEGAL_STAY_ENDED
    assert case.version == case.events.count() == 5


def test_rows_made_in_a_session_take_keys_the_database_does_not_hand_out_again(anna):
    before = s.legal_stay_ended(anna)
    highest = Decision.objects.order_by("-pk").values_list("pk", flat=True).first()
    with bulk.bulk_session():
        actions.issue_return_decision(anna, before.pk, decided_on=clock.today(),
                                      voluntary_departure_days=30)
    in_session = s.in_force(before, Decision.Kind.RETURN_DECISION)
    assert highest is not None and in_session.pk > highest
    after = s.voluntary_departure(anna)  # row by row again, from the database's own sequence
    assert s.in_force(after, Decision.Kind.RETURN_DECISION).pk > in_session.pk


def test_kept_rows_answer_only_the_lookups_the_actions_use(anna):
    case = s.legal_stay_ended(anna)
    with bulk.bulk_session():
        assert bulk.select(case, "decisions", kind__in=[Decision.Kind.END_OF_LEGAL_STAY],
                           contested__isnull=True)
        with pytest.raises(ValueError, match="not supported"):
            bulk.select(case, "decisions", decided_on__gte=clock.today())


def test_a_page_reads_a_relation_once_and_forgets_it_when_something_is_written(
    anna, django_assert_num_queries
):
    case = s.voluntary_departure(anna)
    with bulk.reading():
        with django_assert_num_queries(1):
            in_force = bulk.select(case, "decisions", status=Decision.Status.IN_FORCE)
            assert bulk.select(case, "decisions", kind__in=[Decision.Kind.RETURN_DECISION],
                               contested__isnull=True)
            assert not bulk.select(case, "decisions", kind=Decision.Kind.APPEAL)
        with django_assert_num_queries(1):  # a lookup the kept rows do not answer
            assert bulk.select(case, "decisions", decided_on__lte=clock.today())
        decision = in_force[0]
        decision.reference = "RD-1"
        bulk.save(decision, "reference")
        with django_assert_num_queries(1):  # read again after the write
            assert bulk.select(case, "decisions", pk=decision.pk)[0].reference == "RD-1"
    with django_assert_num_queries(2):  # outside, every call reads
        bulk.select(case, "decisions", status=Decision.Status.IN_FORCE)
        bulk.select(case, "decisions", status=Decision.Status.IN_FORCE)
