"""``/readmission-requests``: list, read, draft, one endpoint per step, and the exchange
(export of the application, import of the requested state's reply) over HTTP."""

from __future__ import annotations

import inspect
from datetime import timedelta
from typing import Any

import pytest

from conftest import make_user
from retour.api.readmission import BODIES, DRAFT_BODY
from retour.api.tests.conftest import TODAY, body_of
from retour.audit.models import AccessLogEntry
from retour.cases.models import CaseEvent, Timer
from retour.counselling.actions import refer_to_reintegration
from retour.readmission import actions as ra
from retour.readmission.models import SUBJECT, ReadmissionRequest, ReadmissionTimer
from retour.readmission.procedure import STEPS, taken_on_a_request
from retour.readmission.tests.test_requests import _with_evidence
from retour.seam import actions as seam_actions

BASE = "/api/v1/readmission-requests"
MESSAGES = "/api/v1/readmission-messages"


def _post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def _submitted(user: Any, country: str = "PK") -> ReadmissionRequest:
    case = _with_evidence(user, country)
    request = ra.draft_readmission_request(user, case.pk, third_country=country)
    return ra.submit_readmission_request(user, request.pk, submitted_on=TODAY)


def test_every_step_a_person_takes_has_an_endpoint():
    """The steps with a role that may take them (not the system's) are reached over the API,
    each at the path segment its procedure row declares."""
    by_user = [step.action for step in STEPS
               if step.case_step.capability is not None and step.sources]
    assert list(BODIES) == by_user == [a.name for a in taken_on_a_request()]
    assert all(step.segment for step in STEPS if step.action in BODIES)


@pytest.mark.parametrize(
    ("action", "body"), [*BODIES.items(), ("draft_readmission_request", DRAFT_BODY)]
)
def test_body_schema_matches_the_action_function(action, body):
    """The request body takes exactly the action's keyword arguments, requiring those the
    function requires (channel is the API's own)."""
    handler = getattr(ra, action)
    assert seam_actions.get(action).handler is handler
    parameters = {
        name: p for name, p in inspect.signature(handler).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and name != "channel"
    }
    fields = body.model_fields
    assert set(fields) == set(parameters)
    for name, parameter in parameters.items():
        if parameter.default is inspect.Parameter.empty:
            assert fields[name].is_required(), name


def test_a_request_runs_its_course_over_the_api(anna, api_client):
    client = api_client(anna)
    case = _with_evidence(anna)
    made = _post(client, f"/api/v1/cases/{case.pk}/readmission-requests",
                 {"third_country": "pk"})
    assert made.status_code == 201, made.content
    draft = body_of(made)
    assert (draft["status"], draft["third_country"]) == ("draft", "PK")
    assert draft["instrument"]["code"] == "eura-pk"
    reply_limit = next(r for r in draft["instrument"]["rules"] if r["name"] == "reply_limit")
    assert (reply_limit["value"], reply_limit["unit"], reply_limit["verification"],
            reply_limit["verified"]) == (30, "calendar_days", "secondary", False)
    assert [s["action"] for s in draft["next_steps"]] == [
        "submit_readmission_request", "withdraw_readmission_request"]
    submit_path = draft["next_steps"][0]["path"]
    assert submit_path == f"{BASE}/{draft['id']}/submit"
    steps = [
        ("submit", {"submitted_on": TODAY.isoformat()}, "submitted"),
        ("acknowledge", {"acknowledged_on": TODAY.isoformat(), "their_reference": "PK-1"},
         "acknowledged"),
        ("reply", {"outcome": "accepted", "replied_on": TODAY.isoformat()}, "accepted"),
        ("travel-document-request", {"requested_on": TODAY.isoformat()},
         "travel_document_requested"),
        ("travel-document", {"kind": "laissez_passer", "number": "ETD-1",
                             "issued_on": TODAY.isoformat(),
                             "valid_until": (TODAY + timedelta(days=365)).isoformat()},
         "travel_document_issued"),
        ("travel-document-use", {"used_on": TODAY.isoformat()}, "used"),
    ]
    for slug, body, status in steps:
        answer = _post(client, f"{BASE}/{draft['id']}/{slug}", body)
        assert answer.status_code == 200, (slug, answer.content)
        assert body_of(answer)["status"] == status
    done = body_of(client.get(f"{BASE}/{draft['id']}"))
    assert done["reply_due_on"] == (TODAY + timedelta(days=30)).isoformat()
    assert done["evidence"][0]["kind"] == "language_analysis"
    assert done["next_steps"] == [] and done["closed_on"] == TODAY.isoformat()


def test_refusals_answer_as_the_rest_of_the_api(anna, lucas, ruud, api_client):
    request = _submitted(anna)
    events = CaseEvent.objects.count()
    anna_client = api_client(anna)
    out_of_order = _post(anna_client, f"{BASE}/{request.pk}/travel-document-use",
                         {"used_on": TODAY.isoformat()})
    assert out_of_order.status_code == 409 and "not possible" in body_of(out_of_order)["detail"]
    no_reasons = _post(anna_client, f"{BASE}/{request.pk}/reply",
                       {"outcome": "rejected", "replied_on": TODAY.isoformat()})
    assert no_reasons.status_code == 422
    assert body_of(no_reasons)["detail"][0]["field"] == "reasons"
    wrong_outcome = _post(anna_client, f"{BASE}/{request.pk}/reply",
                          {"outcome": "perhaps", "replied_on": TODAY.isoformat()})
    assert body_of(wrong_outcome)["detail"][0]["field"] == "outcome"
    # Another member state's officer: as if it did not exist.
    for answer in (api_client(lucas).get(f"{BASE}/{request.pk}"),
                   _post(api_client(lucas), f"{BASE}/{request.pk}/withdraw", {"reason": "x"})):
        assert answer.status_code == 404 and body_of(answer) == {"detail": "Not found"}
    # An auditor reads it but takes no step.
    assert api_client(ruud).get(f"{BASE}/{request.pk}").status_code == 200
    refused = _post(api_client(ruud), f"{BASE}/{request.pk}/withdraw", {"reason": "x"})
    assert refused.status_code == 403
    assert CaseEvent.objects.count() == events


def test_the_list_filters_by_country_status_and_overdue_and_is_logged(anna, lucas, api_client):
    pakistan = _submitted(anna, "PK")
    georgia = _submitted(anna, "GE")
    _submitted(lucas, "PK")  # Belgian: never in Anna's list
    Timer.objects.filter(subject=SUBJECT, subject_key=str(georgia.pk),
                         kind=ReadmissionTimer.REPLY).update(due_on=TODAY - timedelta(1))
    client = api_client(anna)

    def references(query: str) -> list[str]:
        answer = client.get(f"{BASE}?{query}", headers={"X-Retour-Reason": "weekly review"})
        assert answer.status_code == 200, answer.content
        return [item["reference"] for item in body_of(answer)["items"]]

    assert set(references("")) == {pakistan.reference, georgia.reference}
    assert references("country=pk") == [pakistan.reference]
    assert references("overdue=true") == [georgia.reference]
    assert references("overdue=false") == [pakistan.reference]
    assert references("status=accepted") == []
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert entry is not None and (entry.operation, entry.object_type, entry.reason) == (
        "search", "readmission_request", "weekly review")
    assert client.get(f"{BASE}?status=lost").status_code == 422


def _reply(request: ReadmissionRequest, **changes: Any) -> dict[str, Any]:
    return {
        "format": "retour-readmission/1", "type": "reply", "request_reference": request.reference,
        "requesting_state": "NL", "requested_state": request.third_country_id,
        "outcome": "accepted", "replied_on": TODAY.isoformat(), **changes,
    }


def test_export_then_import_of_the_reply(anna, api_client):
    request = _submitted(anna)
    client = api_client(anna)
    exported = client.get(f"{BASE}/{request.pk}/export",
                          headers={"X-Retour-Reason": "send via RCMS"})
    assert exported.status_code == 200
    application = body_of(exported)
    assert (application["type"], application["reference"]) == ("application", request.reference)
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert entry is not None and (entry.operation, entry.channel, entry.reason) == (
        "export", "api", "send via RCMS")
    mismatched = _post(client, MESSAGES, _reply(request, requested_state="GE"))
    assert mismatched.status_code == 422
    assert body_of(mismatched)["detail"][0]["field"] == "$.requested_state"
    accepted = _post(client, MESSAGES, _reply(request))
    assert accepted.status_code == 200, accepted.content
    assert body_of(accepted)["status"] == "accepted"
    again = _post(client, MESSAGES, _reply(request))
    assert again.status_code == 409


@pytest.mark.parametrize("body", [[], '"reply"', {"format": "retour-readmission/1"}])
def test_an_import_that_is_not_a_message_is_422(anna, api_client, body):
    answer = _post(api_client(anna), MESSAGES, body)
    assert answer.status_code == 422
    assert body_of(answer)["detail"][0]["field"]


def test_a_draft_cannot_be_exported(anna, api_client):
    case = _with_evidence(anna)
    draft = ra.draft_readmission_request(anna, case.pk, third_country="PK")
    assert api_client(anna).get(f"{BASE}/{draft.pk}/export").status_code == 409


def test_a_request_withdrawn_as_a_draft_cannot_be_exported(anna, api_client):
    """It was never submitted, so there is no application to send (this answered 500)."""
    case = _with_evidence(anna)
    draft = ra.draft_readmission_request(anna, case.pk, third_country="PK")
    ra.withdraw_readmission_request(anna, draft.pk, reason="drafted for the wrong country")
    answer = api_client(anna).get(f"{BASE}/{draft.pk}/export")
    assert answer.status_code == 409
    assert "withdrawn before it was submitted" in body_of(answer)["detail"]


@pytest.mark.parametrize("role", ["return_counsellor", "auditor", "operations_planner"])
def test_only_the_roles_that_prepare_an_application_export_it(anna, lucas, api_client, role):
    """Counsellors, auditors and planners read a request whose case they see, but the
    application, the person's particulars for a third country, is sent out only by those
    who prepare it (ADR 0016)."""
    preparer = lucas if role == "return_counsellor" else anna
    request = _submitted(preparer)
    counsels = "be-fedasil" if role == "return_counsellor" else ""
    refer_to_reintegration(preparer, request.case_id, referred_on=TODAY, programme="AVRR",
                           counselling_service=counsels)
    authority = counsels or "nl-dtv"
    reader = make_user("reader", "Robin", "Reader", authority, (role,))
    client = api_client(reader)
    assert client.get(f"{BASE}/{request.pk}").status_code == 200
    refused = client.get(f"{BASE}/{request.pk}/export")
    assert refused.status_code == 403
    assert "export a readmission application" in body_of(refused)["detail"]
    assert not AccessLogEntry.objects.filter(operation="export").exists()


@pytest.mark.parametrize("persona", ["sanne", "identification_officer"])
def test_supervisors_and_identification_officers_export(anna, sanne, api_client, persona):
    request = _submitted(anna)
    user = sanne if persona == "sanne" else make_user(
        "ida", "Ida", "Ident", "nl-dtv", ("identification_officer",))
    assert api_client(user).get(f"{BASE}/{request.pk}/export").status_code == 200
