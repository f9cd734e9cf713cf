"""The readmission exchange: the application exported as documented JSON, the requested
state's messages imported; a bad or mismatched message is refused with its JSON path and
changes nothing; the commands' output and exit statuses."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from retour import clock
from retour.audit.models import AccessLogEntry
from retour.cases.models import CaseEvent
from retour.errors import InvalidInput, TransitionRefused
from retour.identification.actions import NewDocument, record_identity_document
from retour.readmission import actions as ra
from retour.readmission import exchange
from retour.readmission.models import ReadmissionRequest
from retour.readmission.tests.test_requests import _with_evidence

pytestmark = pytest.mark.usefixtures("frozen_clock")
S = ReadmissionRequest.Status


def _submitted(user: Any, country: str = "PK") -> ReadmissionRequest:
    case = _with_evidence(user, country)
    record_identity_document(user, case.person_id, NewDocument(
        kind="driving_licence", form="copy", number="DL-4471", issuing_country=country,
        issued_on=clock.today() - timedelta(days=900)))
    request = ra.draft_readmission_request(user, case.pk, third_country=country)
    return ra.submit_readmission_request(user, request.pk, submitted_on=clock.today())


def _reply(request: ReadmissionRequest, **changes: Any) -> dict[str, Any]:
    """What the requested state's system would send back for ``request``."""
    return {
        "format": exchange.FORMAT, "type": "reply", "request_reference": request.reference,
        "requesting_state": request.case.member_state_id,
        "requested_state": request.third_country_id, "their_reference": "PK-RCMS-77",
        "outcome": "accepted", "replied_on": clock.today().isoformat(), **changes,
    }


def _unchanged(request: ReadmissionRequest) -> tuple[Any, ...]:
    request.refresh_from_db()
    return (request.status, request.replied_on, request.their_reference,
            CaseEvent.objects.filter(case_id=request.case_id).count())


def test_the_application_holds_the_particulars_and_the_evidence_and_is_logged(anna):
    request = _submitted(anna)
    logged = AccessLogEntry.objects.count()
    document = exchange.export_application(anna, exchange.load_request(anna, pk=request.pk),
                                           reason="send to NADRA", channel="api")
    exchange.check_document(document)  # valid by its own schema
    case = request.case
    assert document["reference"] == request.reference
    assert document["requesting_state"] == {"member_state": "NL", "authority": {
        "code": case.responsible_authority.code, "name": case.responsible_authority.name}}
    assert document["requested_state"] == "PK" and document["channel"] == "rcms"
    assert document["instrument"]["code"] == "eura-pk"
    assert document["reply_due_on"] == (clock.today() + timedelta(days=30)).isoformat()
    person = document["person"]
    assert person["names"] and person["sex"] in ("F", "M", "X")
    assert {(e["source"], e["kind"], e["counts_as"]) for e in document["evidence"]} == {
        ("evidence", "language_analysis", "prima_facie"),
        ("document", "driving_licence", "prima_facie"),
    }
    licence = next(e for e in document["evidence"] if e["source"] == "document")
    assert (licence["number"], licence["issuing_country"], licence["form"]) == (
        "DL-4471", "PK", "copy")
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert AccessLogEntry.objects.count() == logged + 1 and entry is not None
    assert (entry.operation, entry.object_type, entry.person_ids, entry.reason) == (
        "export", "readmission_request", [str(case.person_id)], "send to NADRA")


def test_a_draft_has_no_application_yet(anna):
    case = _with_evidence(anna)
    draft = ra.draft_readmission_request(anna, case.pk, third_country="PK")
    with pytest.raises(TransitionRefused, match="draft"):
        exchange.export_application(anna, draft)


def test_round_trip_export_then_the_reply_of_the_requested_state_accepts_the_request(anna):
    request = _submitted(anna)
    sent = exchange.export_application(anna, request)
    # The requested state's system answers in the same form, quoting the application.
    acknowledgement = {**_reply(request), "type": "acknowledgement",
                       "acknowledged_on": clock.today().isoformat()}
    for name in ("outcome", "replied_on"):
        del acknowledgement[name]
    exchange.import_message(anna, json.loads(json.dumps(acknowledgement)))
    reply = _reply(request, request_reference=sent["reference"])
    accepted = exchange.import_message(anna, reply, channel="cli")
    assert accepted.status == S.ACCEPTED and accepted.their_reference == "PK-RCMS-77"
    assert accepted.transfer_due_on is not None
    event = CaseEvent.objects.filter(case_id=request.case_id).order_by("-sequence").first()
    assert event is not None and (event.type, event.actor) == ("record_readmission_reply", anna)
    travel = {**_reply(request), "type": "travel_document", "travel_document": {
        "kind": "laissez_passer", "number": "ETD-9", "issued_on": clock.today().isoformat(),
        "valid_until": (clock.today() + timedelta(days=400)).isoformat()}}
    del travel["outcome"], travel["replied_on"]
    issued = exchange.import_message(anna, travel)
    assert (issued.status, issued.travel_document_number) == (S.TRAVEL_DOCUMENT_ISSUED, "ETD-9")


@pytest.mark.parametrize(("change", "path", "says"), [
    ({"format": "rcms/2"}, "$.format", "unsupported format"),
    ({"outcome": "maybe"}, "$.outcome", "is not one of"),
    ({"replied_on": "2026-02-30"}, "$.replied_on", "date"),
    ({"outcome": "rejected"}, "$.reasons", "is required"),
    ({"surprise": 1}, "$", "unexpected"),
    ({"request_reference": "NL-0000-000000-R9"}, "$.request_reference", "no readmission"),
    ({"requested_state": "GE"}, "$.requested_state", "not GE"),
    ({"requesting_state": "BE"}, "$.requesting_state", "not BE"),
    ({"replied_on": "2099-01-01"}, "$.replied_on", "future"),
    ({"type": "application"}, "$.type", "must be one of acknowledgement"),
])
def test_a_bad_or_mismatched_reply_is_refused_with_its_path_and_changes_nothing(
        anna, change, path, says):
    request = _submitted(anna)
    before = _unchanged(request)
    with pytest.raises(InvalidInput) as refused:
        exchange.import_message(anna, _reply(request, **change))
    assert says in refused.value.errors.get(path, ""), refused.value.errors
    assert _unchanged(request) == before


def test_a_missing_field_is_named_by_its_path(anna):
    request = _submitted(anna)
    reply = _reply(request)
    del reply["outcome"]
    with pytest.raises(InvalidInput) as refused:
        exchange.import_message(anna, reply)
    assert refused.value.errors == {"$.outcome": "is required"}


def test_a_reply_with_another_reference_of_theirs_or_to_a_request_not_waiting_is_refused(
        anna, lucas):
    request = _submitted(anna)
    ra.acknowledge_readmission_request(anna, request.pk, acknowledged_on=clock.today(),
                                       their_reference="PK-RCMS-1")
    before = _unchanged(request)
    with pytest.raises(InvalidInput) as refused:
        exchange.import_message(anna, _reply(request, their_reference="PK-RCMS-2"))
    assert "PK-RCMS-1" in refused.value.errors["$.their_reference"]
    # Another member state's officer cannot learn that the request exists.
    with pytest.raises(InvalidInput, match="no readmission request"):
        exchange.import_message(lucas, _reply(request, their_reference="PK-RCMS-1"))
    exchange.import_message(anna, _reply(request, their_reference="PK-RCMS-1"))
    before = _unchanged(request)
    with pytest.raises(TransitionRefused, match="'accepted'"):
        exchange.import_message(anna, _reply(request, their_reference="PK-RCMS-1"))
    assert _unchanged(request) == before


def test_a_travel_document_the_action_refuses_is_named_inside_the_message(anna):
    request = _submitted(anna)
    exchange.import_message(anna, _reply(request))
    before = _unchanged(request)
    travel = {**_reply(request), "type": "travel_document", "travel_document": {
        "kind": "passport", "number": "P-1", "issued_on": clock.today().isoformat(),
        "valid_until": clock.today().isoformat()}}
    del travel["outcome"], travel["replied_on"]
    with pytest.raises(InvalidInput) as refused:
        exchange.import_message(anna, travel)
    assert list(refused.value.errors) == ["$.travel_document.valid_until"]
    assert _unchanged(request) == before


# --- the commands ---------------------------------------------------------------------------


def _command(*args: str) -> str:
    out = StringIO()
    call_command("readmission", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _refused(*args: str) -> CommandError:
    with pytest.raises(CommandError) as refused:
        _command(*args)
    assert refused.value.returncode == 2
    return refused.value


def test_the_commands_export_and_import_a_reply(anna, tmp_path: Path):
    request = _submitted(anna)
    sent = json.loads(_command("export", request.reference, "--user", "anna"))
    assert sent["reference"] == request.reference
    written = tmp_path / "application.json"
    _command("export", request.reference, "--user", "anna", "--output", str(written))
    assert json.loads(written.read_text(encoding="utf-8"))["person"] == sent["person"]
    reply = tmp_path / "reply.json"
    reply.write_text(json.dumps(_reply(request)), encoding="utf-8")
    assert _command("import", str(reply), "--user", "anna") == (
        f"{request.reference}: accepted\n")


def test_the_commands_refuse_bad_input_with_exit_status_2(anna, tmp_path: Path):
    request = _submitted(anna)
    before = _unchanged(request)
    assert "--user" in str(_refused("export", request.reference, "--user", "nobody"))
    assert "not found" in str(_refused("export", "NL-1-R1", "--user", "anna"))
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": ', encoding="utf-8")
    assert "line 1, column 12: not JSON" in str(_refused("import", str(broken), "--user", "anna"))
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(_reply(request, outcome="perhaps")), encoding="utf-8")
    assert f"{wrong}: $.outcome: " in str(_refused("import", str(wrong), "--user", "anna"))
    assert "No such file" in str(_refused("import", str(tmp_path / "none.json"),
                                          "--user", "anna"))
    assert _unchanged(request) == before


def test_the_import_command_refuses_hostile_messages_naming_the_place(anna, tmp_path: Path):
    """A deep nesting gave a RecursionError traceback; NUL reached the database (issue 13)."""
    request = _submitted(anna)
    before = _unchanged(request)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert "nested too deep" in str(_refused("import", str(deep), "--user", "anna"))
    nul = tmp_path / "nul.json"
    nul.write_text(json.dumps(_reply(request, their_reference="GE\x00-1")), encoding="utf-8")
    assert f"{nul}: $.their_reference: contains a NUL" in str(
        _refused("import", str(nul), "--user", "anna"))
    assert _unchanged(request) == before


def test_the_examples_of_the_documentation_are_valid_documents():
    text = (Path(__file__).parents[4] / "docs" / "rcms-exchange.md").read_text(encoding="utf-8")
    examples = [block.split("```", 1)[0] for block in text.split("```json\n")[1:]]
    assert len(examples) == 2
    for example in examples:
        exchange.check_document(json.loads(example))
