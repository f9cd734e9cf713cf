"""The main path of a case, end to end through the action functions."""

from __future__ import annotations

from datetime import UTC, date, datetime

from retour import clock
from retour.cases import actions, milestones
from retour.cases.models import CaseMilestones, Task, Timer
from retour.cases.stages import Stage
from retour.testing.factories import case_for


def test_negative_asylum_decision_to_voluntary_return(anna, pieter):
    with clock.frozen_at(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)):
        case = case_for(anna)
        case = actions.record_end_of_legal_stay(anna, case.pk, decided_on=date(2026, 3, 1))
        assert case.stage == Stage.LEGAL_STAY_ENDED
        task = case.tasks.get(kind=Task.Kind.ISSUE_RETURN_DECISION)
        assert task.due_on == date(2026, 3, 8)
        case = actions.issue_return_decision(
            anna, case.pk, decided_on=date(2026, 3, 2), voluntary_departure_days=30
        )
        assert case.stage == Stage.VOLUNTARY_DEPARTURE
        assert case.voluntary_departure_ends_on == date(2026, 4, 1)
        appeal_end = case.timers.get(kind=Timer.Kind.APPEAL_PERIOD_END)
        assert appeal_end.due_on == date(2026, 3, 30)  # NL: 4 weeks
        case = actions.send_handover(anna, case.pk, to_authority="nl-avim", note="please take")
        case = actions.accept_handover(pieter, case.pk)
        assert case.responsible_authority.code == "nl-avim"
    with clock.frozen_at(datetime(2026, 3, 20, 9, 0, tzinfo=UTC)):
        case = actions.record_voluntary_departure(
            pieter, case.pk, departed_on=date(2026, 3, 19), destination="MA", assisted=True
        )
        case = actions.close_case(pieter, case.pk, outcome="returned_voluntarily")
    assert case.stage == Stage.CLOSED
    stored = CaseMilestones.objects.get(case=case)
    replayed = milestones.rebuild(case)
    assert stored.departed_on == replayed.departed_on == date(2026, 3, 19)
    assert replayed.return_type == "voluntary"
    assert [e.sequence for e in case.events.all()] == list(range(1, 8))
    assert not case.tasks.filter(status="open").exists()


def test_voluntary_departure_expiry_hands_over_to_forced_return(anna):
    with clock.frozen_at(datetime(2026, 1, 10, 9, 0, tzinfo=UTC)):
        case = case_for(anna)
        actions.record_end_of_legal_stay(anna, case.pk, decided_on=date(2026, 1, 9))
        actions.issue_return_decision(
            anna, case.pk, decided_on=date(2026, 1, 10), voluntary_departure_days=7
        )
    with clock.frozen_at(datetime(2026, 1, 17, 12, 0, tzinfo=UTC)):
        assert actions.expire_due_voluntary_departures() == 0
    with clock.frozen_at(datetime(2026, 1, 18, 1, 0, tzinfo=UTC)):
        assert actions.expire_due_voluntary_departures() == 1
    case.refresh_from_db()
    assert case.stage == Stage.FORCED_RETURN_PREPARATION
    kinds = set(case.tasks.filter(status="open").values_list("kind", flat=True))
    assert kinds == {Task.Kind.PREPARE_FORCED_RETURN, Task.Kind.ISSUE_ENTRY_BAN}
