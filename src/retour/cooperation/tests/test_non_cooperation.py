"""Non-cooperation (M10): recorded on the case with evidence and consequence, through the
procedure table, counted in the milestone row."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retour import clock
from retour.cases import actions
from retour.cases.models import CaseEvent
from retour.cooperation.actions import record_non_cooperation
from retour.cooperation.models import CooperationMilestones, NonCooperation
from retour.errors import InvalidInput, NotVisible, PermissionRefused, TransitionRefused
from retour.testing.factories import case_for
from retour.testing.projections import assert_same_as_replayed, stored


def _record(user, case, **changes):
    fields = {"kind": "refused_to_attend", "occurred_on": clock.today(),
              "evidence": "did not come to the consular interview of 3 March; letter served",
              "consequence": "detention_extended"}
    return record_non_cooperation(user, case.pk, **{**fields, **changes})


def test_recorded_with_evidence_and_counted_in_the_milestones(anna):
    case = case_for(anna)
    _record(anna, case, occurred_on=clock.today() - timedelta(days=3))
    _record(anna, case, kind="destroyed_documents", consequence="risk_of_absconding")
    assert list(NonCooperation.objects.filter(case=case).values_list("kind", flat=True)) == [
        "refused_to_attend", "destroyed_documents"]
    row = stored(case, CooperationMilestones)
    assert row.non_cooperation_count == 2
    assert row.first_non_cooperation_on == clock.today() - timedelta(days=3)
    assert_same_as_replayed(case)
    event = CaseEvent.objects.filter(case=case, type="record_non_cooperation").latest("sequence")
    assert event.payload["non_cooperation"]["kind"] == "destroyed_documents"


def test_every_wrong_field_at_once_and_nothing_written(anna):
    case = case_for(anna)
    with pytest.raises(InvalidInput) as refused:
        _record(anna, case, kind="lazy", consequence="", evidence=" ",
                occurred_on=clock.today() + timedelta(days=1))
    assert set(refused.value.errors) == {"kind", "consequence", "evidence", "occurred_on"}
    assert not NonCooperation.objects.exists()
    assert not CaseEvent.objects.filter(type="record_non_cooperation").exists()


def test_who_may_record_it(anna, lotte, lucas, eva):
    case = case_for(anna)
    with pytest.raises(NotVisible):
        _record(lucas, case)
    for user in (lotte, eva):
        with pytest.raises((PermissionRefused, NotVisible)):
            _record(user, case)
    assert not NonCooperation.objects.exists()


def test_not_on_a_closed_case(anna):
    case = case_for(anna)
    actions.close_case(anna, case.pk, outcome="legal_stay_granted")
    with pytest.raises(TransitionRefused):
        _record(anna, case)
    assert not NonCooperation.objects.exists()
