"""Helpers for the case tests: a fixed "today", cases brought to each stage through the
actions, and a check that a refused action left no trace."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.db import models, transaction

from retour import clock
from retour.accounts.models import Authority, Role, User
from retour.accounts.roles import RoleCode
from retour.audit.models import AccessLogEntry
from retour.cases.models import Decision, ReturnCase
from retour.cases.stages import Stage
from retour.testing.actions import actions
from retour.testing.factories import case_for

TODAY = date(2026, 3, 2)


def noon(day: date) -> datetime:
    """Midday UTC: the same calendar day in every European time zone."""
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


@contextlib.contextmanager
def on(day: date) -> Iterator[None]:
    with clock.frozen_at(noon(day)):
        yield


@contextlib.contextmanager
def rolled_back() -> Iterator[None]:
    """Run the block in a savepoint that is always undone: one Hypothesis example's data
    never leaks into the next."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _case_rows() -> list[type[models.Model]]:
    """Every model whose rows belong to a case (a ``case`` key), whichever app declares it."""
    found = []
    for model in apps.get_models():
        field = next((f for f in model._meta.concrete_fields if f.name == "case"), None)
        if field is not None and field.related_model is ReturnCase:
            found.append(model)
    return found


def footprint(case_id: Any) -> dict[str, Any]:
    """Everything an action on the case could write: the case, every row that belongs to it
    (decisions, events, projections, any app's), and the access log."""
    case = ReturnCase.objects.get(pk=case_id)
    return {
        "version": case.version,
        "stage": case.stage,
        "responsible_authority": case.responsible_authority_id,
        **{
            model._meta.label: list(
                model._default_manager.filter(case_id=case_id).order_by("pk").values()
            )
            for model in _case_rows()
        },
        "access_log": AccessLogEntry.objects.count(),
    }


@contextlib.contextmanager
def writes_nothing(case_id: Any) -> Iterator[None]:
    """Assert that the block (a refused action) changed nothing of the case or the log."""
    before = footprint(case_id)
    yield
    assert footprint(case_id) == before


def officer(username: str, authority: str) -> User:
    """A case officer of ``authority`` (for member states without a persona)."""
    user = User.objects.create_user(
        username=username, authority=Authority.objects.get(code=authority)
    )
    user.roles.set(Role.objects.filter(code=RoleCode.CASE_OFFICER))
    return user


def days_ago(n: int) -> date:
    return clock.today() - timedelta(days=n)


# Each builder brings a new case (of the user's member state) to one stage through the actions,
# using the frozen "today" of the caller.
def registered(user: Any, **traits: Any) -> ReturnCase:
    return case_for(user, **traits)


def legal_stay_ended(user: Any, **traits: Any) -> ReturnCase:
    case = registered(user, **traits)
    return actions.record_end_of_legal_stay(user, case.pk, decided_on=days_ago(1))


def voluntary_departure(user: Any, days: int = 30, **traits: Any) -> ReturnCase:
    case = legal_stay_ended(user, **traits)
    return actions.issue_return_decision(
        user, case.pk, decided_on=clock.today(), voluntary_departure_days=days
    )


def forced_return_preparation(user: Any, **traits: Any) -> ReturnCase:
    case = legal_stay_ended(user, **traits)
    return actions.issue_return_decision(
        user, case.pk, decided_on=clock.today(), voluntary_departure_days=0,
        shortened_departure_reason="risk_of_absconding",
    )


def removal_scheduled(user: Any, **traits: Any) -> ReturnCase:
    case = forced_return_preparation(user, **traits)
    return actions.schedule_removal(user, case.pk, planned_on=clock.today() + timedelta(days=7))


def departed(user: Any, **traits: Any) -> ReturnCase:
    case = voluntary_departure(user, **traits)
    return actions.record_voluntary_departure(
        user, case.pk, departed_on=clock.today(), destination="MA"
    )


def suspended(user: Any, **traits: Any) -> ReturnCase:
    case = forced_return_preparation(user, **traits)
    return actions.postpone_removal(
        user, case.pk, ground="technical_reasons", decided_on=clock.today(),
        reason="no flight to Casablanca this month",
    )


def absconded(user: Any, **traits: Any) -> ReturnCase:
    case = voluntary_departure(user, **traits)
    return actions.record_absconding(user, case.pk, absconded_on=clock.today())


def closed(user: Any, **traits: Any) -> ReturnCase:
    case = registered(user, **traits)
    return actions.close_case(user, case.pk, outcome="legal_stay_granted")


CASE_IN: dict[Stage, Callable[..., ReturnCase]] = {
    Stage.REGISTERED: registered,
    Stage.LEGAL_STAY_ENDED: legal_stay_ended,
    Stage.VOLUNTARY_DEPARTURE: voluntary_departure,
    Stage.FORCED_RETURN_PREPARATION: forced_return_preparation,
    Stage.REMOVAL_SCHEDULED: removal_scheduled,
    Stage.DEPARTED: departed,
    Stage.SUSPENDED: suspended,
    Stage.ABSCONDED: absconded,
    Stage.CLOSED: closed,
}


def in_force(case: ReturnCase, kind: str) -> Decision:
    return case.decisions.get(kind=kind, status=Decision.Status.IN_FORCE)


def _arguments(action: str, today: date) -> dict[str, Any]:
    """Plausible arguments for each user action (ids of decisions are deliberately not real:
    these calls test refusals that come before the input is read)."""
    departure = {"departed_on": today, "destination": "MA"}
    arguments: dict[str, dict[str, Any]] = {
        "record_end_of_legal_stay": {"decided_on": today},
        "record_best_interests_assessment": {"decided_on": today, "summary": "assessed"},
        "issue_return_decision": {"decided_on": today, "voluntary_departure_days": 30},
        "extend_voluntary_departure": {
            "decided_on": today, "extension_days": 14, "extension_reason": "children_at_school",
        },
        "issue_entry_ban": {"decided_on": today, "ban_years": 2},
        "lodge_appeal": {"contested_decision_id": 0, "lodged_on": today, "suspensive": True},
        "decide_appeal": {"appeal_id": 0, "outcome": "dismissed", "decided_on": today},
        "postpone_removal": {
            "ground": "technical_reasons", "decided_on": today, "reason": "no flight",
        },
        "end_postponement": {"postponement_id": 0, "ended_on": today, "reason": "flight found"},
        "verify_reception": {"decided_on": today, "arrangement": "aunt in Rabat"},
        "schedule_removal": {"planned_on": today + timedelta(days=7)},
        "cancel_removal": {"reason": "flight cancelled"},
        "record_removal": departure,
        "record_voluntary_departure": departure,
        "record_absconding": {"absconded_on": today},
        "record_whereabouts_known": {"located_on": today},
        "withdraw_return_decision": {"decided_on": today, "reason": "permit granted"},
        "close_case": {"outcome": "legal_stay_granted"},
        "send_handover": {"to_authority": "nl-avim", "note": "please take over"},
        "accept_handover": {},
        "return_handover": {"reason": "not ours"},
        "assign_case": {"officer_username": "anna"},
        "record_non_cooperation": {
            "kind": "false_identity", "occurred_on": today, "consequence": "none",
            "evidence": "fingerprint match with another identity",
        },
        "order_detention": {
            "ordered_on": today, "ground": "risk_of_absconding", "facility": "DC Rotterdam",
            "reason": "no fixed address",
        },
        "end_detention": {"ended_on": today, "reason": "released_by_court"},
        "refer_to_reintegration": {"referred_on": today, "programme": "Frontex JRS"},
        "record_reintegration_outcome": {"outcome": "accepted", "outcome_on": today},
    }
    return arguments[action]


def attempt(action: str, user: Any, case_id: Any) -> ReturnCase:
    """Call the action named by a procedure transition with plausible arguments."""
    if action == "expire_voluntary_departure":
        return actions.expire_voluntary_departure(case_id)
    function: Callable[..., ReturnCase] = getattr(actions, action)
    return function(user, case_id, **_arguments(action, clock.today()))
