"""One endpoint per business action on a case: ``POST /cases/{id}/actions/<action>``.

Each calls the action function of the same name in ``retour.cases.actions`` (the one write
path), which checks the user's role, the procedure and the law, and writes atomically. The
request body holds the action's arguments; ``expected_version`` is the case version the
client read, so a change by someone else in between is refused (409) rather than overwritten.
The response is the case as it is after the action.
"""

from __future__ import annotations

import inspect
from datetime import date
from typing import Annotated
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema

from retour.api.access import CHANNEL
from retour.api.auth import caller
from retour.api.errors import responses
from retour.api.present import action_slug, action_url_name, case_detail, load_case
from retour.api.schemas import CaseDetail
from retour.api.types import CountryCode, OneOf, RowId, SmallNumber, Text
from retour.cases import actions
from retour.cases.actions.decisions import (
    APPEAL_OUTCOMES,
    EXTENSION_REASONS,
    POSTPONEMENT_GROUNDS,
    SHORTENED_DEPARTURE_REASONS,
)
from retour.cases.models import (
    DetentionPeriod,
    NonCooperation,
    Outcome,
    ReintegrationReferral,
)
from retour.cases.procedure import BY_ACTION

router = Router(tags=["case actions"])

AuthorityCode = Annotated[Text, Field(max_length=40)]


class ActionBody(Schema):
    expected_version: int | None = Field(
        None, ge=1, description="The case version you read; if the case changed since, 409."
    )


class WithReason(ActionBody):
    reason: Text = Field("", description="Why; kept in the case history.")


class WithRequiredReason(ActionBody):
    reason: Text = Field(min_length=1, description="Why; kept in the case history.")


class RecordEndOfLegalStay(WithReason):
    decided_on: date
    legal_basis: Annotated[Text, Field(max_length=200)] = ""
    issuing_authority: AuthorityCode | None = None
    reference: Annotated[Text, Field(max_length=60)] = ""


class RecordBestInterestsAssessment(ActionBody):
    decided_on: date
    summary: Text = Field(min_length=1)
    issuing_authority: AuthorityCode | None = None


class IssueReturnDecision(WithReason):
    decided_on: date
    voluntary_departure_days: SmallNumber
    notified_on: date | None = None
    shortened_departure_reason: Annotated[str, OneOf(["", *SHORTENED_DEPARTURE_REASONS])] = ""
    legal_basis: Annotated[Text, Field(max_length=200)] = ""
    issuing_authority: AuthorityCode | None = None
    reference: Annotated[Text, Field(max_length=60)] = ""


class ExtendVoluntaryDeparture(WithReason):
    decided_on: date
    extension_days: SmallNumber
    extension_reason: Annotated[str, OneOf(EXTENSION_REASONS)]


class IssueEntryBan(WithReason):
    decided_on: date
    ban_years: SmallNumber = 0
    ban_months: SmallNumber = 0
    serious_threat: bool = False


class LodgeAppeal(WithReason):
    contested_decision_id: RowId
    lodged_on: date
    suspensive: bool


class DecideAppeal(WithReason):
    appeal_id: RowId
    outcome: Annotated[str, OneOf(APPEAL_OUTCOMES)]
    decided_on: date


class PostponeRemoval(WithRequiredReason):
    ground: Annotated[str, OneOf(POSTPONEMENT_GROUNDS)]
    decided_on: date
    ends_on: date | None = None


class EndPostponement(WithRequiredReason):
    postponement_id: RowId
    ended_on: date


class VerifyReception(ActionBody):
    decided_on: date
    arrangement: Text = Field(min_length=1)


class WithdrawReturnDecision(WithRequiredReason):
    decided_on: date


class Departure(WithReason):
    departed_on: date
    destination: CountryCode
    assisted: bool = False


class ScheduleRemoval(WithReason):
    planned_on: date


class RecordAbsconding(WithReason):
    absconded_on: date


class RecordWhereaboutsKnown(WithReason):
    located_on: date


class SendHandover(ActionBody):
    to_authority: AuthorityCode
    note: Text = Field(min_length=1)


class CloseCase(WithReason):
    outcome: Outcome


class RecordNonCooperation(WithReason):
    kind: NonCooperation.Kind
    occurred_on: date
    evidence: Text = Field(min_length=1, description="What shows it: a report, a witness.")
    consequence: NonCooperation.Consequence


class OrderDetention(WithReason):
    ordered_on: date
    ground: DetentionPeriod.Ground
    facility: Text = Field(min_length=1, description="Where the person is detained.")
    ordering_authority: Annotated[Text, Field(max_length=40)] = Field(
        "", description="Code of the authority that ordered it; empty: your own."
    )


class EndDetention(ActionBody):
    ended_on: date
    reason: DetentionPeriod.EndReason
    note: Text = Field("", description="Kept with the period and in the case history.")


class ReferToReintegration(WithReason):
    referred_on: date
    programme: Annotated[Text, Field(max_length=200)] = Field(
        min_length=1, description="The programme, e.g. Frontex JRS or the national AVRR."
    )


class RecordReintegrationOutcome(ActionBody):
    outcome: ReintegrationReferral.Outcome
    outcome_on: date
    note: Text = Field("", description="Kept with the referral and in the case history.")


class AssignCase(WithReason):
    officer_username: Annotated[Text, Field(max_length=150)] | None = Field(
        description="The officer of the responsible authority; null to unassign."
    )


# The body of each action endpoint; its fields are the action function's arguments.
BODIES: dict[str, type[ActionBody]] = {
    "record_end_of_legal_stay": RecordEndOfLegalStay,
    "record_best_interests_assessment": RecordBestInterestsAssessment,
    "issue_return_decision": IssueReturnDecision,
    "extend_voluntary_departure": ExtendVoluntaryDeparture,
    "issue_entry_ban": IssueEntryBan,
    "lodge_appeal": LodgeAppeal,
    "decide_appeal": DecideAppeal,
    "postpone_removal": PostponeRemoval,
    "end_postponement": EndPostponement,
    "verify_reception": VerifyReception,
    "withdraw_return_decision": WithdrawReturnDecision,
    "record_voluntary_departure": Departure,
    "schedule_removal": ScheduleRemoval,
    "cancel_removal": WithRequiredReason,
    "record_removal": Departure,
    "record_absconding": RecordAbsconding,
    "record_whereabouts_known": RecordWhereaboutsKnown,
    "send_handover": SendHandover,
    "accept_handover": WithReason,
    "return_handover": WithRequiredReason,
    "close_case": CloseCase,
    "assign_case": AssignCase,
    "record_non_cooperation": RecordNonCooperation,
    "order_detention": OrderDetention,
    "end_detention": EndDetention,
    "refer_to_reintegration": ReferToReintegration,
    "record_reintegration_outcome": RecordReintegrationOutcome,
}


def _add_endpoint(action: str, body_schema: type[ActionBody]) -> None:
    perform = getattr(actions, action)

    def endpoint(request: HttpRequest, case_id: UUID, body: ActionBody) -> CaseDetail:
        user = caller(request)
        case = perform(user, case_id, **body.model_dump(), channel=CHANNEL)
        return case_detail(load_case(user, case.pk), user)

    # ninja reads the request schema from the annotation: give each endpoint its own.
    endpoint.__annotations__["body"] = body_schema
    endpoint.__name__ = endpoint.__qualname__ = action
    router.post(
        f"/cases/{{case_id}}/actions/{action_slug(action)}",
        response=responses(200, CaseDetail, [400, 403, 404, 409, 422]),
        operation_id=action,
        url_name=action_url_name(action),
        summary=BY_ACTION[action].label,
        description=inspect.getdoc(perform) or "",
    )(endpoint)


for _action, _body in BODIES.items():
    _add_endpoint(_action, _body)

