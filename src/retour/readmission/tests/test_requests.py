"""Readmission requests: every step and refusal, due dates by the instrument's rules, tacit
acceptance, overdue chasing and escalation, the version kept, events on the case."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from retour import clock
from retour.cases.models import CaseEvent, Task
from retour.cases.tests import support as s
from retour.errors import InvalidInput, NotVisible, PermissionRefused, TransitionRefused
from retour.identification.actions import NewEvidence, record_identity_evidence
from retour.identification.models import IdentificationMilestones
from retour.readmission import actions as ra
from retour.readmission.instruments import latest_version, record_version
from retour.readmission.models import (
    Obstacle,
    ReadmissionMilestones,
    ReadmissionRequest,
    ReadmissionTask,
)
from retour.readmission.rules import Rules
from retour.testing.projections import stored

pytestmark = pytest.mark.usefixtures("frozen_clock")
S = ReadmissionRequest.Status


def _with_evidence(user: Any, country: str = "PK") -> Any:
    """A case with a return decision and a language analysis pointing to ``country``."""
    case = s.voluntary_departure(user)
    record_identity_evidence(user, case.person_id, NewEvidence(
        kind="language_analysis", taken_on=clock.today(), nationality=country,
        summary="Punjabi, Lahore region"))
    return case


def _submitted(user: Any, country: str = "PK", **draft: Any) -> ReadmissionRequest:
    case = _with_evidence(user, country)
    request = ra.draft_readmission_request(user, case.pk, third_country=country, **draft)
    return ra.submit_readmission_request(user, request.pk, submitted_on=clock.today())


def test_a_request_runs_from_draft_to_departure_with_due_dates_from_the_instrument(anna):
    today = clock.today()
    case = _with_evidence(anna)
    request = ra.draft_readmission_request(anna, case.pk, third_country="PK")
    assert request.status == S.DRAFT and request.reference == f"{case.number}-R1"
    request = ra.submit_readmission_request(anna, request.pk, submitted_on=today)
    assert request.status == S.SUBMITTED and request.channel == "rcms"
    assert request.instrument == latest_version("eura-pk")
    assert request.reply_due_on == today + timedelta(days=30)  # 30 calendar days
    assert request.evidence == [{"source": "evidence", "id": request.evidence[0]["id"],
                                 "kind": "language_analysis", "counts_as": "prima_facie"}]
    request = ra.acknowledge_readmission_request(anna, request.pk, acknowledged_on=today,
                                                 their_reference="PK-RCMS-1")
    request = ra.record_readmission_reply(anna, request.pk, outcome="accepted", replied_on=today)
    assert request.status == S.ACCEPTED
    assert request.transfer_due_on == date(today.year, today.month + 3, today.day)
    request = ra.request_travel_document(anna, request.pk, requested_on=today)
    assert request.travel_document_due_on is None  # "without delay": no number of days
    request = ra.record_travel_document(
        anna, request.pk, kind="laissez_passer", number="ETD-55", issued_on=today,
        valid_until=today + timedelta(days=60))
    last = CaseEvent.objects.filter(case=case).order_by("-sequence").first()
    assert last is not None and last.type == "record_travel_document"
    assert len(last.payload["readmission_request"]["warnings"]) == 2  # transfer, 6 months
    request = ra.record_travel_document_use(anna, request.pk, used_on=today)
    assert request.status == S.USED and request.closed_on == today
    row = stored(case, ReadmissionMilestones)
    assert (row.readmission_requested_on, row.readmission_replied_on,
            row.readmission_outcome, row.travel_document_issued_on) == (
        today, today, "accepted", today)


def test_working_day_limits_count_the_requested_states_holidays(anna):
    # EU–Georgia: the travel document within 3 working days of the request.
    request = _submitted(anna, "GE")
    request = ra.record_readmission_reply(anna, request.pk, outcome="accepted",
                                          replied_on=clock.today())
    with clock.frozen_at(clock.now().replace(year=2027, month=1, day=5)):
        request = ra.request_travel_document(anna, request.pk, requested_on=date(2027, 1, 5))
    # 6 January counts; 7 January is Orthodox Christmas in Georgia; 8 January counts; 9 and
    # 10 January are a weekend: the third working day is 11 January.
    assert request.travel_document_due_on == date(2027, 1, 11)


def test_the_rules_in_force_at_submission_stay_with_the_request(anna):
    request = _submitted(anna)
    old = request.instrument
    assert old is not None
    rules = {**old.rules, "reply_limit": {**old.rules["reply_limit"], "value": 10}}
    new = record_version("eura-pk", {
        name: getattr(old, name) for name in (
            "kind", "title", "third_country_id", "member_states", "legal_reference",
            "in_force_from", "in_force_until", "source")
    } | {"rules": rules}, recorded_by="ada", note="corrected")
    request.refresh_from_db()
    assert request.instrument == old and request.reply_due_on == clock.today() + timedelta(30)
    later = _submitted(anna)
    assert later.instrument == new and later.reply_due_on == clock.today() + timedelta(10)
    assert Rules.of(later.instrument).get("reply_limit").value == 10  # type: ignore[union-attr]


def test_no_reply_in_time_is_tacit_acceptance_where_the_instrument_says_so(anna):
    pakistan = _submitted(anna, "PK")
    ukraine = _submitted(anna, "UA")  # no tacit acceptance recorded for Ukraine
    due = pakistan.reply_due_on
    assert due is not None
    with pytest.raises(TransitionRefused, match="has not passed"):
        ra.record_tacit_acceptance(pakistan.pk)
    with clock.frozen_at(clock.now() + timedelta(days=31)):
        counts = ra.apply_passing_time()
    assert counts == {"tacitly accepted": 1, "chased": 1, "expired": 0}
    pakistan.refresh_from_db()
    ukraine.refresh_from_db()
    assert pakistan.status == S.TACITLY_ACCEPTED and pakistan.replied_on == due
    assert ukraine.status == S.SUBMITTED
    assert Task.objects.filter(case=ukraine.case, kind=ReadmissionTask.CHASE_READMISSION_REPLY,
                               status=Task.Status.OPEN).count() == 1
    assert stored(pakistan.case, ReadmissionMilestones).readmission_outcome == "tacitly_accepted"
    with clock.frozen_at(clock.now() + timedelta(days=32)):
        assert ra.apply_passing_time()["chased"] == 0  # once
        obstacle_request = ra.escalate_readmission_request(
            anna, ukraine.pk, description="no answer from the central authority")
        with pytest.raises(TransitionRefused, match="already raised"):
            ra.escalate_readmission_request(anna, ukraine.pk, description="again")
    obstacle = Obstacle.objects.get(request=obstacle_request)
    assert (obstacle.kind, obstacle.member_state, obstacle.third_country_id) == (
        Obstacle.Kind.REPLY_OVERDUE, "NL", "UA")
    ra.record_readmission_reply(anna, ukraine.pk, outcome="rejected",
                                replied_on=clock.today(), reasons="not a national")
    assert not Task.objects.filter(case=ukraine.case, kind=ReadmissionTask.CHASE_READMISSION_REPLY,
                                   status=Task.Status.OPEN).exists()


def test_an_unused_travel_document_expires(anna):
    request = _submitted(anna, "LK")
    request = ra.record_readmission_reply(anna, request.pk, outcome="accepted",
                                          replied_on=clock.today())
    request = ra.record_travel_document(
        anna, request.pk, kind="eu_travel_document", number="EU-1", issued_on=clock.today(),
        valid_until=clock.today() + timedelta(days=200))
    with clock.frozen_at(clock.now() + timedelta(days=201)):
        assert ra.apply_passing_time()["expired"] == 1
    request.refresh_from_db()
    assert request.status == S.EXPIRED


def test_steps_out_of_order_and_bad_input_are_refused_and_change_nothing(anna):
    request = _submitted(anna)
    events = CaseEvent.objects.count()
    with pytest.raises(TransitionRefused, match="not possible while the request is 'submitted'"):
        ra.record_travel_document_use(anna, request.pk, used_on=clock.today())
    with pytest.raises(InvalidInput) as refused:
        ra.record_readmission_reply(anna, request.pk, outcome="rejected",
                                    replied_on=clock.today())
    assert "reasons" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:
        ra.record_readmission_reply(anna, request.pk, outcome="maybe", replied_on=clock.today())
    assert "outcome" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:
        ra.acknowledge_readmission_request(anna, request.pk,
                                           acknowledged_on=clock.today() - timedelta(days=1))
    assert "acknowledged_on" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:
        ra.draft_readmission_request(anna, request.case_id, third_country="PK")
    assert "still open" in refused.value.errors["third_country"]
    with pytest.raises(InvalidInput) as refused:
        ra.draft_readmission_request(anna, request.case_id, third_country="BE")
    assert "third_country" in refused.value.errors
    request.refresh_from_db()
    assert request.status == S.SUBMITTED and CaseEvent.objects.count() == events


def test_a_request_needs_a_return_decision_and_evidence(anna):
    case = s.legal_stay_ended(anna)
    with pytest.raises(TransitionRefused, match="not possible in stage 'legal stay ended'"):
        ra.draft_readmission_request(anna, case.pk, third_country="PK")
    bare = s.voluntary_departure(anna)
    request = ra.draft_readmission_request(anna, bare.pk, third_country="PK")
    with pytest.raises(InvalidInput, match="holds no evidence"):
        ra.submit_readmission_request(anna, request.pk, submitted_on=clock.today())


def test_the_accelerated_procedure_needs_its_rules_and_its_time_limit(anna):
    case = _with_evidence(anna, "GE")
    with pytest.raises(InvalidInput) as refused:
        ra.draft_readmission_request(anna, case.pk, third_country="GE", procedure="accelerated")
    assert "apprehended_on" in refused.value.errors
    with pytest.raises(InvalidInput, match="no accelerated procedure"):
        ra.draft_readmission_request(anna, _with_evidence(anna).pk, third_country="PK",
                                     procedure="accelerated", apprehended_on=clock.today())
    apprehended = clock.today() - timedelta(days=10)
    request = ra.draft_readmission_request(anna, case.pk, third_country="GE",
                                           procedure="accelerated", apprehended_on=apprehended)
    with pytest.raises(InvalidInput, match="accelerated procedure needs the application by"):
        ra.submit_readmission_request(anna, request.pk, submitted_on=clock.today())
    ra.withdraw_readmission_request(anna, request.pk, reason="apprehended too long ago")
    request = ra.draft_readmission_request(anna, case.pk, third_country="GE",
                                           procedure="accelerated", apprehended_on=clock.today())
    request = ra.submit_readmission_request(anna, request.pk, submitted_on=clock.today())
    assert request.reply_due_on is not None
    assert clock.today() < request.reply_due_on <= clock.today() + timedelta(days=6)


def test_only_the_own_member_state_and_a_role_that_identifies(anna, lucas, ruud):
    request = _submitted(anna)
    with pytest.raises(NotVisible):
        ra.acknowledge_readmission_request(lucas, request.pk, acknowledged_on=clock.today())
    with pytest.raises(PermissionRefused):
        ra.acknowledge_readmission_request(ruud, request.pk, acknowledged_on=clock.today())


def test_the_milestone_row_dates_the_identification(anna):
    case = _with_evidence(anna)  # a language analysis: prima facie only
    assert stored(case, IdentificationMilestones).identified_on is None
    record_identity_evidence(anna, case.person_id, NewEvidence(
        kind="consular_interview", taken_on=clock.today(), nationality="PK"))
    assert stored(case, IdentificationMilestones).identified_on == clock.today()
    accepted = _submitted(anna, "UA")  # identified by the acceptance alone
    later = clock.today() + timedelta(days=3)
    with clock.frozen_at(clock.now() + timedelta(days=3)):
        ra.record_readmission_reply(anna, accepted.pk, outcome="accepted", replied_on=later)
    assert stored(accepted.case, IdentificationMilestones).identified_on == later
