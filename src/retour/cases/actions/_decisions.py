"""Shared steps of the decision actions: recording a decision, suspension and resumption."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from retour import bulk
from retour.accounts.models import Authority
from retour.cases import guards
from retour.cases.actions._core import authority_named, not_in_future
from retour.cases.models import Decision, ReturnCase
from retour.cases.stages import Stage
from retour.errors import InvalidInput


def issuing_authority(user: Any, case: ReturnCase, code: str | None) -> Authority:
    """The authority that took the decision: the user's own unless another of the same member
    state is named (e.g. the asylum service's decision recorded by the return service)."""
    if not code:
        return user.authority if user is not None else case.responsible_authority
    return authority_named(code, case.member_state_id, "issuing_authority")


def check_decision_dates(decided_on: date, notified_on: date | None) -> None:
    not_in_future(decided_on, "decided_on")
    if notified_on is not None:
        if notified_on < decided_on:
            raise InvalidInput.field("notified_on", _("cannot be before the decision date"))
        not_in_future(notified_on, "notified_on")


def record(case: ReturnCase, kind: str, authority: Authority, **fields: Any) -> Decision:
    return bulk.add(case, "decisions",
                    Decision(case=case, kind=kind, issuing_authority=authority, **fields))


def described(decision: Decision) -> dict[str, Any]:
    """The decision as event values: what was decided, by whom, on what basis."""
    values: dict[str, Any] = {
        "id": decision.pk,
        "kind": decision.kind,
        "decided_on": decision.decided_on.isoformat(),
        "issuing_authority": decision.issuing_authority.code,
        "legal_basis": decision.legal_basis,
    }
    optional = {
        "notified_on": decision.notified_on,
        "reference": decision.reference,
        "voluntary_departure_days": decision.voluntary_departure_days,
        "shortened_departure_reason": decision.shortened_departure_reason,
        "extension_days": decision.extension_days,
        "ban_years": decision.ban_years,
        "ban_months": decision.ban_months,
        "contested": decision.contested_id,
        "suspensive": decision.suspensive,
        "appeal_outcome": decision.appeal_outcome,
        "postponement_ground": decision.postponement_ground,
        "ends_on": decision.ends_on,
        "status": decision.status,
    }
    for name, value in optional.items():
        if value not in (None, ""):
            values[name] = value.isoformat() if isinstance(value, date) else value
    return values


def suspend(case: ReturnCase) -> None:
    """Enter the suspended stage, remembering where to come back to. A scheduled removal is
    called off: it has to be planned again once the suspension ends."""
    if case.stage == Stage.SUSPENDED:
        return
    if case.stage == Stage.REMOVAL_SCHEDULED:
        case.stage_before_suspension = Stage.FORCED_RETURN_PREPARATION
        case.removal_planned_on = None
    else:
        case.stage_before_suspension = case.stage
    case.stage = Stage.SUSPENDED


def resume_if_clear(case: ReturnCase) -> None:
    """Leave the suspended stage when no suspensive appeal or postponement remains."""
    if case.stage == Stage.SUSPENDED and guards.no_suspensive_matter(case) is None:
        case.stage = case.stage_before_suspension or Stage.FORCED_RETURN_PREPARATION
        case.stage_before_suspension = ""
