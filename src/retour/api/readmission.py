"""Readmission requests: the list, one request with the rules it follows and its next steps,
a draft from a case, one endpoint per step, and the RCMS-style exchange (the application out,
the requested state's message in: ``retour.readmission.exchange``).

Each step calls the action of the same name in ``retour.readmission.actions`` (the one write
path); a step the request's status does not allow is 409.
"""

from __future__ import annotations

import inspect
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Body, Field, Query, Router, Schema, Status

from retour import clock
from retour.accounts.models import User
from retour.api.access import CHANNEL, ReadReason, log_read
from retour.api.auth import caller
from retour.api.errors import responses
from retour.api.present import display_name
from retour.api.schemas import CaseRef, PersonRef
from retour.api.types import PageQuery
from retour.readmission import actions, exchange
from retour.readmission.actions import REPLY_OUTCOMES, TRAVEL_DOCUMENT_KINDS
from retour.readmission.models import ReadmissionRequest
from retour.readmission.procedure import AWAITING_REPLY, BY_ACTION, steps_open_to
from retour.readmission.rules import Rules
from retour.seam.inputs import CountryCode, OneOf, RowId, Text

router = Router(tags=["readmission"])

S = ReadmissionRequest.Status
Channel = ReadmissionRequest.Channel
Procedure = ReadmissionRequest.Procedure
# As codes, not enums: ninja names an enum's OpenAPI component after its class, and the
# missions' "Status" would hide this one.
StatusCode = Annotated[str, OneOf(S.values)]
ProcedureCode = Annotated[str, OneOf(Procedure.values)]


def overdue(today: date) -> Q:
    """Requests waiting past their due date: a reply, or a travel document asked for."""
    return (Q(status__in=AWAITING_REPLY, reply_due_on__lt=today)
            | Q(status=S.TRAVEL_DOCUMENT_REQUESTED, travel_document_due_on__lt=today))


class RuleOut(Schema):
    name: str
    value: Any
    unit: str
    source: str
    verification: str = Field(description="verified, secondary or unverified")
    verified: bool


class InstrumentOut(Schema):
    code: str
    version: int
    kind: str
    title: str
    legal_reference: str
    rules: list[RuleOut] = Field(description="The rules of this version, which the due dates "
                                             "follow, each with its source and verification.")


class ReadmissionEvidence(Schema):
    source: str = Field(description="document or evidence")
    id: str
    kind: str
    counts_as: str = Field(description="proof, prima_facie or supporting")


class NextStep(Schema):
    action: str
    label: str
    path: str


class RequestItem(Schema):
    id: int
    reference: str
    case: CaseRef
    person: PersonRef
    third_country: str
    status: StatusCode
    procedure: ProcedureCode
    created_at: datetime
    reply_due_on: date | None
    travel_document_due_on: date | None
    transfer_due_on: date | None
    overdue: bool


class RequestDetail(RequestItem):
    instrument: InstrumentOut | None
    channel: str
    their_reference: str
    evidence: list[ReadmissionEvidence]
    apprehended_on: date | None
    submitted_on: date | None
    acknowledged_on: date | None
    replied_on: date | None
    rejection_reasons: str
    travel_document_requested_on: date | None
    travel_document_kind: str
    travel_document_number: str
    travel_document_issued_on: date | None
    travel_document_valid_until: date | None
    travel_document_warnings: list[str]
    closed_on: date | None
    next_steps: list[NextStep] = Field(description="The steps you may take now.")


class RequestPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[RequestItem]


def _requests(user: User) -> QuerySet[ReadmissionRequest]:
    return (ReadmissionRequest.objects.visible_to(user)
            .select_related("case__person", "instrument")
            .prefetch_related("case__person__names"))


def _is_overdue(request: ReadmissionRequest, today: date) -> bool:
    due = (request.reply_due_on if request.status in AWAITING_REPLY
           else request.travel_document_due_on if request.status == S.TRAVEL_DOCUMENT_REQUESTED
           else None)
    return due is not None and due < today


def _item_fields(request: ReadmissionRequest) -> dict[str, Any]:
    case = request.case
    return {
        "id": request.pk, "reference": request.reference,
        "case": CaseRef(id=case.pk, number=case.number, stage=case.stage),
        "person": PersonRef(id=case.person_id, name=display_name(case.person.names.all())),
        "third_country": request.third_country_id, "status": request.status,
        "procedure": request.procedure, "created_at": request.created_at,
        "reply_due_on": request.reply_due_on,
        "travel_document_due_on": request.travel_document_due_on,
        "transfer_due_on": request.transfer_due_on,
        "overdue": _is_overdue(request, clock.today()),
    }


def _instrument(request: ReadmissionRequest) -> InstrumentOut | None:
    instrument = request.instrument
    if instrument is None:
        return None
    rules = Rules.of(instrument)
    shown = []
    for name in sorted(instrument.rules):
        rule = rules.get(name)
        assert rule is not None
        shown.append(RuleOut(name=name, value=rule.value, unit=rule.unit, source=rule.source,
                             verification=rule.verification, verified=rule.verified))
    return InstrumentOut(code=instrument.code, version=instrument.version, kind=instrument.kind,
                         title=instrument.title, legal_reference=instrument.legal_reference,
                         rules=shown)


def request_detail(request: ReadmissionRequest, user: User) -> RequestDetail:
    return RequestDetail(
        **_item_fields(request), instrument=_instrument(request), channel=request.channel,
        their_reference=request.their_reference,
        evidence=[ReadmissionEvidence(**item) for item in request.evidence],
        apprehended_on=request.apprehended_on, submitted_on=request.submitted_on,
        acknowledged_on=request.acknowledged_on, replied_on=request.replied_on,
        rejection_reasons=request.rejection_reasons,
        travel_document_requested_on=request.travel_document_requested_on,
        travel_document_kind=request.travel_document_kind,
        travel_document_number=request.travel_document_number,
        travel_document_issued_on=request.travel_document_issued_on,
        travel_document_valid_until=request.travel_document_valid_until,
        travel_document_warnings=actions.travel_document_warnings(request, request.case),
        closed_on=request.closed_on,
        next_steps=[
            NextStep(action=step.action, label=step.case_step.label,
                     path=reverse(f"api:readmission-{SLUGS[step.action]}",
                                  kwargs={"request_id": request.pk}))
            for step in steps_open_to(request, user.capabilities)
            if step.action in SLUGS
        ],
    )


def _detail_of(user: User, request_id: Any) -> RequestDetail:
    return request_detail(exchange.load_request(user, pk=request_id), user)


class RequestQuery(PageQuery):
    country: CountryCode | None = Field(None, description="The requested state.")
    status: StatusCode | None = None
    overdue: bool | None = Field(None, description="true: only those waiting past their due "
                                                   "date; false: only the others.")


@router.get("/readmission-requests", response=responses(200, RequestPage, [422]),
            operation_id="list_readmission_requests")
def list_readmission_requests(
    request: HttpRequest, filters: Query[RequestQuery], reason: ReadReason = "",
) -> RequestPage:
    """The readmission requests of your member state, newest first."""
    user = caller(request)
    found = _requests(user)
    terms: dict[str, Any] = {}
    if filters.country:
        found = found.filter(third_country_id=filters.country)
        terms["country"] = filters.country
    if filters.status:
        found = found.filter(status=filters.status)
        terms["status"] = filters.status
    if filters.overdue is not None:
        late = overdue(clock.today())
        found = found.filter(late) if filters.overdue else found.exclude(late)
        terms["overdue"] = filters.overdue
    page = list(found[filters.offset : filters.offset + filters.limit])
    log_read(user, "search", "readmission_request", [r.pk for r in page],
             person_ids=[r.case.person_id for r in page], search_terms=terms, reason=reason)
    return RequestPage(count=found.count(), limit=filters.limit, offset=filters.offset,
                       items=[RequestItem(**_item_fields(r)) for r in page])


@router.get("/readmission-requests/{request_id}",
            response=responses(200, RequestDetail, [404, 422]),
            operation_id="get_readmission_request")
def get_readmission_request(
    request: HttpRequest, request_id: RowId, reason: ReadReason = "",
) -> RequestDetail:
    """One request: the instrument version and the rules it follows (with their source and
    verification), the due dates, the evidence sent and the steps you may take now."""
    user = caller(request)
    detail = _detail_of(user, request_id)
    log_read(user, "read", "readmission_request", [request_id],
             person_ids=[detail.person.id], reason=reason)
    return detail


class DraftIn(Schema):
    third_country: CountryCode
    procedure: ProcedureCode = Procedure.NORMAL
    apprehended_on: date | None = Field(
        None, description="Needed for the accelerated (border) procedure.")
    expected_version: int | None = Field(
        None, ge=1, description="The case version you read; if the case changed since, 409.")
    reason: Text = ""


@router.post("/cases/{case_id}/readmission-requests",
             response=responses(201, RequestDetail, [400, 403, 404, 409, 422]),
             operation_id="draft_readmission_request",
             summary=BY_ACTION["draft_readmission_request"].case_step.label)
def draft_readmission_request(
    request: HttpRequest, case_id: UUID, body: DraftIn,
) -> Status[RequestDetail]:
    """Draft a request to a third country to readmit the person of the case (a return
    decision must be in force). The instrument that governs it is fixed at submission."""
    user = caller(request)
    made = actions.draft_readmission_request(user, case_id, **body.model_dump(),
                                             channel=CHANNEL)
    return Status(201, _detail_of(user, made.pk))


# --- one endpoint per step ---------------------------------------------------------------


class StepBody(Schema):
    reason: Text = Field("", description="Why; kept in the case history.")


class Submit(StepBody):
    submitted_on: date
    channel_used: Annotated[str, OneOf(["", *Channel.values])] = Field(
        "", description="How it was sent; the instrument's channel if left out.")


class Acknowledge(StepBody):
    acknowledged_on: date
    their_reference: Annotated[Text, Field(max_length=60)] = ""


class Reply(StepBody):
    outcome: Annotated[str, OneOf(REPLY_OUTCOMES)]
    replied_on: date
    reasons: Text = Field("", description="Required with a rejection.")
    their_reference: Annotated[Text, Field(max_length=60)] = ""


class RequestTravelDocument(StepBody):
    requested_on: date


class TravelDocument(StepBody):
    kind: Annotated[str, OneOf(TRAVEL_DOCUMENT_KINDS)]
    number: Annotated[Text, Field(min_length=1, max_length=40)]
    issued_on: date
    valid_until: date


class UseTravelDocument(StepBody):
    used_on: date


class Escalate(StepBody):
    description: Text = Field(min_length=1)


class Withdraw(Schema):
    reason: Text = Field(min_length=1, description="Why; kept in the case history.")


# path segment, action, body
STEPS: tuple[tuple[str, str, type[Schema]], ...] = (
    ("submit", "submit_readmission_request", Submit),
    ("acknowledge", "acknowledge_readmission_request", Acknowledge),
    ("reply", "record_readmission_reply", Reply),
    ("travel-document-request", "request_travel_document", RequestTravelDocument),
    ("travel-document", "record_travel_document", TravelDocument),
    ("travel-document-use", "record_travel_document_use", UseTravelDocument),
    ("escalate", "escalate_readmission_request", Escalate),
    ("withdraw", "withdraw_readmission_request", Withdraw),
)
SLUGS = {action: slug for slug, action, _ in STEPS}


def _add_step(slug: str, action: str, body_schema: type[Schema]) -> None:
    perform = getattr(actions, action)

    def endpoint(request: HttpRequest, request_id: RowId, body: Schema) -> RequestDetail:
        user = caller(request)
        perform(user, request_id, **body.model_dump(), channel=CHANNEL)
        return _detail_of(user, request_id)

    # ninja reads the request schema from the annotation: give each endpoint its own.
    endpoint.__annotations__["body"] = body_schema
    endpoint.__name__ = endpoint.__qualname__ = action
    router.post(
        f"/readmission-requests/{{request_id}}/{slug}",
        response=responses(200, RequestDetail, [400, 403, 404, 409, 422]),
        operation_id=action, url_name=f"readmission-{slug}",
        summary=BY_ACTION[action].case_step.label,
        description=inspect.getdoc(perform) or "",
    )(endpoint)


for _slug, _action, _body in STEPS:
    _add_step(_slug, _action, _body)


# --- the exchange ------------------------------------------------------------------------


@router.get("/readmission-requests/{request_id}/export",
            response=responses(200, dict[str, Any], [404, 409, 422]),
            operation_id="export_readmission_request")
def export_readmission_request(
    request: HttpRequest, request_id: RowId, reason: ReadReason = "",
) -> dict[str, Any]:
    """The submitted request as a `retour-readmission/1` application (JSON Schema in
    `retour/readmission/data/exchange-schema-1.json`, described in `docs/rcms-exchange.md`):
    the person's particulars and the evidence list, for an RCMS-style exchange. The export is
    kept in the access log."""
    user = caller(request)
    found = exchange.load_request(user, pk=request_id)
    return exchange.export_application(user, found, reason=reason, channel=CHANNEL)


@router.post("/readmission-messages",
             response=responses(200, RequestDetail, [400, 403, 404, 409, 422]),
             operation_id="import_readmission_message")
def import_readmission_message(
    request: HttpRequest, body: Annotated[dict[str, Any], Body(...)],
    reason: Annotated[Text, Field(max_length=500)] = "",
) -> RequestDetail:
    """Record the requested state's `retour-readmission/1` acknowledgement, reply or travel
    document on the request it quotes. A message that does not fit its schema or its request
    (reference, states, their reference) is 422, naming the JSON path (`$.outcome`); one the
    request is not waiting for is 409. Nothing changes then."""
    user = caller(request)
    found = exchange.import_message(user, body, reason=reason, channel=CHANNEL)
    return _detail_of(user, found.pk)
