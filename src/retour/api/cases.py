"""Return cases: search, read, open."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from retour.api.access import CHANNEL, ReadReason, log_read
from retour.api.auth import caller
from retour.api.errors import responses
from retour.api.present import case_detail, case_list_item
from retour.api.schemas import CaseDetail, CasePage
from retour.api.search import CaseQuery
from retour.cases import actions
from retour.cases.models import Origin
from retour.cases.reading import load_case
from retour.cases.search import find_cases
from retour.seam.inputs import CountryCode, Text

router = Router(tags=["cases"])


class OpenCaseIn(Schema):
    person_id: UUID
    origin: Origin
    responsible_authority: Annotated[Text, Field(max_length=40)] | None = Field(
        None, description="Code of the authority that takes the case; yours if left out."
    )
    origin_member_state: CountryCode | None = Field(
        None, description="For mutual recognition: the member state whose decision is recognised."
    )
    reason: Text = ""


@router.get("/cases", response=responses(200, CasePage, [422]), operation_id="list_cases")
def list_cases(
    request: HttpRequest, filters: Query[CaseQuery], reason: ReadReason = ""
) -> CasePage:
    """Search the cases you may see; every search is kept in the access log."""
    user = caller(request)
    wanted = filters.filters()
    found = find_cases(user, wanted)
    page = list(found[filters.offset : filters.offset + filters.limit])
    log_read(
        user, "search", "return_case", [c.pk for c in page],
        person_ids=[c.person_id for c in page], search_terms=wanted.search_terms(),
        reason=reason,
    )
    return CasePage(
        count=found.count(), limit=filters.limit, offset=filters.offset,
        items=[case_list_item(c) for c in page],
    )


@router.get(
    "/cases/{case_id}", response=responses(200, CaseDetail, [404, 422]), operation_id="get_case"
)
def get_case(request: HttpRequest, case_id: UUID, reason: ReadReason = "") -> CaseDetail:
    """The case with its person, decisions, deadlines, open tasks, hand-overs and history.
    Health-related vulnerabilities are listed only when the request gives its reason (the
    `X-Retour-Reason` header, kept in the access log) and the role needs them."""
    user = caller(request)
    detail = case_detail(load_case(user, case_id), user, health_reason=reason)
    shown = {detail.person.id} | {
        p.id for link in detail.person.family_links for p in (link.person, link.relative)
    }
    log_read(user, "read", "return_case", [case_id], person_ids=sorted(shown, key=str),
             reason=reason)
    return detail


@router.post(
    "/cases", response=responses(201, CaseDetail, [400, 403, 404, 422]), operation_id="open_case"
)
def open_case(request: HttpRequest, body: OpenCaseIn) -> Status[CaseDetail]:
    """Open a return case for a person of your member state."""
    user = caller(request)
    case = actions.open_case(
        user, body.person_id, origin=body.origin,
        responsible_authority=body.responsible_authority,
        origin_member_state=body.origin_member_state, reason=body.reason, channel=CHANNEL,
    )
    return Status(201, case_detail(load_case(user, case.pk), user))
