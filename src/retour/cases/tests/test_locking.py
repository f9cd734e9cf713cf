"""Optimistic locking: an action on a version the user no longer sees is refused, naming who
changed the case."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retour.cases import actions
from retour.cases.tests import support as s
from retour.errors import StaleVersion


def test_a_stale_version_is_refused_naming_who_changed_the_case(anna, sanne, today):
    case = s.registered(anna)
    seen = case.version
    actions.record_end_of_legal_stay(
        sanne, case.pk, decided_on=today, expected_version=seen
    )
    with s.writes_nothing(case.pk), pytest.raises(StaleVersion) as refusal:
        actions.record_end_of_legal_stay(anna, case.pk, decided_on=today, expected_version=seen)
    message = str(refusal.value)
    assert "Sanne Jansen" in message
    assert "record_end_of_legal_stay" in message
    assert f"you had version {seen}, it is now version {seen + 1}" in message
    assert case.number in message


def test_the_current_version_goes_through_and_moves_on(anna, today):
    case = s.registered(anna)
    case = actions.record_end_of_legal_stay(
        anna, case.pk, decided_on=today, expected_version=case.version
    )
    assert case.version == 2
    case = actions.issue_return_decision(
        anna, case.pk, decided_on=today, voluntary_departure_days=30, expected_version=2
    )
    assert case.version == 3


def test_a_change_by_the_system_is_named_as_such(anna):
    with s.on(s.TODAY):
        case = s.voluntary_departure(anna, days=7)
    with s.on(s.TODAY + timedelta(days=8)):
        actions.expire_due_voluntary_departures()
        with s.writes_nothing(case.pk), pytest.raises(StaleVersion, match="by the system"):
            actions.issue_entry_ban(
                anna, case.pk, decided_on=s.TODAY, ban_years=1, expected_version=case.version
            )
