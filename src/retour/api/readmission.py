"""Readmission requests: the list, one request with the rules it follows and its next steps,
a draft from a case, one endpoint per step, and the RCMS-style exchange (the application out,
the requested state's message in: ``retour.readmission.exchange``).

Drafting and each step call their action in ``retour.readmission.actions`` (the one write
path), declared with its input schema once (``retour.api.action_endpoints`` makes their
endpoints); a step the request's status does not allow is 409.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Body, Field, Query, Router, Schema, Status

from retour import clock
from retour.accounts.models import User
from retour.accounts.signin.session import refuse_unless_recently_confirmed
from retour.api.access import CHANNEL, ReadReason, log_read
from retour.api.action_endpoints import add_endpoint
from retour.api.auth import caller
from retour.api.errors import responses
from retour.api.schemas import CaseRef, PersonRef
from retour.api.types import PageQuery
from retour.cases.models import Timer
from retour.people.display import display_name
from retour.readmission import actions, exchange
from retour.readmission import timers as request_timers
from retour.readmission.models import ReadmissionRequest, ReadmissionTimer
from retour.readmission.procedure import (
    DRAFT,
    steps_open_to,
    taken_on_a_request,
)
from retour.readmission.rules import Rules
from retour.seam import actions as seam_actions
from retour.seam.inputs import CountryCode, OneOf, RowId, Text

router = Router(tags=["readmission"])

S = ReadmissionRequest.Status
Procedure = ReadmissionRequest.Procedure
# As codes, not enums: ninja names an enum's OpenAPI component after its class, and the
# missions' "Status" would hide this one.
StatusCode = Annotated[str, OneOf(S.values)]
ProcedureCode = Annotated[str, OneOf(Procedure.values)]


def overdue(today: date) -> Q:
    """Requests waiting past their due date: a reply, or a travel document asked for."""
    return request_timers.overdue(today)


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


def _due_on(kept: dict[str, Timer], kind: str) -> date | None:
    timer = kept.get(kind)
    return timer.due_on if timer is not None else None


def _item_fields(request: ReadmissionRequest, kept: dict[str, Timer]) -> dict[str, Any]:
    """The fields of a list item; ``kept``: the request's timers by kind (``of_requests``)."""
    case = request.case
    return {
        "id": request.pk, "reference": request.reference,
        "case": CaseRef(id=case.pk, number=case.number, stage=case.stage),
        "person": PersonRef(id=case.person_id, name=display_name(case.person.names.all())),
        "third_country": request.third_country_id, "status": request.status,
        "procedure": request.procedure, "created_at": request.created_at,
        "reply_due_on": _due_on(kept, ReadmissionTimer.REPLY),
        "travel_document_due_on": _due_on(kept, ReadmissionTimer.TRAVEL_DOCUMENT),
        "transfer_due_on": _due_on(kept, ReadmissionTimer.TRANSFER),
        "overdue": request_timers.waits_past_due(kept, clock.today()),
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
    kept = request_timers.of_requests([request])[request.pk]
    return RequestDetail(
        **_item_fields(request, kept), instrument=_instrument(request), channel=request.channel,
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
            NextStep(action=step.action, label=step.label,
                     path=reverse(f"api:readmission-{step.segment}",
                                  kwargs={"request_id": request.pk}))
            for step in steps_open_to(request, user.capabilities)
            if step.action in BODIES
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
    kept = request_timers.of_requests(page)
    return RequestPage(count=found.count(), limit=filters.limit, offset=filters.offset,
                       items=[RequestItem(**_item_fields(r, kept[r.pk])) for r in page])


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


# --- drafting from the case, and one endpoint per step ----------------------------------
# Made from the steps declared with their input schema (``retour.readmission.procedure``,
# ``retour.readmission.inputs``). Drafting acts on the case (with its expected version) and
# makes a request (201); a step acts on a request, at the path segment it declares.


def _made(user: User, case_id: Any, made: ReadmissionRequest) -> Status[RequestDetail]:
    return Status(201, _detail_of(user, made.pk))


def _after_step(user: User, request_id: Any, done: ReadmissionRequest) -> RequestDetail:
    return _detail_of(user, request_id)


DRAFT_BODY = add_endpoint(
    router, seam_actions.get(DRAFT.action), "/cases/{case_id}/readmission-requests",
    subject=("case_id", UUID), answer=_made,
    response=responses(201, RequestDetail, [400, 403, 404, 409, 422]),
)
# The body of each step's endpoint, by action.
BODIES: dict[str, type[Schema]] = {
    a.name: add_endpoint(
        router, a, f"/readmission-requests/{{request_id}}/{a.step.segment}",
        subject=("request_id", RowId), answer=_after_step,
        response=responses(200, RequestDetail, [400, 403, 404, 409, 422]), base=Schema,
        url_name=f"readmission-{a.step.segment}",
    )
    for a in taken_on_a_request()
}


# --- the exchange ------------------------------------------------------------------------


@router.get("/readmission-requests/{request_id}/export",
            response=responses(200, dict[str, Any], [403, 404, 409, 422]),
            operation_id="export_readmission_request")
def export_readmission_request(
    request: HttpRequest, request_id: RowId, reason: ReadReason = "",
) -> dict[str, Any]:
    """The submitted request as a `retour-readmission/1` application (JSON Schema in
    `retour/readmission/data/exchange-schema-1.json`, described in `docs/rcms-exchange.md`):
    the person's particulars and the evidence list, for an RCMS-style exchange. The export is
    kept in the access log. Only the roles that prepare the application export it (case
    officer, supervisor, identification officer); any other role is answered 403."""
    refuse_unless_recently_confirmed(request)
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
