"""``POST /cases`` and ``POST /cases/{id}/actions/<action>``: the write path over HTTP."""

from __future__ import annotations

import inspect
import uuid
from typing import Any

import pytest

from retour.api.case_actions import BODIES
from retour.api.tests.conftest import TODAY, body_of
from retour.api.tests.scenarios import (
    SCENARIOS,
    YESTERDAY,
    Personas,
    departed,
    registered,
    voluntary,
)
from retour.audit.models import AccessLogEntry
from retour.cases.models import CaseEvent, Decision, Handover, ReturnCase, Task, Timer
from retour.cases.procedure import transitions
from retour.people.models import Person
from retour.seam import actions as seam_actions
from retour.testing.actions import actions
from retour.testing.factories import case_in_forced_return, person_for

ACTIONS = sorted(BODIES)


def action_url(case_id: Any, action: str) -> str:
    return f"/api/v1/cases/{case_id}/actions/{seam_actions.get(action).slug}"


def writes() -> dict[str, int]:
    """Counts of every kind of row an action may add (the access log's entry of a refused
    request aside: a refusal is logged, ADR 15)."""
    counts = {
        model.__name__: model.objects.count()
        for model in (ReturnCase, CaseEvent, Decision, Timer, Task, Handover, Person)
    }
    counts["AccessLogEntry"] = AccessLogEntry.objects.exclude(operation="refused").count()
    return counts


@pytest.fixture
def personas(anna, pieter, sanne, lucas, eva, tom, ruud) -> Personas:
    return {
        "anna": anna, "pieter": pieter, "sanne": sanne, "lucas": lucas, "eva": eva, "tom": tom,
        "ruud": ruud,
    }


def test_every_user_action_has_an_endpoint_and_a_scenario():
    """Every action a user performs (not the system's expire_*) is reachable over the API."""
    by_user = {t.action for t in transitions() if t.capability is not None}
    implemented = {a.name for a in seam_actions.on("case") if a.handler and a.input}
    assert set(BODIES) == by_user == implemented == set(SCENARIOS)


@pytest.mark.parametrize("action", ACTIONS)
def test_body_schema_matches_the_action_function(action):
    """The request body takes exactly the action's keyword arguments, requiring those the
    function requires (channel is the API's own)."""
    parameters = {
        name: p for name, p in inspect.signature(getattr(actions, action)).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and name != "channel"
    }
    fields = BODIES[action].model_fields
    assert set(fields) == set(parameters)
    for name, parameter in parameters.items():
        if parameter.default is inspect.Parameter.empty:
            assert fields[name].is_required(), name


@pytest.mark.parametrize("action", ACTIONS)
def test_action_happy_path(action, personas, api_client):
    scenario = SCENARIOS[action]
    case = scenario.prepare(personas)
    client = api_client(personas[scenario.actor])
    body = {**scenario.body(case), "expected_version": case.version}
    response = client.post(action_url(case.pk, action), body, content_type="application/json")
    assert response.status_code == 200, response.content
    detail = body_of(response)
    assert detail["id"] == str(case.pk)
    assert detail["stage"] == scenario.stage_after
    assert detail["version"] == case.version + 1
    if action == "return_handover":
        # the returning authority no longer sees the case, its history included (ADR 0016)
        assert detail["events"] == []
    else:
        last = detail["events"][-1]
        assert last["action"] == action
        assert last["actor"] == personas[scenario.actor].get_full_name()
    written = AccessLogEntry.objects.order_by("-sequence").first()
    assert written is not None
    assert (written.operation, written.channel, written.object_ids) == (
        "write", "api", [str(case.pk)]
    )


@pytest.mark.parametrize("action", ACTIONS)
def test_action_with_a_bad_field_is_422_naming_it(action, personas, api_client):
    """Every action endpoint answers bad input in the one error shape and writes nothing,
    even though the rest of the body would succeed."""
    scenario = SCENARIOS[action]
    case = scenario.prepare(personas)
    body = {**scenario.body(case), "expected_version": "the latest"}
    before = writes()
    response = api_client(personas[scenario.actor]).post(
        action_url(case.pk, action), body, content_type="application/json"
    )
    assert response.status_code == 422
    assert [p["field"] for p in body_of(response)["detail"]] == ["expected_version"]
    assert writes() == before


@pytest.mark.parametrize("outsider", ["lucas", "eva", "tom"])
@pytest.mark.parametrize("action", ACTIONS)
def test_action_on_a_case_out_of_scope_is_not_found(action, outsider, personas, api_client):
    """A Belgian officer, the EU coordinator and a statistician get the same 404 as for a
    case that does not exist, with a body the case's own officer could send successfully;
    nothing is written."""
    scenario = SCENARIOS[action]
    case = scenario.prepare(personas)
    client = api_client(personas[outsider])
    body = scenario.body(case)
    before = writes()
    hidden = client.post(action_url(case.pk, action), body, content_type="application/json")
    missing = client.post(action_url(uuid.uuid4(), action), body, content_type="application/json")
    assert hidden.status_code == missing.status_code == 404
    assert body_of(hidden) == body_of(missing) == {"detail": "Not found"}
    assert writes() == before


def test_stale_expected_version_is_a_conflict_naming_who_changed_it(personas, api_client):
    case = registered(personas)
    actions.assign_case(personas["sanne"], case.pk, officer_username="anna")  # version 1 → 2
    before = writes()
    response = api_client(personas["anna"]).post(
        action_url(case.pk, "record_end_of_legal_stay"),
        {"decided_on": "2026-03-01", "expected_version": 1}, content_type="application/json",
    )
    assert response.status_code == 409
    message = body_of(response)["detail"]
    assert "Sanne Jansen" in message and "version 1" in message and "version 2" in message
    assert writes() == before


def test_transition_not_allowed_in_the_stage_is_a_conflict(personas, api_client):
    case = registered(personas)
    before = writes()
    response = api_client(personas["anna"]).post(
        action_url(case.pk, "schedule_removal"), {"planned_on": "2026-03-20"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "not possible in stage 'registered'" in body_of(response)["detail"]
    assert writes() == before


def test_role_without_the_capability_is_forbidden(personas, api_client):
    """Ruud (auditor, NL) may read the case but not decide on it."""
    case = registered(personas)
    before = writes()
    response = api_client(personas["ruud"]).post(
        action_url(case.pk, "record_end_of_legal_stay"), {"decided_on": "2026-03-01"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "your role does not allow" in body_of(response)["detail"]
    assert writes() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "decided_on"),
        ({"decided_on": "2026-02-30", "voluntary_departure_days": 30}, "decided_on"),
        ({"decided_on": "2026-03-01", "voluntary_departure_days": -1},
         "voluntary_departure_days"),
        ({"decided_on": "2026-03-01", "voluntary_departure_days": 30,
          "shortened_departure_reason": "too_busy"}, "shortened_departure_reason"),
        ({"decided_on": "2026-03-01", "voluntary_departure_days": 30, "reason": "a\x00b"},
         "reason"),
        # refused by the action itself, not the schema:
        ({"decided_on": "2026-03-01", "voluntary_departure_days": 3},
         "shortened_departure_reason"),
        ({"decided_on": "2026-03-01", "voluntary_departure_days": 31},
         "voluntary_departure_days"),
        ({"decided_on": "2026-04-01", "voluntary_departure_days": 30}, "decided_on"),
        ({"decided_on": "2026-03-01", "voluntary_departure_days": 30,
          "issuing_authority": "be-dvz"}, "issuing_authority"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_writes_nothing(body, field, personas, api_client):
    case = registered(personas)
    case = actions.record_end_of_legal_stay(personas["anna"], case.pk, decided_on=YESTERDAY)
    before = writes()
    response = api_client(personas["anna"]).post(
        action_url(case.pk, "issue_return_decision"), body, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    problems = body_of(response)["detail"]
    assert field in [p["field"] for p in problems], problems
    assert all(p["message"] for p in problems)
    assert writes() == before
    case.refresh_from_db()
    assert case.version == 2


def test_entry_ban_too_long_for_the_calendar_is_422(personas, api_client):
    """A ban for a serious threat has no legal maximum, but its end, counted from the
    departure, must be a date."""
    case = departed(personas)
    before = writes()
    response = api_client(personas["anna"]).post(
        action_url(case.pk, "issue_entry_ban"),
        {"decided_on": YESTERDAY.isoformat(), "ban_years": 9000, "serious_threat": True,
         "reason": "leader of a terrorist group"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert [p["field"] for p in body_of(response)["detail"]] == ["ban_years"]
    assert writes() == before


def test_open_case(personas, api_client):
    anna = personas["anna"]
    person = person_for(anna)
    response = api_client(anna).post(
        "/api/v1/cases",
        {"person_id": str(person.pk), "origin": "irregular_stay_detected",
         "reason": "found at Schiphol"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    detail = body_of(response)
    assert detail["stage"] == "registered"
    assert detail["person"]["id"] == str(person.pk)
    assert detail["responsible_authority"]["code"] == "nl-dtv"
    assert [t["kind"] for t in detail["open_tasks"]] == ["issue_return_decision"]
    assert detail["events"][0]["action"] == "case_opened"
    assert detail["events"][0]["reason"] == "found at Schiphol"
    assert AccessLogEntry.objects.filter(channel="api", operation="write").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"origin": "holiday"}, "origin"),
        ({"origin": "mutual_recognition"}, "origin_member_state"),
        ({"origin": "mutual_recognition", "origin_member_state": "NLD"}, "origin_member_state"),
        ({"origin": "irregular_stay_detected", "responsible_authority": "be-dvz"},
         "responsible_authority"),
        ({}, "origin"),
    ],
)
def test_open_case_bad_input(body, field, personas, api_client):
    anna = personas["anna"]
    person = person_for(anna)
    before = writes()
    response = api_client(anna).post(
        "/api/v1/cases", {"person_id": str(person.pk), **body}, content_type="application/json"
    )
    assert response.status_code == 422
    assert field in [p["field"] for p in body_of(response)["detail"]]
    assert writes() == before


@pytest.mark.parametrize("outsider", ["lucas", "ruud"])
def test_open_case_for_a_person_out_of_scope(outsider, personas, api_client):
    """Lucas (BE) cannot see the Dutch person: 404 as for no person at all. Ruud (auditor)
    sees the person but may not open cases: 403."""
    person = person_for(personas["anna"])
    client = api_client(personas[outsider])
    before = writes()
    hidden = client.post(
        "/api/v1/cases", {"person_id": str(person.pk), "origin": "ees_overstay"},
        content_type="application/json",
    )
    if outsider == "ruud":
        assert hidden.status_code == 403
    else:
        missing = client.post(
            "/api/v1/cases", {"person_id": str(uuid.uuid4()), "origin": "ees_overstay"},
            content_type="application/json",
        )
        assert hidden.status_code == missing.status_code == 404
        assert body_of(hidden) == body_of(missing) == {"detail": "Not found"}
    assert writes() == before


def test_eu_coordinator_opens_no_case(personas, api_client):
    person = person_for(personas["anna"])
    response = api_client(personas["eva"]).post(
        "/api/v1/cases", {"person_id": str(person.pk), "origin": "ees_overstay"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not ReturnCase.objects.exists()


def test_detail_after_an_action_lists_what_the_user_may_do_next(personas, api_client):
    case = voluntary(personas)
    response = api_client(personas["anna"]).get(f"/api/v1/cases/{case.pk}")
    allowed = {a["action"] for a in body_of(response)["allowed_actions"]}
    assert {"issue_entry_ban", "record_voluntary_departure", "lodge_appeal"} <= allowed
    assert "schedule_removal" not in allowed
    paths = {a["action"]: a["path"] for a in body_of(response)["allowed_actions"]}
    assert paths["issue_entry_ban"] == action_url(case.pk, "issue_entry_ban")


def test_a_step_on_a_case_not_yet_accepted_is_forbidden_with_the_reason(
    anna, pieter, api_client
):
    """Only the responsible authority acts (ADR 0016): the police, to whom the case is being
    handed over, read it but record no step until they accept; the API says why."""
    case = case_in_forced_return(anna, decided_on=TODAY)
    actions.send_handover(anna, case.pk, to_authority="nl-avim", note="you escort")
    client = api_client(pieter)
    detail = body_of(client.get(f"/api/v1/cases/{case.pk}"))
    assert {a["action"] for a in detail["allowed_actions"]} == {
        "accept_handover", "return_handover"}  # answering the hand-over is all they may do
    before = writes()
    refused = client.post(action_url(case.pk, "schedule_removal"),
                          {"planned_on": "2026-03-20"}, content_type="application/json")
    assert refused.status_code == 403
    assert "accept the hand-over before recording steps" in body_of(refused)["detail"]
    assert writes() == before
    actions.accept_handover(pieter, case.pk, reason="we escort")
    done = client.post(action_url(case.pk, "schedule_removal"),
                       {"planned_on": "2026-03-20"}, content_type="application/json")
    assert done.status_code == 200, done.content
