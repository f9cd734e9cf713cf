"""The lifecycle of a readmission request as one table: statuses, allowed steps, who may take
them. Each step is also a step of the request's return case (``cases.actions._core.perform``
with this table's ``Transition``), so it is one audited event on the case.

A request is made from a case with a return decision in force: readmission agreements apply
only after a final return decision (domain facts §12.1, COM(2011) 76).

The steps are declared with the seam on the subject ``readmission_request``
(``retour.seam.actions``): the API's endpoints and the request page's forms are made from
them. Drafting is the one step that acts on the case rather than on a request (it makes the
request): its endpoint and its form hang off the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_noop

from retour.accounts.roles import Capability
from retour.cases import guards
from retour.cases.procedure import Guard, Transition
from retour.cases.stages import RETURN_DECISION_STAGES, Stage
from retour.readmission.models import SUBJECT, ReadmissionRequest, ReadmissionTimer
from retour.seam import actions as seam_actions
from retour.seam.actions import Action

S = ReadmissionRequest.Status
_C = Capability
_CASE_STAGES = RETURN_DECISION_STAGES | {Stage.DEPARTED}
_REPLIED = frozenset({S.ACCEPTED, S.TACITLY_ACCEPTED})
OPEN_STATUSES = frozenset({
    S.DRAFT, S.SUBMITTED, S.ACKNOWLEDGED, S.NEEDS_INTERVIEW, S.ACCEPTED, S.TACITLY_ACCEPTED,
    S.TRAVEL_DOCUMENT_REQUESTED, S.TRAVEL_DOCUMENT_ISSUED,
})
AWAITING_REPLY = frozenset({S.SUBMITTED, S.ACKNOWLEDGED, S.NEEDS_INTERVIEW})
# The due date that comes next while a request is in a status (its timer's kind): the
# requested state's reply, then its travel document, then the transfer within the
# instrument's window. None in the other statuses.
AWAITED: dict[str, str] = {
    **dict.fromkeys(AWAITING_REPLY, ReadmissionTimer.REPLY),
    S.TRAVEL_DOCUMENT_REQUESTED: ReadmissionTimer.TRAVEL_DOCUMENT,
    **dict.fromkeys((S.ACCEPTED, S.TACITLY_ACCEPTED, S.TRAVEL_DOCUMENT_ISSUED),
                    ReadmissionTimer.TRANSFER),
}


@dataclass(frozen=True)
class Step:
    """A step of the request: from which statuses (none: it makes the request), to which, and
    as which case transition; ``segment`` is its endpoint's path under the request, as the
    API publishes it (none: no person takes it there)."""

    case_step: Transition
    sources: frozenset[str]
    target: str | None  # None: decided by the step (e.g. the reply's outcome)
    segment: str = ""

    @property
    def action(self) -> str:
        return self.case_step.action

    @property
    def label(self) -> str:
        return self.case_step.label

    @property
    def capability(self) -> Any:
        return self.case_step.capability


def _step(action: str, label: str, sources: frozenset[str], target: str | None,
          capability: Capability | None, *case_guards: Guard, segment: str = "") -> Step:
    return Step(
        Transition(action, label, _CASE_STAGES, None, capability, tuple(case_guards)),
        sources, target, segment,
    )


STEPS: tuple[Step, ...] = (
    _step("draft_readmission_request", gettext_noop("Draft a readmission request"),
          frozenset(), S.DRAFT, _C.IDENTIFY, guards.return_decision_in_force),
    _step("submit_readmission_request", gettext_noop("Submit the readmission request"),
          frozenset({S.DRAFT}), S.SUBMITTED, _C.IDENTIFY, guards.return_decision_in_force,
          segment="submit"),
    _step("acknowledge_readmission_request", gettext_noop("Record the acknowledgement"),
          frozenset({S.SUBMITTED}), S.ACKNOWLEDGED, _C.IDENTIFY, segment="acknowledge"),
    _step("record_readmission_reply", gettext_noop("Record the reply"),
          AWAITING_REPLY, None, _C.IDENTIFY, segment="reply"),
    _step("record_tacit_acceptance", gettext_noop("Record tacit acceptance"),
          frozenset({S.SUBMITTED, S.ACKNOWLEDGED}), S.TACITLY_ACCEPTED, None),
    _step("request_travel_document", gettext_noop("Request the travel document"),
          _REPLIED, S.TRAVEL_DOCUMENT_REQUESTED, _C.IDENTIFY, segment="travel-document-request"),
    _step("record_travel_document", gettext_noop("Record the travel document issued"),
          _REPLIED | {S.TRAVEL_DOCUMENT_REQUESTED}, S.TRAVEL_DOCUMENT_ISSUED, _C.IDENTIFY,
          segment="travel-document"),
    _step("record_travel_document_use", gettext_noop("Record the travel document used"),
          frozenset({S.TRAVEL_DOCUMENT_ISSUED}), S.USED, _C.IDENTIFY,
          segment="travel-document-use"),
    _step("expire_travel_document", gettext_noop("Record the travel document expired"),
          frozenset({S.TRAVEL_DOCUMENT_ISSUED}), S.EXPIRED, None),
    _step("chase_readmission_request", gettext_noop("Note the request overdue"),
          AWAITING_REPLY | {S.TRAVEL_DOCUMENT_REQUESTED}, None, None),
    _step("escalate_readmission_request", gettext_noop("Escalate as an obstacle"),
          AWAITING_REPLY | {S.TRAVEL_DOCUMENT_REQUESTED}, None, _C.IDENTIFY,
          segment="escalate"),
    _step("withdraw_readmission_request", gettext_noop("Withdraw the readmission request"),
          OPEN_STATUSES, S.WITHDRAWN, _C.IDENTIFY, segment="withdraw"),
)
BY_ACTION: dict[str, Step] = {step.action: step for step in STEPS}
DRAFT = BY_ACTION["draft_readmission_request"]
seam_actions.declare(SUBJECT, STEPS)


def taken_on_a_request() -> list[Action]:
    """The steps a person takes on a request, through its endpoint or its form, in the
    table's order: every declared step with an input but drafting, which makes the request
    from its case."""
    return [a for a in seam_actions.asked(SUBJECT) if a.step is not DRAFT]


def steps_open_to(request: ReadmissionRequest, capabilities: frozenset[str]) -> list[Step]:
    """The steps a user with ``capabilities`` may take on ``request`` now (not drafting)."""
    return [
        step for step in STEPS
        if step.sources and request.status in step.sources
        and step.case_step.capability is not None
        and step.case_step.capability in capabilities
    ]
