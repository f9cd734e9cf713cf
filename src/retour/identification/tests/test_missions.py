"""Identification interviews and missions: planning, presenting persons, recording outcomes,
the planning list per country; scoping, audit and the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from retour import clock
from retour.api.tests.conftest import bearer
from retour.audit.models import AccessLogEntry
from retour.cases.actions import record_absconding
from retour.cases.models import CaseEvent
from retour.cooperation.models import NonCooperation
from retour.errors import InvalidInput, NotVisible, PermissionRefused
from retour.identification import dossier
from retour.identification.actions import NewDocument, record_identity_document
from retour.identification.missions import (
    UNKNOWN,
    NewMission,
    cancel_mission,
    persons_ready_for,
    plan_mission,
    present_person,
    record_presentation_outcome,
)
from retour.identification.models import IdentificationMission, MissionPresentation
from retour.testing.factories import case_for, case_in_forced_return, person_for

pytestmark = pytest.mark.usefixtures("frozen_clock")

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


def _mission(user: Any, country: str = "MA", **fields: Any) -> IdentificationMission:
    values = {"country": country, "kind": "delegation_mission", "starts_on": TODAY,
              "ends_on": TODAY + timedelta(days=2), "place": "Detention centre Rotterdam",
              "interpreter_languages": ["ar"], "interpreter": "Tolkcentrum", **fields}
    return plan_mission(user, NewMission(**values))


def _opened(user: Any, days_ago: int, **traits: Any) -> Any:
    with clock.frozen_at(NOW - timedelta(days=days_ago)):
        return case_for(user, **traits)


def _ready(user: Any, country: str = "MA") -> list[str]:
    return [r.case.number for r in persons_ready_for(user, country, TODAY)]


def test_the_planning_lists_the_right_persons_oldest_case_first(anna, lucas):
    newer = _opened(anna, 3)
    older = _opened(anna, 10)
    _opened(anna, 5, claimed_nationalities=["DZ"])  # another nationality
    person_for(anna)  # no case
    proved = _opened(anna, 8)
    record_identity_document(anna, proved.person_id, NewDocument(
        kind="passport", form="original", number="M1234567", issuing_country="MA"))
    copy_only = _opened(anna, 1)
    record_identity_document(anna, copy_only.person_id, NewDocument(
        kind="passport", form="copy", number="M7654321", issuing_country="MA"))
    awaiting = _opened(anna, 20)
    present_person(anna, _mission(anna).pk, awaiting.person_id, availability="reporting")
    belgian = _opened(lucas, 30)

    assert _ready(anna) == [older.number, newer.number, copy_only.number]
    row = persons_ready_for(anna, "ma", TODAY)[-1]
    assert (row.dossier.status, row.availability) == ("prima_facie", UNKNOWN)
    assert _ready(lucas) == [belgian.number]
    assert _ready(anna, "DZ") != [] and _ready(anna, "PK") == []


def test_availability_comes_from_the_case_or_the_last_presentation(anna):
    gone = case_in_forced_return(anna, decided_on=TODAY - timedelta(days=20))
    record_absconding(anna, gone.pk, absconded_on=TODAY - timedelta(days=2))
    seen = _opened(anna, 4)
    earlier = present_person(anna, _mission(anna, starts_on=TODAY - timedelta(days=7)).pk,
                             seen.person_id, availability="in_detention")
    record_presentation_outcome(anna, earlier.pk, outcome="needs_more_evidence",
                                outcome_on=TODAY - timedelta(days=6))
    shown = {r.case.number: r.availability for r in persons_ready_for(anna, "MA", TODAY)}
    assert shown == {gone.number: "whereabouts_unknown", seen.number: "in_detention"}


def test_the_planning_reads_a_bounded_number_of_queries(anna):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            # as the planning page reads each row: the nationality it lists the person under
            statuses = [n.status for r in persons_ready_for(anna, "MA", TODAY)
                        for n in r.person.nationalities.all()]
        assert statuses and set(statuses) == {"claimed"}
        return len(captured)

    _opened(anna, 2)
    few = queries()
    for days in (3, 4, 5):
        case = _opened(anna, days)
        record_identity_document(anna, case.person_id, NewDocument(
            kind="birth_certificate", form="original"))
    assert len(_ready(anna)) == 4
    assert queries() == few


def test_presenting_someone_of_another_nationality_is_refused_on_the_field(anna):
    mission = _mission(anna)
    other = person_for(anna, claimed_nationalities=["DZ"])
    with pytest.raises(InvalidInput) as refused:
        present_person(anna, mission.pk, other.pk, availability="asleep")
    assert set(refused.value.errors) == {"person_id", "availability"}
    assert "nationality of MA" in refused.value.errors["person_id"]
    case = case_for(anna)
    present_person(anna, mission.pk, case.person_id, availability="reporting", case_id=case.pk)
    with pytest.raises(InvalidInput) as twice:
        present_person(anna, mission.pk, case.person_id, availability="reporting")
    assert "already" in twice.value.errors["person_id"]
    with pytest.raises(InvalidInput) as foreign_case:
        present_person(anna, mission.pk, person_for(anna).pk, availability="reporting",
                       case_id=case.pk)
    assert set(foreign_case.value.errors) == {"case_id"}


def test_planning_a_mission_checks_its_fields(anna):
    with pytest.raises(InvalidInput) as refused:
        _mission(anna, country="NL", kind="party", ends_on=TODAY - timedelta(days=1),
                 place=" ", interpreter_languages=["Arabic"])
    assert set(refused.value.errors) == {"country", "kind", "ends_on", "place",
                                         "interpreter_languages"}
    assert IdentificationMission.objects.count() == 0


def test_an_identified_outcome_completes_the_dossier_and_is_noted(anna):
    case = case_for(anna)
    mission = _mission(anna)
    presentation = present_person(anna, mission.pk, case.person_id, availability="in_detention")
    assert dossier.evaluate(case.person, "MA", TODAY).status == "incomplete"
    with pytest.raises(InvalidInput) as refused:
        record_presentation_outcome(anna, presentation.pk, outcome="pending",
                                    outcome_on=TODAY + timedelta(days=1))
    assert set(refused.value.errors) == {"outcome", "outcome_on"}
    record_presentation_outcome(anna, presentation.pk, outcome="identified", outcome_on=TODAY,
                                notes="recognised the home village", reason="mission MA")
    presentation.refresh_from_db()
    mission.refresh_from_db()
    assert presentation.evidence is not None
    assert (presentation.evidence.kind, presentation.evidence.nationality_id) == (
        "consular_interview", "MA")
    assert mission.status == "held"
    result = dossier.evaluate(case.person, "MA", TODAY)
    assert (result.status, result.items[0].counts_as) == ("complete", "proof")
    assert persons_ready_for(anna, "MA", TODAY) == []
    actions = list(CaseEvent.objects.filter(case=case).values_list("type", flat=True))
    assert actions[-3:] == ["presented_to_mission", "identity_evidence_recorded",
                            "mission_outcome_recorded"]
    outcome = CaseEvent.objects.get(case=case, type="mission_outcome_recorded")
    assert outcome.payload["outcome"] == "identified"
    with pytest.raises(InvalidInput, match="already"):
        record_presentation_outcome(anna, presentation.pk, outcome="not_identified",
                                    outcome_on=TODAY)


def test_did_not_appear_records_no_non_cooperation(anna):
    case = case_for(anna)
    presentation = present_person(anna, _mission(anna).pk, case.person_id,
                                  availability="reporting")
    record_presentation_outcome(anna, presentation.pk, outcome="did_not_appear",
                                outcome_on=TODAY)
    assert not NonCooperation.objects.filter(case=case).exists()
    assert dossier.evaluate(case.person, "MA", TODAY).status == "incomplete"
    assert _ready(anna) == [case.number]  # no longer awaiting an outcome


def test_every_write_is_audited(anna):
    case = case_for(anna)
    before = AccessLogEntry.objects.count()
    mission = _mission(anna)
    presentation = present_person(anna, mission.pk, case.person_id, availability="reporting")
    record_presentation_outcome(anna, presentation.pk, outcome="not_identified",
                                outcome_on=TODAY)
    written = list(AccessLogEntry.objects.order_by("sequence")[before:]
                   .values_list("object_type", "operation"))
    assert written == [("identification_mission", "write"), ("mission_presentation", "write"),
                       ("mission_presentation", "write")]
    last = AccessLogEntry.objects.order_by("-sequence")[0]
    assert str(case.person_id) in last.person_ids


def test_a_mission_is_seen_only_in_its_member_state_and_by_identifying_roles(anna, lucas,
                                                                           lotte, eva):
    mission = _mission(anna)
    case = case_for(anna)
    presentation = present_person(anna, mission.pk, case.person_id, availability="reporting")
    belgian = case_for(lucas)
    with pytest.raises(NotVisible):
        present_person(lucas, mission.pk, belgian.person_id, availability="reporting")
    with pytest.raises(NotVisible):
        present_person(anna, mission.pk, belgian.person_id, availability="reporting")
    with pytest.raises(NotVisible):
        record_presentation_outcome(lucas, presentation.pk, outcome="identified",
                                    outcome_on=TODAY)
    for user in (lotte, eva):
        with pytest.raises(PermissionRefused):
            _mission(user)
        with pytest.raises(PermissionRefused):
            persons_ready_for(user, "MA", TODAY)
    assert not IdentificationMission.objects.visible_to(lucas).exists()
    assert not MissionPresentation.objects.visible_to(lucas).exists()


def test_the_api_plans_presents_records_and_lists(client, anna, lucas):
    case = case_for(anna)
    other = case_for(anna)
    json = {"content_type": "application/json"}
    planned = client.post("/api/v1/missions", {
        "country": "ma", "kind": "video_interview", "starts_on": TODAY.isoformat(),
        "ends_on": TODAY.isoformat(), "place": "The Hague", "interpreter_languages": ["ar"],
    }, **json, headers=bearer(anna))
    assert planned.status_code == 201, planned.content
    mission = planned.json()
    assert (mission["country"], mission["organised_by"], mission["status"]) == (
        "MA", anna.authority.code, "planned")

    planning = client.get("/api/v1/missions/planning?country=MA",
                          headers={**bearer(anna), "X-Retour-Reason": "plan mission MA"})
    assert planning.status_code == 200
    assert [r["case"]["number"] for r in planning.json()] == [case.number, other.number]
    assert planning.json()[0]["availability"] == "unknown"
    read = AccessLogEntry.objects.get(object_type="mission_planning")
    assert (read.reason, read.channel) == ("plan mission MA", "api")

    url = f"/api/v1/missions/{mission['id']}/presentations"
    presented = client.post(url, {"person_id": str(case.person_id), "availability": "reporting",
                                  "case_id": str(case.pk)}, **json, headers=bearer(anna))
    assert presented.status_code == 201, presented.content
    assert presented.json()["case"]["number"] == case.number
    refused = client.post(url, {"person_id": str(person_for(anna, claimed_nationalities=["DZ"])
                                                 .pk), "availability": "reporting"},
                          **json, headers=bearer(anna))
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "person_id"
    assert client.post(url, {"person_id": str(case_for(lucas).person_id),
                             "availability": "reporting"},
                       **json, headers=bearer(lucas)).status_code == 404

    outcome = client.post(f"/api/v1/presentations/{presented.json()['id']}/outcome",
                          {"outcome": "identified", "outcome_on": TODAY.isoformat()},
                          **json, headers=bearer(anna))
    assert outcome.status_code == 200, outcome.content
    assert outcome.json()["outcome"] == "identified" and outcome.json()["evidence_id"]

    listed = client.get("/api/v1/missions?country=MA", headers=bearer(anna)).json()
    assert [p["outcome"] for p in listed[0]["presentations"]] == ["identified"]
    assert client.get("/api/v1/missions?country=DZ", headers=bearer(anna)).json() == []
    assert client.get("/api/v1/missions", headers=bearer(lucas)).json() == []
    planning = client.get("/api/v1/missions/planning?country=MA", headers=bearer(anna))
    assert [r["case"]["number"] for r in planning.json()] == [other.number]


# ---------------------------------------------------------------------------------------------
# Cancelling a mission


def test_cancelling_a_mission_puts_its_persons_back_on_the_planning_and_notes_it(anna):
    case = _opened(anna, 5)
    mission = _mission(anna)
    presentation = present_person(anna, mission.pk, case.person_id, availability="reporting")
    assert case.number not in _ready(anna)
    cancelled = cancel_mission(anna, mission.pk, reason="  the delegation postponed its visit ")
    assert (cancelled.status, cancelled.cancelled_by, cancelled.cancellation_reason) == (
        "cancelled", anna, "the delegation postponed its visit")
    assert cancelled.cancelled_at == clock.now()
    # the list of the mission stays as it was planned; the person is ready for the next one
    presentation.refresh_from_db()
    assert presentation.outcome == MissionPresentation.Outcome.PENDING
    assert case.number in _ready(anna)
    event = CaseEvent.objects.get(case=case, type="mission_cancelled")
    assert event.reason == "the delegation postponed its visit"
    assert event.payload["mission"]["id"] == str(mission.pk)
    entry = AccessLogEntry.objects.filter(object_type="identification_mission",
                                          operation="write").last()
    assert entry is not None and entry.object_ids == [str(mission.pk)]
    assert entry.person_ids == [str(case.person_id)]
    assert entry.reason == "the delegation postponed its visit"
    # nothing more happens on a cancelled mission
    with pytest.raises(InvalidInput) as again:
        cancel_mission(anna, mission.pk, reason="twice")
    assert "cancelled" in again.value.errors["mission_id"]
    with pytest.raises(InvalidInput):
        present_person(anna, mission.pk, _opened(anna, 2).person_id, availability="reporting")


def test_a_mission_is_cancelled_only_when_planned_and_with_a_reason(anna):
    mission = _mission(anna)
    with pytest.raises(InvalidInput) as no_reason:
        cancel_mission(anna, mission.pk, reason=" ")
    assert set(no_reason.value.errors) == {"reason"}
    case = case_for(anna)
    presentation = present_person(anna, mission.pk, case.person_id, availability="reporting")
    record_presentation_outcome(anna, presentation.pk, outcome="identified", outcome_on=TODAY)
    with pytest.raises(InvalidInput) as held:
        cancel_mission(anna, mission.pk, reason="too late")
    assert "held" in held.value.errors["mission_id"]
    mission.refresh_from_db()
    assert (mission.status, mission.cancellation_reason) == ("held", "")
    assert not CaseEvent.objects.filter(type="mission_cancelled").exists()


def test_only_identification_officers_of_the_member_state_cancel(anna, ruud, lucas):
    mission = _mission(anna)
    with pytest.raises(PermissionRefused):
        cancel_mission(ruud, mission.pk, reason="not mine")
    with pytest.raises(NotVisible):
        cancel_mission(lucas, mission.pk, reason="not mine")
    mission.refresh_from_db()
    assert mission.status == "planned"
