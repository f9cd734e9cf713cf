"""Referrals to reintegration (M19-M21): made and answered through the procedure table,
folded into the milestone row."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import make_user
from retour.accounts.roles import RoleCode
from retour.audit.models import AccessLogEntry
from retour.cases.models import CaseEvent, ReturnCase
from retour.cases.tests import support as s
from retour.counselling import actions as counselling
from retour.counselling.models import CounsellingMilestones, ReintegrationReferral
from retour.errors import InvalidInput, PermissionRefused, TransitionRefused
from retour.testing.projections import assert_same_as_replayed, stored


def _refer(user, case, **changes):
    fields = {"referred_on": s.days_ago(5), "programme": "Frontex JRS"}
    return counselling.refer_to_reintegration(user, case.pk, **{**fields, **changes})


def _same_as_rebuilt(case) -> None:
    assert_same_as_replayed(case)


def test_referred_declined_referred_again_and_accepted(anna, today):
    case = s.voluntary_departure(anna)
    writes = AccessLogEntry.objects.filter(operation="write").count()
    _refer(anna, case, programme="national AVRR")
    assert AccessLogEntry.objects.filter(operation="write").count() == writes + 1
    event = CaseEvent.objects.filter(case=case).latest("sequence")
    assert (event.type, event.payload["reintegration"]["programme"]) == (
        "refer_to_reintegration", "national AVRR")
    counselling.record_reintegration_outcome(anna, case.pk, outcome="declined",
                                         outcome_on=s.days_ago(3))
    _refer(anna, case, referred_on=s.days_ago(2))
    counselling.record_reintegration_outcome(anna, case.pk, outcome="accepted", outcome_on=today,
                                         note="start-up grant")
    assert list(ReintegrationReferral.objects.filter(case=case).values_list(
        "outcome", flat=True)) == ["declined", "accepted"]
    row = stored(case, CounsellingMilestones)
    assert (row.reintegration_referred_on, row.reintegration_accepted_on) == (
        s.days_ago(5), today)
    _same_as_rebuilt(case)


def test_one_pending_referral_at_a_time_and_an_outcome_needs_one(anna, today):
    case = s.voluntary_departure(anna)
    with s.writes_nothing(case.pk), pytest.raises(TransitionRefused, match="awaits an outcome"):
        counselling.record_reintegration_outcome(anna, case.pk, outcome="accepted",
                                                 outcome_on=today)
    _refer(anna, case)
    with s.writes_nothing(case.pk), pytest.raises(TransitionRefused, match="awaits its outcome"):
        _refer(anna, case)


def test_needs_a_return_decision(anna, today):
    case = s.legal_stay_ended(anna)
    with s.writes_nothing(case.pk), pytest.raises(TransitionRefused):
        _refer(anna, case)


def test_every_wrong_field_at_once(anna, today):
    case = s.voluntary_departure(anna)
    with s.writes_nothing(case.pk), pytest.raises(InvalidInput) as refused:
        _refer(anna, case, referred_on=today + timedelta(days=1), programme=" ")
    assert set(refused.value.errors) == {"referred_on", "programme"}
    _refer(anna, case)
    with s.writes_nothing(case.pk), pytest.raises(InvalidInput) as refused:
        counselling.record_reintegration_outcome(anna, case.pk, outcome="maybe",
                                             outcome_on=s.days_ago(6))
    assert set(refused.value.errors) == {"outcome", "outcome_on"}


def test_a_return_counsellor_refers_and_an_auditor_may_not(lucas, lotte, ruud, anna, today):
    case = s.voluntary_departure(lucas)
    # The return office refers the case first: a counsellor sees only referred cases (ADR 16)
    _refer(lucas, case, referred_on=s.days_ago(5), counselling_service="be-fedasil")
    counselling.record_reintegration_outcome(lotte, case.pk, outcome="declined",
                                             outcome_on=s.days_ago(3))
    _refer(lotte, case, referred_on=s.days_ago(2), programme="Fedasil AVRR")
    assert ReintegrationReferral.objects.latest("id").referred_by.code == "be-fedasil"
    other = s.voluntary_departure(anna)
    with s.writes_nothing(other.pk), pytest.raises(PermissionRefused):
        _refer(ruud, other)


def test_the_referral_names_the_counselling_service_whose_counsellors_then_see_the_case(
        lucas, lotte):
    """Only the counselling service the person is referred to sees the case for it (ADR 16);
    a service of another member state, or one that does not counsel, is refused by name."""
    fedasil_colleague = make_user("noor", "Noor", "Claes", "be-fedasil",
                                  (RoleCode.RETURN_COUNSELLOR,))
    elsewhere = make_user("jan", "Jan", "Wouters", "be-police", (RoleCode.RETURN_COUNSELLOR,))
    case = s.voluntary_departure(lucas)
    for wrong in ("nl-dtv", "be-police", "nowhere"):
        with pytest.raises(InvalidInput, match="counselling_service: must be one of be-fedasil"):
            _refer(lucas, case, counselling_service=wrong)
    _refer(lucas, case, counselling_service="be-fedasil")
    referral = ReintegrationReferral.objects.get(case=case)
    assert referral.counselling_service is not None
    assert referral.counselling_service.code == "be-fedasil"
    event = CaseEvent.objects.filter(case=case).latest("sequence")
    assert event.payload["reintegration"]["counselling_service"] == "be-fedasil"
    for counsellor in (lotte, fedasil_colleague):
        assert ReturnCase.objects.visible_to(counsellor).filter(pk=case.pk).exists()
    assert not ReturnCase.objects.visible_to(elsewhere).filter(pk=case.pk).exists()


def test_without_a_counselling_service_no_counsellor_sees_the_case_for_it(lucas, lotte):
    case = s.voluntary_departure(lucas)
    _refer(lucas, case)
    assert ReintegrationReferral.objects.get(case=case).counselling_service is None
    assert not ReturnCase.objects.visible_to(lotte).filter(pk=case.pk).exists()
