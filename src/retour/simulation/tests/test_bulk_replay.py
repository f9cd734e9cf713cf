"""A replay in a bulk session writes exactly what the same replay writes action by action."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count

from retour import bulk
from retour.accounts.models import User
from retour.audit.log import verify_chain
from retour.audit.models import AccessLogEntry, AccessLogPerson
from retour.cases import actions
from retour.cases.models import CaseMilestones, CaseNumberCounter, ReturnCase
from retour.cases.tests import support as s
from retour.counselling.models import CounsellingMilestones, ReintegrationReferral
from retour.detention.models import DetentionMilestones, DetentionPeriod
from retour.seam import projections
from retour.simulation import replay
from retour.simulation.seeding import seed
from retour.testing.projections import assert_same_as_replayed

TODAY = date(2026, 6, 1)
# Row fields that differ between two runs by nature: random identifiers and what refers to them.
_IDENTIFIERS = {"id", "case", "person", "decision", "contested", "object_ids", "person_ids",
                "digest", "previous_digest", "subject_key"}


def _row(obj: Any) -> dict[str, Any]:
    """The row's values; users by name, since their keys differ between runs on PostgreSQL
    (a sequence does not roll back)."""
    return {
        f.name: (getattr(obj, f.name).username
                 if f.related_model is User and getattr(obj, f.attname) else
                 _without_ids(getattr(obj, f.attname)))
        for f in obj._meta.concrete_fields if f.name not in _IDENTIFIERS
    }


def _without_ids(value: Any) -> Any:
    """Event values name the rows they made or refer to by key (``{"decision": {"id": ...,
    "contested": ...}}``), and a search for a person's possible matches names the person
    (``{"possible_matches_of": ...}``); the keys differ between runs."""
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items()
                if k not in ("id", "contested", "possible_matches_of")}
    return value


def _written() -> dict[str, Any]:
    """Everything the replay wrote, keyed by case number instead of random identifiers."""
    cases = ReturnCase.objects.select_related("milestones").order_by("number")
    return {
        "cases": [
            (
                _row(case),
                _projection_rows(case),
                [_row(e) for e in case.events.order_by("sequence")],
                sorted(str(_row(d)) for d in case.decisions.all()),
                sorted(str(_row(d)) for d in case.timers.all()),
                sorted(str(_row(t)) for t in case.tasks.all()),
                sorted(str(_row(h)) for h in case.handovers.all()),
                sorted(str(_row(p)) for p in DetentionPeriod.objects.filter(case=case)),
                sorted(str(_row(r)) for r in ReintegrationReferral.objects.filter(case=case)),
            )
            for case in cases
        ],
        "access_log": [_row(e) for e in AccessLogEntry.objects.order_by("sequence")],
        "counters": sorted(CaseNumberCounter.objects.values_list("member_state", "year", "last")),
    }


def _projection_rows(case: ReturnCase) -> list[dict[str, Any] | None]:
    """The case's row of every projection (the milestone row and each app's), if kept."""
    rows = [p.model._default_manager.filter(case=case).first()
            for p in projections.projections()]
    return [_row(row) if row is not None else None for row in rows]


def _assert_person_index_matches_the_entries() -> None:
    indexed: dict[int, set[str]] = {}
    for entry_id, person_id in AccessLogPerson.objects.values_list("entry_id", "person_id"):
        indexed.setdefault(entry_id, set()).add(str(person_id))
    for entry in AccessLogEntry.objects.all():
        assert indexed.get(entry.id, set()) == set(entry.person_ids)


@contextmanager
def _action_by_action() -> Any:
    with transaction.atomic():
        yield None


def test_a_bulk_replay_writes_what_the_action_by_action_replay_writes(db, monkeypatch):
    runs = []
    for batched in (True, False):
        with transaction.atomic():
            if not batched:
                monkeypatch.setattr(replay.bulk, "bulk_session", _action_by_action)
            report = seed(cases=60, seed=8, today=TODAY)
            assert verify_chain() is None
            _assert_person_index_matches_the_entries()
            for case in ReturnCase.objects.all():
                assert_same_as_replayed(case)
            runs.append(_written())
            transaction.set_rollback(True)
    assert report.case_count == 60 and len(runs[0]["cases"]) == 60
    assert sum(len(c[2]) for c in runs[0]["cases"]) > 120  # the stories went somewhere
    assert runs[0] == runs[1]


def test_some_are_detained_until_removed_and_some_released(db):
    seed(cases=80, seed=8, today=TODAY)
    ended = dict(
        DetentionPeriod.objects.values_list("end_reason").annotate(n=Count("id"))
    )
    assert ended.get("removed", 0) >= 1, ended
    assert ended.get("no_prospect_of_removal", 0) + ended.get("released_by_court", 0) >= 1, ended
    removed = DetentionMilestones.objects.filter(detention_end_reason="removed")
    for row in removed.select_related("case__milestones"):
        case = row.case.milestones
        assert case.return_type == "enforced" and row.detention_ended_on == case.departed_on


def test_some_voluntary_returns_are_referred_to_reintegration_and_most_accept(db):
    seed(cases=80, seed=8, today=TODAY)
    outcomes = dict(
        ReintegrationReferral.objects.values_list("outcome").annotate(n=Count("id"))
    )
    assert outcomes.get("accepted", 0) > outcomes.get("declined", 0) >= 0, outcomes
    accepted = CounsellingMilestones.objects.filter(reintegration_accepted_on__isnull=False)
    assert accepted.exists()
    for row in accepted.exclude(case__milestones__departed_on=None).select_related(
        "case__milestones"
    ):
        case = row.case.milestones
        assert case.return_type == "voluntary" and case.assisted
        accepted_on, departed_on = row.reintegration_accepted_on, case.departed_on
        assert accepted_on is not None and departed_on is not None
        assert accepted_on <= departed_on


def test_a_bulk_session_after_earlier_work_continues_the_chain_and_the_numbers(db):
    seed(cases=5, seed=2, today=TODAY)
    seed(cases=5, seed=3, today=TODAY)
    assert verify_chain() is None
    numbers = sorted(ReturnCase.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 10
    for case in ReturnCase.objects.all():
        assert_same_as_replayed(case)
        assert case.events.count() == case.version


def test_a_case_from_before_the_session_gets_its_milestones_saved(anna):
    case = s.legal_stay_ended(anna)
    with bulk.bulk_session():
        actions.issue_return_decision(anna, case.pk, decided_on=case.opened_at.date(),
                                      voluntary_departure_days=30)
    case.refresh_from_db()
    row = CaseMilestones.objects.get(case=case)
    assert row.return_decision_on == case.opened_at.date()
    assert_same_as_replayed(case)
    assert verify_chain() is None
