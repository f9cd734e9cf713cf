"""A case's deadlines: the timers that follow from its decisions, computed from the legal
parameters in force (``retour.cases.timers`` keeps them)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from retour.cases import timers
from retour.cases.models import Decision, ReturnCase, Timer
from retour.errors import TransitionRefused
from retour.reference.legal import MissingLegalParameter, parameter_in_force, require_parameter
from retour.reference.models import LegalParameter
from retour.reference.periods import add_period

# Which legal parameter sets which deadline.
PARAMETER_OF: dict[str, str] = {
    Timer.Kind.RETURN_DECISION_DUE: "return_decision.target_after_end_of_legal_stay",
    Timer.Kind.APPEAL_PERIOD_END: "appeal.period",
    Timer.Kind.HANDOVER_ACCEPTANCE: "handover.acceptance",
}


def legal_parameter(case: ReturnCase, code: str, on: date) -> LegalParameter:
    """The parameter in force, or a refusal that names the missing rule (nothing is written)."""
    try:
        return require_parameter(code, on, case.member_state_id)
    except MissingLegalParameter:
        raise TransitionRefused(
            _(
                "no version of legal parameter '%(code)s' is in force for %(member_state)s "
                "on %(date)s"
            ) % {"code": code, "member_state": case.member_state_id, "date": on.isoformat()}
        ) from None


def open_deadline(
    case: ReturnCase,
    kind: str,
    starts_on: date,
    due_on: date,
    *,
    decision: Decision | None = None,
    parameter: LegalParameter | None = None,
    authority: Any = None,
) -> Timer:
    """A timer of the case itself (a deadline), with the parameter that set it."""
    return timers.start(case, kind, starts_on, due_on, decision=decision, parameter=parameter,
                        authority=authority)


def open_deadline_from_parameter(
    case: ReturnCase, kind: str, starts_on: date, *, decision: Decision | None = None,
    required: bool = True, authority: Any = None,
) -> Timer | None:
    """A deadline of ``kind`` running from ``starts_on`` by the parameter in force that day.

    A parameter that is not ``required`` (a national period not yet configured) yields no
    deadline rather than a refusal."""
    code = PARAMETER_OF[kind]
    if required:
        parameter = legal_parameter(case, code, starts_on)
    else:
        found = parameter_in_force(code, starts_on, case.member_state_id)
        if found is None:
            return None
        parameter = found
    due_on = add_period(starts_on, parameter.value, parameter.unit)
    return open_deadline(case, kind, starts_on, due_on, decision=decision, parameter=parameter,
                         authority=authority)


def close_deadlines(case: ReturnCase, status: str, on: date, *kinds: str) -> None:
    timers.close(case, status, on, *kinds)


def entry_ban_end(departed_on: date, ban: Decision) -> date:
    """An entry ban runs from the date of actual departure (CJEU C-225/16 Ouhrami)."""
    return add_period(departed_on, (ban.ban_years or 0) * 12 + (ban.ban_months or 0), "months")


def open_entry_ban_deadline(case: ReturnCase, ban: Decision, departed_on: date) -> Timer:
    return open_deadline(
        case, Timer.Kind.ENTRY_BAN_END, departed_on, entry_ban_end(departed_on, ban),
        decision=ban,
    )

