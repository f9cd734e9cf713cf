"""Bulk sessions: all or nothing, no nesting, remembered lookups."""

from __future__ import annotations

import pytest

from retour import bulk
from retour.audit.log import record_access, verify_chain
from retour.audit.models import AccessLogEntry
from retour.cases import actions
from retour.cases.models import CaseEvent
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
