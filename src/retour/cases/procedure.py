"""The return procedure as one declarative table: stages, allowed transitions, guards.

The action functions, the API (which actions are allowed now) and the generated procedure
document (``retour procedure``) all read this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from retour.accounts.roles import Capability
from retour.cases import guards
from retour.cases.models import ReturnCase
from retour.cases.stages import OPEN_STAGES, RETURN_DECISION_STAGES, Stage
from retour.seam import actions as seam_actions

Guard = guards.Guard
S = Stage


@dataclass(frozen=True)
class Transition:
    action: str
    # English, as the API, the procedure document and the access log keep it; marked for the
    # catalogue, so that a message shows it with ``gettext`` in the reader's language.
    label: str
    sources: frozenset[Stage]
    target: Stage | None  # None: stays in the stage, or as ``target_note`` explains
    capability: Capability | None  # None: only the system performs it (a deadline passing)
    guards: tuple[Guard, ...] = ()
    target_note: str = ""


_ENFORCEABLE = frozenset({S.VOLUNTARY_DEPARTURE, S.FORCED_RETURN_PREPARATION, S.REMOVAL_SCHEDULED})
_C = Capability

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "record_end_of_legal_stay", gettext_noop("Record end of legal stay"),
        frozenset({S.REGISTERED}), S.LEGAL_STAY_ENDED, _C.DECIDE,
    ),
    Transition(
        "record_best_interests_assessment", gettext_noop("Record best-interests assessment"),
        frozenset({S.REGISTERED, S.LEGAL_STAY_ENDED}) | RETURN_DECISION_STAGES, None, _C.DECIDE,
        (guards.concerns_a_minor,),
    ),
    Transition(
        "issue_return_decision", gettext_noop("Issue return decision"),
        frozenset({S.REGISTERED, S.LEGAL_STAY_ENDED}), None, _C.DECIDE,
        (guards.legal_stay_ended_first, guards.best_interests_assessed),
        "voluntary-departure period when one is granted, else forced-return preparation",
    ),
    Transition(
        "extend_voluntary_departure", gettext_noop("Extend voluntary departure"),
        frozenset({S.VOLUNTARY_DEPARTURE}), None, _C.DECIDE,
    ),
    Transition(
        "expire_voluntary_departure",
        gettext_noop("Voluntary-departure period ends without departure"),
        frozenset({S.VOLUNTARY_DEPARTURE}), S.FORCED_RETURN_PREPARATION, None,
        (guards.voluntary_departure_period_over,),
    ),
    Transition(
        "issue_entry_ban", gettext_noop("Issue entry ban"),
        RETURN_DECISION_STAGES | {S.DEPARTED}, None, _C.DECIDE,
        (guards.return_decision_in_force,),
    ),
    Transition(
        "lodge_appeal", gettext_noop("Record appeal"),
        RETURN_DECISION_STAGES | {S.DEPARTED}, None, _C.RECORD_APPEAL, (),
        "suspended when the appeal has suspensive effect",
    ),
    Transition(
        "decide_appeal", gettext_noop("Record appeal outcome"),
        RETURN_DECISION_STAGES | {S.DEPARTED, S.LEGAL_STAY_ENDED}, None, _C.RECORD_APPEAL, (),
        "back to the stage before suspension when nothing suspensive remains; legal stay "
        "ended when the return decision is annulled (departed stays departed)",
    ),
    Transition(
        "postpone_removal", gettext_noop("Postpone removal"),
        frozenset({S.FORCED_RETURN_PREPARATION, S.REMOVAL_SCHEDULED, S.SUSPENDED}),
        S.SUSPENDED, _C.DECIDE,
    ),
    Transition(
        "end_postponement", gettext_noop("End postponement"),
        frozenset({S.SUSPENDED}), None, _C.DECIDE, (),
        "back to the stage before suspension when nothing suspensive remains",
    ),
    Transition(
        "verify_reception", gettext_noop("Record verified reception (unaccompanied minor)"),
        RETURN_DECISION_STAGES, None, _C.DECIDE, (guards.concerns_unaccompanied_minor,),
    ),
    Transition(
        "schedule_removal", gettext_noop("Schedule removal"),
        frozenset({S.FORCED_RETURN_PREPARATION}), S.REMOVAL_SCHEDULED, _C.ENFORCE,
        (guards.no_suspensive_matter, guards.reception_verified_for_minor),
    ),
    Transition(
        "cancel_removal", gettext_noop("Cancel scheduled removal"),
        frozenset({S.REMOVAL_SCHEDULED}), S.FORCED_RETURN_PREPARATION, _C.ENFORCE,
    ),
    Transition(
        "record_removal", gettext_noop("Record removal"),
        frozenset({S.REMOVAL_SCHEDULED}), S.DEPARTED, _C.ENFORCE,
        (guards.no_suspensive_matter, guards.reception_verified_for_minor),
    ),
    Transition(
        "record_voluntary_departure", gettext_noop("Record voluntary departure"),
        _ENFORCEABLE, S.DEPARTED, _C.RECORD_DEPARTURE,
    ),
    Transition(
        "record_absconding", gettext_noop("Record absconding"),
        _ENFORCEABLE, S.ABSCONDED, _C.ENFORCE,
    ),
    Transition(
        "record_whereabouts_known", gettext_noop("Record person located"),
        frozenset({S.ABSCONDED}), S.FORCED_RETURN_PREPARATION, _C.ENFORCE,
    ),
    Transition(
        "withdraw_return_decision", gettext_noop("Withdraw return decision"),
        RETURN_DECISION_STAGES, S.LEGAL_STAY_ENDED, _C.DECIDE,
    ),
    Transition(
        "close_case", gettext_noop("Close case"),
        OPEN_STAGES, S.CLOSED, _C.CLOSE_CASE,
    ),
    Transition("send_handover", gettext_noop("Hand over"), OPEN_STAGES, None, _C.HAND_OVER),
    Transition(
        "accept_handover", gettext_noop("Accept hand-over"),
        OPEN_STAGES, None, _C.HAND_OVER,
    ),
    Transition(
        "return_handover", gettext_noop("Return hand-over"),
        OPEN_STAGES, None, _C.HAND_OVER,
    ),
    Transition("assign_case", gettext_noop("Assign officer"), OPEN_STAGES, None, _C.ASSIGN),
)

BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}
seam_actions.declare("case", TRANSITIONS)


def transitions() -> list[Transition]:
    """Every transition of the procedure: this table's, then those other apps declare on
    the case (``retour.seam.actions``), in declaration order."""
    return [action.step for action in seam_actions.on("case")]


def transition(action: str) -> Transition:
    found: Transition = seam_actions.get(action).step
    return found


def refusal(transition: Transition, case: ReturnCase) -> str | None:
    """Why ``transition`` cannot happen to ``case`` now, or None if the law allows it."""
    if case.stage not in transition.sources:
        # The stage's label is lazy: it reads in the language of the request.
        return _("'%(action)s' is not possible in stage '%(stage)s'") % {
            "action": _(transition.label), "stage": Stage(case.stage).label,
        }
    for guard in transition.guards:
        reason = guard(case)
        if reason:
            return reason
    return None


def allowed_actions(case: ReturnCase, capabilities: frozenset[str]) -> list[Transition]:
    """The transitions a user with ``capabilities`` may perform on ``case`` now."""
    return [
        t
        for t in transitions()
        if t.capability is not None
        and t.capability in capabilities
        and refusal(t, case) is None
    ]
