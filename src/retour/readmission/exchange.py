"""The readmission exchange: a request exported as a structured JSON application for an
RCMS-style channel, and the requested state's messages (acknowledgement, reply, travel
document) imported in the same form.

The RCMS data schema is not public (domain facts §3), so the form is Retour's own,
``retour-readmission/1``, described by ``data/exchange-schema-1.json`` and in
``docs/rcms-exchange.md``. The application carries the particulars the agreements' application
forms ask for (e.g. EU–Sri Lanka agreement Art. 7: names, earlier names, date and place of
birth, sex, nationality, language) and the means of evidence (domain facts §12.2).

An imported message is checked against the schema and against the request it answers
(reference, states, their reference, status); any mismatch refuses it with the reason and its
JSON path, and nothing changes. An accepted message is one action on the request
(``retour.readmission.actions``), so it is logged as the officer's own step would be.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from django.db import transaction
from django.utils.translation import gettext as _

from retour import clock
from retour.accounts.roles import Capability
from retour.audit.log import record_access
from retour.errors import InvalidInput, NotVisible, PermissionRefused, TransitionRefused
from retour.identification.models import IdentityDocument, IdentityEvidence
from retour.people.models import Person
from retour.readmission import actions
from retour.readmission.models import ReadmissionRequest
from retour.readmission.procedure import BY_ACTION
from retour.seam.limits import document_problems

FORMAT = "retour-readmission/1"
SCHEMA_FILE = Path(__file__).parent / "data" / "exchange-schema-1.json"
MESSAGE_TYPES = ("acknowledgement", "reply", "travel_document")
# The step each message records, hence the statuses in which the request can take it.
_ACTION_OF = {
    "acknowledgement": "acknowledge_readmission_request",
    "reply": "record_readmission_reply",
    "travel_document": "record_travel_document",
}


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


@cache
def _validator() -> jsonschema_rs.Draft202012Validator:
    return jsonschema_rs.Draft202012Validator(schema(), validate_formats=True)


def json_path(parts: list[str | int]) -> str:
    """``["travel_document", "number"]`` → ``$.travel_document.number`` (RFC 9535)."""
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def check_document(document: Any, types: tuple[str, ...] = ()) -> None:
    """``InvalidInput`` naming the JSON path of every place where ``document`` is not a
    ``retour-readmission/1`` document (of one of ``types``, when given)."""
    if not isinstance(document, dict):
        raise InvalidInput.field("$", "must be a JSON object")
    if document.get("format") != FORMAT:
        raise InvalidInput.field(
            "$.format", f"unsupported format {document.get('format')!r}; expected {FORMAT!r}"
        )
    if types and document.get("type") not in types:
        raise InvalidInput.field("$.type", f"must be one of {', '.join(types)}")
    problems: dict[str, str] = {}
    for error in _validator().iter_errors(document):
        parts = list(error.instance_path)
        if isinstance(error.kind, jsonschema_rs.ValidationErrorKind.Required):
            parts.append(error.kind.property)
            message = "is required"
        else:
            message = error.message
        problems.setdefault(json_path(parts), message)
    if problems:
        raise InvalidInput(problems)


def load_request(user: Any, **lookup: Any) -> ReadmissionRequest:
    """The request ``lookup`` finds among those ``user`` may see; ``NotVisible`` else."""
    try:
        return (ReadmissionRequest.objects.visible_to(user)
                .select_related("instrument", "case__responsible_authority")
                .get(**lookup))
    except (ReadmissionRequest.DoesNotExist, ValueError, TypeError):
        raise NotVisible("readmission request not found") from None


# --- export -------------------------------------------------------------------------------


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _person(person: Person) -> dict[str, Any]:
    today = clock.today()
    return {
        "names": [
            {"kind": n.kind, "script": n.script, "surname": n.surname,
             "given_names": n.given_names}
            for n in person.names.all()
        ],
        "sex": person.sex,
        "date_of_birth": person.date_of_birth_display.removeprefix("~") or None,
        "date_of_birth_estimated": person.birth_date_estimated,
        "place_of_birth": person.place_of_birth,
        "country_of_birth": person.country_of_birth_id,
        "nationalities": [
            {"country": n.country_id, "status": n.status}
            for n in person.nationalities.order_by("country_id")
        ],
        "languages": list(person.languages),
        "vulnerabilities": [
            v.kind for v in person.vulnerabilities.all()
            if v.ended_on is None or v.ended_on > today
        ],
    }


def _evidence(request: ReadmissionRequest, person: Person) -> list[dict[str, Any]]:
    """The evidence fixed at submission, with what the requested state needs to verify each
    item: a document's number, issuer and dates; other evidence's date and reference (the
    biometric data themselves stay in the national system)."""
    ids: dict[str, list[str]] = defaultdict(list)
    for item in request.evidence:
        ids[item["source"]].append(item["id"])
    documents = {str(d.pk): d for d in IdentityDocument.objects.filter(
        person=person, pk__in=ids["document"])}
    evidence = {str(e.pk): e for e in IdentityEvidence.objects.filter(
        person=person, pk__in=ids["evidence"])}
    listed = []
    for item in request.evidence:
        entry = {"source": item["source"], "kind": item["kind"], "counts_as": item["counts_as"]}
        document = documents.get(item["id"]) if item["source"] == "document" else None
        other = evidence.get(item["id"]) if item["source"] == "evidence" else None
        if document is not None:
            entry |= {"number": document.number, "issuing_country": document.issuing_country_id,
                      "issued_on": _day(document.issued_on),
                      "expires_on": _day(document.expires_on), "form": document.form}
        if other is not None:
            entry |= {"taken_on": other.taken_on.isoformat(),
                      "nationality": other.nationality_id, "reference": other.reference}
        listed.append(entry)
    return listed


def application(request: ReadmissionRequest) -> dict[str, Any]:
    """The request as a ``retour-readmission/1`` application (no access logging: callers use
    ``export_application``)."""
    case = request.case
    person = Person.objects.prefetch_related("names", "vulnerabilities").get(pk=case.person_id)
    instrument = request.instrument
    assert request.submitted_on is not None
    document: dict[str, Any] = {
        "format": FORMAT,
        "type": "application",
        "reference": request.reference,
        "exported_at": clock.now().isoformat(),
        "requesting_state": {
            "member_state": case.member_state_id,
            "authority": {"code": case.responsible_authority.code,
                          "name": case.responsible_authority.name},
        },
        "requested_state": request.third_country_id,
        "instrument": None if instrument is None else {
            "code": instrument.code, "version": instrument.version, "kind": instrument.kind,
            "title": instrument.title, "legal_reference": instrument.legal_reference,
        },
        "procedure": request.procedure,
        "channel": request.channel,
        "submitted_on": request.submitted_on.isoformat(),
        "apprehended_on": _day(request.apprehended_on),
        "reply_due_on": _day(request.reply_due_on),
        "person": _person(person),
        "evidence": _evidence(request, person),
    }
    if request.their_reference:
        document["their_reference"] = request.their_reference
    return document


def export_application(
    user: Any, request: ReadmissionRequest, *, reason: str = "", channel: str = "",
) -> dict[str, Any]:
    """The application of a submitted request, for the requested state; the export of the
    person's data is kept in the access log (GDPR Art. 5(2)). Only the roles that prepare an
    application export it (``retour.accounts.roles``)."""
    if not user.can(Capability.EXPORT_READMISSION_APPLICATION):
        raise PermissionRefused(
            _("your role does not allow: export a readmission application; the officers who "
              "prepare the request send it")
        )
    if request.status == ReadmissionRequest.Status.DRAFT:
        raise TransitionRefused(
            f"request {request.reference} is a draft: submit it first (the evidence is "
            "fixed at submission)"
        )
    if request.submitted_on is None:
        raise TransitionRefused(
            f"request {request.reference} was withdrawn before it was submitted: there is no "
            "application to export"
        )
    document = application(request)
    with transaction.atomic():
        record_access(user, "export", "readmission_request", [request.pk],
                      person_ids=[request.case.person_id], reason=reason, channel=channel)
    return document


# --- import -------------------------------------------------------------------------------


def _matching_request(user: Any, message: dict[str, Any]) -> ReadmissionRequest:
    reference = message["request_reference"]
    try:
        request = load_request(user, reference=reference)
    except NotVisible:
        raise InvalidInput.field(
            "$.request_reference", f"no readmission request {reference} is known"
        ) from None
    expected = {
        "$.requested_state": (message["requested_state"], request.third_country_id),
        "$.requesting_state": (message["requesting_state"], request.case.member_state_id),
    }
    for path, (given, recorded) in expected.items():
        if given != recorded:
            raise InvalidInput.field(
                path, f"request {reference} is between {request.case.member_state_id} "
                      f"(requesting) and {request.third_country_id} (requested), not {given}"
            )
    theirs = message.get("their_reference", "").strip()
    if theirs and request.their_reference and theirs != request.their_reference:
        raise InvalidInput.field(
            "$.their_reference",
            f"{request.third_country_id} gave request {reference} the reference "
            f"{request.their_reference}, not {theirs}",
        )
    step = BY_ACTION[_ACTION_OF[message["type"]]]
    if request.status not in step.sources:
        expected_statuses = ", ".join(sorted(step.sources))
        raise TransitionRefused(
            f"request {reference} is '{request.status}': a {message['type'].replace('_', ' ')} "
            f"fits a request that is {expected_statuses}"
        )
    return request


@transaction.atomic
def import_message(
    user: Any, message: Any, *, reason: str = "", channel: str = "",
) -> ReadmissionRequest:
    """Record the requested state's ``message`` on the request it answers, or refuse it
    (``InvalidInput`` with the JSON path, ``TransitionRefused`` when the request is not
    waiting for it) with nothing changed. A role that records none of them is refused
    before the message is read: what it sent is none of its business."""
    if user is not None and not any(
        BY_ACTION[action].capability is not None and user.can(BY_ACTION[action].capability)
        for action in _ACTION_OF.values()
    ):
        raise PermissionRefused(_("your role does not allow: %(action)s") % {
            "action": _("record the requested state's answers")})
    # NUL (PostgreSQL cannot store it) and direction overrides, anywhere in the message.
    problems = dict(document_problems(message))
    if problems:
        raise InvalidInput(problems)
    check_document(message, MESSAGE_TYPES)  # dates included: the schema checks the calendar
    request = _matching_request(user, message)
    their_reference = message.get("their_reference", "")
    try:
        if message["type"] == "acknowledgement":
            return actions.acknowledge_readmission_request(
                user, request.pk,
                acknowledged_on=date.fromisoformat(message["acknowledged_on"]),
                their_reference=their_reference, reason=reason, channel=channel)
        if message["type"] == "reply":
            return actions.record_readmission_reply(
                user, request.pk, outcome=message["outcome"],
                replied_on=date.fromisoformat(message["replied_on"]),
                reasons=message.get("reasons", ""), their_reference=their_reference,
                reason=reason, channel=channel)
        issued = message["travel_document"]
        return actions.record_travel_document(
            user, request.pk, kind=issued["kind"], number=issued["number"],
            issued_on=date.fromisoformat(issued["issued_on"]),
            valid_until=date.fromisoformat(issued["valid_until"]),
            reason=reason, channel=channel)
    except InvalidInput as refused:
        # The action names its own argument; the sender needs the place in the message.
        prefix = "$.travel_document." if message["type"] == "travel_document" else "$."
        raise InvalidInput({
            field if field.startswith("$") else prefix + field: text
            for field, text in refused.errors.items()
        }) from None
