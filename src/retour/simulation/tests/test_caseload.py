"""A seeded caseload, read by several tests: every case where its storyline said it would be,
every write an action, and the look of real casework."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.db import transaction

from retour.accounts.models import User
from retour.audit.log import verify_chain
from retour.audit.models import AccessLogEntry
from retour.cases import milestones
from retour.cases.models import CaseEvent, CaseMilestones, ReturnCase
from retour.cases.stages import Stage
from retour.people.models import FamilyLink, Person, PersonName, Vulnerability
from retour.simulation.seeding import SeedReport, seed

TODAY = date(2026, 6, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def caseload(django_db_setup: Any, django_db_blocker: Any) -> Iterator[SeedReport]:
    """One caseload for the tests that only read it (seeding is the slow part), rolled back
    when they are done; each test's own transaction nests inside."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed(cases=200, seed=4, today=TODAY)
        transaction.set_rollback(True)


def _milestone_values(row: CaseMilestones) -> dict[str, Any]:
    return {f.name: getattr(row, f.name) for f in CaseMilestones._meta.concrete_fields
            if f.name != "case"}


def test_every_case_ends_in_the_stage_of_its_storyline(caseload):
    planned = [h.stage for h in caseload.households for _ in h.persons]
    assert caseload.case_count == ReturnCase.objects.count() == 200
    stored = ReturnCase.objects.order_by("opened_at", "number").values_list("stage", flat=True)
    assert sorted(stored) == sorted(planned)
    assert set(stored) == set(Stage)
    assert len(caseload.outcomes) >= 5
    assert sum(caseload.cases[(ms, stage)] for ms, stage in caseload.cases) == 200


def test_every_write_went_through_the_actions(caseload):
    persons = set(Person.objects.values_list("pk", flat=True))
    registered = {
        pid for ids in AccessLogEntry.objects.filter(object_type="person", operation="write")
        .values_list("object_ids", flat=True) for pid in ids
    }
    assert {str(p) for p in persons} <= registered
    assert verify_chain() is None
    for case in ReturnCase.objects.all():
        events = list(case.events.order_by("sequence"))
        assert events[0].type == "case_opened"
        assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    sample = ReturnCase.objects.order_by("number")[::7]
    for case in sample:
        assert _milestone_values(case.milestones) == _milestone_values(milestones.rebuild(case))
    actors = set(CaseEvent.objects.exclude(actor=None).values_list("actor__username", flat=True))
    assert actors and all(name.startswith("sim-") for name in actors)
    assert not User.objects.filter(username__startswith="sim-").exclude(password__startswith="!")


def test_the_caseload_looks_like_real_casework(caseload):
    scripts = set(PersonName.objects.values_list("script", flat=True))
    assert {"Latn", "Arab", "Cyrl"} <= scripts
    assert Vulnerability.objects.filter(kind=Vulnerability.Kind.UNACCOMPANIED_MINOR).exists()
    assert FamilyLink.objects.filter(relation=FamilyLink.Relation.PARENT_OF).exists()
    assert Person.objects.filter(birth_month=None).exists()
    assert Person.objects.filter(birth_date_estimated=True).exists()
    assert set(Person.objects.values_list("sex", flat=True)) >= {"M", "F"}
    states = set(ReturnCase.objects.values_list("member_state", flat=True))
    assert states == {"NL", "BE", "DE", "SE", "FR"}
    moments = CaseEvent.objects.order_by("occurred_at").values_list("occurred_at", flat=True)
    first, last = moments.first(), moments.last()
    assert first is not None and last is not None
    assert last.date() < TODAY and (last - first).days > 365


def test_a_few_persons_are_registered_again_and_the_pairs_wait_for_review(caseload):
    from retour.identification.models import MatchReview

    again = caseload.registered_again
    assert len(again) == round(caseload.person_count * 0.01)
    for made in again:
        assert made.again.member_state_id == made.first.member_state_id
        assert not made.again.cases.exists()  # only registered, nothing opened yet
    found = [m for m in again if any(r.candidate_id == m.first.pk for r in m.queued)]
    # Another spelling, or the name in the person's own script, and a date written otherwise:
    # the matcher still finds most of them.
    assert len(found) >= len(again) * 0.6
    assert MatchReview.objects.filter(decided_at=None).count() == sum(
        len(m.queued) for m in again)
