"""Performing a plan through the product's own action functions, in the order of time.

Every person is registered with ``register_person`` and every change to a case is one call
of an action in ``retour.cases.actions``, with the clock set to the step's moment: events,
deadlines, tasks, milestones and the access log come out as real casework would leave them.
Steps of all households run interleaved in time, so case numbers and the access log follow
the calendar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from retour import bulk, clock
from retour.accounts.models import User
from retour.cases import actions
from retour.cases.actions._core import load_case
from retour.cases.guards import latest_decision
from retour.cases.models import Decision, ReturnCase
from retour.errors import ActionError
from retour.identification.actions import NewEvidence, record_identity_evidence
from retour.people.actions import link_family_members, register_person
from retour.readmission import actions as readmission
from retour.seam import actions as seam_actions
from retour.simulation.plan import Household
from retour.simulation.story import Step

CHANNEL = "simulation"

CaseAction = Callable[..., ReturnCase]
# Steps on the case's latest readmission request (``retour.readmission.actions``).
READMISSION_STEPS: dict[str, Callable[..., Any]] = {
    "draft_readmission_request": readmission.draft_readmission_request,
    "submit_readmission_request": readmission.submit_readmission_request,
    "record_readmission_reply": readmission.record_readmission_reply,
    "request_travel_document": readmission.request_travel_document,
    "record_travel_document": readmission.record_travel_document,
    "record_travel_document_use": readmission.record_travel_document_use,
}
_ON_THE_PERSON = frozenset({"record_identity_evidence"})
# Steps that name a decision of the case, which exists only once the replay has made it:
# argument name, decision kind and the status it must have.
_D = Decision
DECISION_ARGUMENTS: dict[str, tuple[str, str, str]] = {
    "lodge_appeal": ("contested_decision_id", _D.Kind.RETURN_DECISION, _D.Status.IN_FORCE),
    "decide_appeal": ("appeal_id", _D.Kind.APPEAL, _D.Status.PENDING),
    "end_postponement": ("postponement_id", _D.Kind.POSTPONEMENT, _D.Status.IN_FORCE),
}


class ReplayError(RuntimeError):
    """An action refused a planned step: the plan and the procedure disagree."""


@dataclass
class CaseResult:
    member_state: str
    stage: str
    outcome: str


@dataclass
class _Progress:
    person_ids: list[Any] = field(default_factory=list)
    case_ids: list[Any] = field(default_factory=list)


class Replay:
    def __init__(self, households: list[Household], officers: dict[str, User]) -> None:
        self.households = households
        self.officers = officers
        self.progress = [_Progress() for _ in households]
        self.cases: dict[Any, CaseResult] = {}

    def run(self) -> dict[Any, CaseResult]:
        """Perform every step; returns each case's final stage and outcome.

        One bulk session for the whole run: all of it is written or, if a step is refused,
        nothing; each action is a savepoint inside it, and the events and access-log entries
        are written together at the end (``retour.bulk``)."""
        order = sorted(
            (step.at, h, s)
            for h, household in enumerate(self.households)
            for s, step in enumerate(household.steps)
        )
        with bulk.bulk_session():
            for at, h, s in order:
                with clock.frozen_at(at):
                    self._perform(h, self.households[h].steps[s])
        return self.cases

    def _perform(self, h: int, step: Step) -> None:
        household, progress = self.households[h], self.progress[h]
        officer = self.officers[step.by] if step.by is not None else None
        try:
            if step.action == "open_case":
                self._open(household, progress, officer, step)
            elif step.action == "record_vulnerability":
                assert step.member is not None
                actions.record_vulnerability(
                    officer, progress.person_ids[step.member], channel=CHANNEL, **step.params
                )
            elif step.action in READMISSION_STEPS or step.action in _ON_THE_PERSON:
                for case_id in progress.case_ids:
                    self._identification_step(officer, case_id, step)
            else:
                for case_id in progress.case_ids:  # a family's cases move together
                    self._note(self._case_action(officer, case_id, step))
        except ActionError as exc:
            raise ReplayError(
                f"{household.member_state} household {h} ({household.storyline}): "
                f"{step.action} at {step.at:%Y-%m-%d %H:%M} was refused: {exc}"
            ) from exc

    def _open(self, household: Household, progress: _Progress, officer: Any, step: Step) -> None:
        for data in household.persons:
            person = register_person(officer, data, channel=CHANNEL)
            progress.person_ids.append(person.pk)
        for one, other, relation in household.links:
            link_family_members(officer, progress.person_ids[one], progress.person_ids[other],
                                relation, channel=CHANNEL)
        for person_id in progress.person_ids:
            case = actions.open_case(officer, person_id, channel=CHANNEL, **step.params)
            progress.case_ids.append(case.pk)
            self._note(case)

    def _case_action(self, officer: Any, case_id: Any, step: Step) -> ReturnCase:
        if step.action == "expire_voluntary_departure":
            return actions.expire_voluntary_departure(case_id)
        params = dict(step.params)
        if step.action in DECISION_ARGUMENTS:
            argument, kind, status = DECISION_ARGUMENTS[step.action]
            decision = latest_decision(load_case(None, case_id), kind, status)
            params[argument] = decision.pk if decision else None
        handler: CaseAction = seam_actions.get(step.action).handler  # type: ignore[assignment]
        return handler(officer, case_id, channel=CHANNEL, **params)

    def _identification_step(self, officer: Any, case_id: Any, step: Step) -> None:
        """A step of identification or readmission: on the case's person, or on the case's
        latest readmission request (drafting makes one)."""
        if step.action == "record_identity_evidence":
            case = load_case(None, case_id)
            record_identity_evidence(officer, case.person_id, NewEvidence(**step.params),
                                     channel=CHANNEL)
        elif step.action == "draft_readmission_request":
            readmission.draft_readmission_request(officer, case_id, channel=CHANNEL,
                                                  **step.params)
        else:
            requests = bulk.select(load_case(None, case_id), "readmission_requests")
            request = max(requests, key=lambda r: r.created_at)
            READMISSION_STEPS[step.action](officer, request.pk, channel=CHANNEL, **step.params)

    def _note(self, case: ReturnCase) -> None:
        # str(): a stage the action just set is a Stage member, one read back a plain string.
        self.cases[case.pk] = CaseResult(str(case.member_state_id), str(case.stage),
                                         str(case.outcome))
