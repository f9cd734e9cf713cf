"""Every action on a subject other than a case writes its one typed event on the subject's log
(``SubjectEvent``), checked against its declared type; an event about a person with open
cases is the same event on each case's log; and a replay in a bulk session writes the same
log as action by action."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction

from retour import bulk, clock
from retour.audit.models import AccessLogEntry
from retour.cases import actions as case_actions
from retour.cases.models import CaseEvent
from retour.cases.tests import support as s
from retour.errors import StaleVersion
from retour.identification import reviews
from retour.identification.actions import (
    NewDocument,
    NewEvidence,
    record_identity_document,
    record_identity_evidence,
)
from retour.identification.missions import (
    NewMission,
    cancel_mission,
    plan_mission,
    present_person,
    record_presentation_outcome,
)
from retour.people.actions import NameInput, link_family_members
from retour.readmission import actions as readmission
from retour.readmission.instruments import latest_version, record_version
from retour.readmission.models import Instrument, Obstacle
from retour.seam import events
from retour.seam.models import SubjectEvent
from retour.simulation import replay
from retour.simulation.seeding import seed
from retour.testing.factories import case_for, person_for

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _log(kind: str, key: Any) -> list[SubjectEvent]:
    return list(SubjectEvent.objects.filter(subject_kind=kind, subject_key=str(key)))


def _only(kind: str, key: Any, event_type: str) -> SubjectEvent:
    found = [e for e in _log(kind, key) if e.type == event_type]
    assert len(found) == 1, found
    event = found[0]
    events.get(event.type).validate(event.payload)  # as the type reads it now
    return event


def _on_the_case(case: Any, event_type: str) -> CaseEvent:
    return CaseEvent.objects.filter(case=case, type=event_type).latest("sequence")


def test_registering_a_person_starts_the_persons_log(anna):
    person = person_for(anna, confirmed_nationalities=["DZ"], vulnerabilities=["elderly"])
    event = _only("person", person.pk, "person_registered")
    assert (event.sequence, event.member_state, event.actor) == (1, "NL", anna)
    assert event.payload == {
        "member_state": "NL", "sex": "M", "birth_year": 1994, "birth_month": 5,
        "birth_day": 17, "birth_date_estimated": False, "country_of_birth": None,
        "claimed_nationalities": ["MA"], "confirmed_nationalities": ["DZ"],
        "languages": ["ar"], "vulnerabilities": ["elderly"],
    }
    assert "Haddad" not in str(event.payload)  # names stay in the person's record


def test_linking_family_members(anna):
    parent, child = person_for(anna), person_for(anna, unaccompanied_minor=True)
    link = link_family_members(anna, parent.pk, child.pk, "parent_of")
    event = _only("family_link", link.pk, "family_members_linked")
    assert event.payload == {"link": link.pk, "person": str(parent.pk),
                             "relative": str(child.pk), "relation": "parent_of"}
    entry = AccessLogEntry.objects.order_by("-sequence")[0]
    assert (entry.object_type, entry.object_ids, entry.reason) == (
        "family_link", [str(link.pk)], "link family members")


def test_a_vulnerability_goes_on_the_persons_log_and_each_open_cases(anna):
    case = s.legal_stay_ended(anna)
    case_actions.record_vulnerability(anna, case.person_id, kind="pregnancy",
                                      noted_on=clock.today(),
                                      reason="medical certificate")
    event = _only("person", case.person_id, "vulnerability_recorded")
    assert (event.sequence, event.reason) == (2, "medical certificate")
    on_case = _on_the_case(case, "vulnerability_recorded")
    assert event.payload == on_case.payload
    assert event.payload["vulnerability"] == "pregnancy"


def test_a_document_and_other_evidence(anna):
    case = case_for(anna)
    document = record_identity_document(anna, case.person_id, NewDocument(
        kind="passport", form="original", number="M1234567", issuing_country="MA"),
        reason="passport found")
    event = _only("identity_document", document.pk, "identity_document_recorded")
    assert (event.sequence, event.reason) == (1, "passport found")
    assert event.payload == _on_the_case(case, "identity_document_recorded").payload
    assert event.payload["identified_for"] == ["MA"]
    evidence = record_identity_evidence(anna, case.person_id, NewEvidence(
        kind="language_analysis", taken_on=clock.today(), nationality="MA"))
    event = _only("identity_evidence", evidence.pk, "identity_evidence_recorded")
    assert event.payload == _on_the_case(case, "identity_evidence_recorded").payload


def test_queueing_possible_matches_and_deciding_one(anna):
    first = person_for(anna, names=[NameInput(surname="Haddad", given_names="Karim")])
    second = person_for(anna, names=[NameInput(surname="حداد", given_names="كريم")])
    review = reviews.queue_possible_matches(anna, second.pk)[0]
    queued = _only("person", second.pk, "possible_matches_queued")
    assert (queued.sequence, queued.payload["reviews"], queued.payload["candidates"]) == (
        2, [str(review.pk)], [str(first.pk)])
    reviews.queue_possible_matches(anna, second.pk)  # nothing new: still an event, a search
    assert [e.payload["reviews"] for e in _log("person", second.pk)[1:]] == [
        [str(review.pk)], []]
    reviews.decide_match(anna, review.pk, decision="different_persons", reason=" other father ")
    decided = _only("match_review", review.pk, "possible_match_decided")
    assert (decided.sequence, decided.reason, decided.payload["decision"]) == (
        1, "other father", "different_persons")
    assert {decided.payload["person"], decided.payload["candidate"]} == {
        str(first.pk), str(second.pk)}


def test_a_mission_from_planning_to_outcome_and_another_cancelled(anna):
    today = clock.today()
    case = case_for(anna)
    details: dict[str, Any] = {
        "country": "MA", "kind": "delegation_mission", "starts_on": today,
        "ends_on": today + timedelta(days=1), "place": "Rotterdam"}
    mission = plan_mission(anna, NewMission(**details))
    planned = _only("identification_mission", mission.pk, "identification_mission_planned")
    assert planned.payload == {
        "mission": {"id": str(mission.pk), "kind": "delegation_mission", "country": "MA",
                    "starts_on": today.isoformat()},
        "ends_on": (today + timedelta(days=1)).isoformat(), "organised_by": "nl-dtv"}
    presentation = present_person(anna, mission.pk, case.person_id, availability="reporting")
    presented = _only("mission_presentation", presentation.pk, "presented_to_mission")
    assert presented.payload == _on_the_case(case, "presented_to_mission").payload
    record_presentation_outcome(anna, presentation.pk, outcome="not_identified",
                                outcome_on=today)
    outcome = _only("mission_presentation", presentation.pk, "mission_outcome_recorded")
    assert outcome.sequence == 2
    assert outcome.payload == _on_the_case(case, "mission_outcome_recorded").payload

    other = plan_mission(anna, NewMission(**details))
    present_person(anna, other.pk, case.person_id, availability="in_detention")
    cancel_mission(anna, other.pk, reason=" the delegation withdrew ")
    cancelled = _only("identification_mission", other.pk, "mission_cancelled")
    assert (cancelled.sequence, cancelled.reason) == (2, "the delegation withdrew")
    assert cancelled.payload == _on_the_case(case, "mission_cancelled").payload


def test_escalating_an_overdue_request_raises_an_obstacle_with_its_own_log(anna):
    case = s.voluntary_departure(anna)
    record_identity_evidence(anna, case.person_id, NewEvidence(
        kind="language_analysis", taken_on=clock.today(), nationality="UA"))
    request = readmission.draft_readmission_request(anna, case.pk, third_country="UA")
    request = readmission.submit_readmission_request(anna, request.pk,
                                                     submitted_on=clock.today())
    with clock.frozen_at(clock.now() + timedelta(days=60)):
        readmission.escalate_readmission_request(anna, request.pk, description="no answer",
                                                 reason="coordination meeting")
    obstacle = Obstacle.objects.get(request=request)
    assert request.reply_due_on is not None
    raised = _only("obstacle", obstacle.pk, "obstacle_raised")
    assert (raised.sequence, raised.member_state, raised.reason) == (
        1, "NL", "coordination meeting")
    assert raised.payload == {
        "id": obstacle.pk, "request": request.reference, "country": "UA",
        "kind": "reply_overdue", "description": "no answer",
        "due_on": request.reply_due_on.isoformat(), "raised_on": obstacle.raised_on.isoformat()}
    step = _on_the_case(case, "escalate_readmission_request")
    assert step.payload["readmission_request"]["obstacle"] == obstacle.pk


def _values(instrument: Instrument, **changes: Any) -> dict[str, Any]:
    names = ("kind", "title", "third_country_id", "member_states", "legal_reference",
             "in_force_from", "in_force_until", "rules", "source")
    return {name: getattr(instrument, name) for name in names} | changes


def test_an_instrument_version_by_the_data_file_or_an_administrator(ada):
    old = latest_version("eura-pk")
    assert old is not None
    first = record_version("eura-pk", _values(old, title="Corrected"), recorded_by="data file",
                           note="loaded from instruments.toml")
    event = _log("instrument", "eura-pk")[-1]  # the reference data loaded the earlier ones
    events.get(event.type).validate(event.payload)
    assert (event.sequence, event.actor, event.member_state, event.reason) == (
        first.version, None, "", "loaded from instruments.toml")
    assert event.payload["title"] == "Corrected"
    assert old.in_force_from is not None
    assert event.payload["in_force_from"] == old.in_force_from.isoformat()
    entries = AccessLogEntry.objects.count()
    second = record_version("eura-pk", _values(first, title="Again"), recorded_by="ada",
                            note="typo", user=ada, expected_version=first.version)
    assert second.version == first.version + 1
    assert _log("instrument", "eura-pk")[-1].actor == ada
    assert AccessLogEntry.objects.count() == entries  # reference data: no personal data
    with pytest.raises(StaleVersion, match=r"Instrument eura-pk was changed by .* you had "
                                           rf"version {first.version}, it is now version "):
        record_version("eura-pk", _values(first, title="Late"), recorded_by="ada",
                       note="late", user=ada, expected_version=first.version)
    assert latest_version("eura-pk") == second


def test_a_first_version_starts_the_instruments_log(db):
    pakistan = latest_version("eura-pk")
    assert pakistan is not None
    made = record_version("new-pk", _values(pakistan), recorded_by="data file", note="new")
    assert made.version == 1
    assert _only("instrument", "new-pk", "instrument_version_recorded").sequence == 1


# ---------------------------------------------------------------------------------------------
# Bulk sessions


@contextmanager
def _action_by_action() -> Any:
    with transaction.atomic():
        yield None


_KEYS = {"id", "link", "person", "relative", "reviews", "candidates"}


def _without_keys(value: Any) -> Any:
    """Payload values that name records by random keys, left out."""
    if isinstance(value, dict):
        return {k: _without_keys(v) for k, v in value.items() if k not in _KEYS}
    return value


def _subject_log() -> list[str]:
    """The subjects' logs without the random keys; users by name."""
    return sorted(
        str((e.subject_kind, e.sequence, e.type, e.member_state, e.reason,
             e.actor.username if e.actor else None, e.occurred_at, _without_keys(e.payload)))
        for e in SubjectEvent.objects.select_related("actor").exclude(subject_kind="instrument")
    )


def test_a_bulk_replay_writes_the_log_the_action_by_action_replay_writes(db, monkeypatch):
    runs = []
    for batched in (True, False):
        with transaction.atomic():
            if not batched:
                monkeypatch.setattr(replay.bulk, "bulk_session", _action_by_action)
            seed(cases=60, seed=8, today=date(2026, 6, 1))
            runs.append(_subject_log())
            transaction.set_rollback(True)
    logged = " ".join(runs[0])
    for event_type in ("person_registered", "family_members_linked",
                       "identity_evidence_recorded", "vulnerability_recorded"):
        assert event_type in logged
    assert runs[0] == runs[1]


def test_identification_work_in_one_bulk_session_is_written_when_it_ends(anna):
    """Records made in the session (a mission, a presentation, a review) are found by the
    next action without the database, and the logs are written at the end."""
    today = clock.today()
    case = case_for(anna)
    first = person_for(anna, names=[NameInput(surname="Haddad", given_names="Karim")])
    second = person_for(anna, names=[NameInput(surname="حداد", given_names="كريم")])
    before = SubjectEvent.objects.count()
    with bulk.bulk_session():
        mission = plan_mission(anna, NewMission(
            country="MA", kind="consular_interview", starts_on=today, ends_on=today,
            place="Consulate"))
        presentation = present_person(anna, mission.pk, case.person_id,
                                      availability="reporting")
        record_presentation_outcome(anna, presentation.pk, outcome="identified",
                                    outcome_on=today)
        review = reviews.queue_possible_matches(anna, second.pk)[0]
        reviews.decide_match(anna, review.pk, decision="unsure", reason="photo unclear")
        reviews.decide_match(anna, review.pk, decision="same_person", reason="fingerprints")
        assert SubjectEvent.objects.count() == before
    assert [e.type for e in _log("mission_presentation", presentation.pk)] == [
        "presented_to_mission", "mission_outcome_recorded"]
    assert [e.sequence for e in _log("match_review", review.pk)] == [1, 2]
    assert _log("identification_mission", mission.pk)[0].type == (
        "identification_mission_planned")
    assert [e.type for e in _log("person", case.person_id)] == ["person_registered"]
    assert _on_the_case(case, "identity_evidence_recorded").payload["identified_for"] == ["MA"]
    assert str(first.pk) in _log("person", second.pk)[1].payload["candidates"]
