"""The access policy's reaches (``retour.accounts.scoping.Reach``) as queries on cases, and
the one rule on who may act on a case.

The case core knows the reaches its own data shows (the responsible authority, a hand-over
waiting for acceptance, the assigned officer, the stage); an app whose data brings a case
within a role's purpose registers its reach in its ``reach`` module (counselling: a referral
to reintegration; detention: a period its authority ordered), so the case core names none of
them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from retour import bulk
from retour.accounts.scoping import (
    ANSWERS_TO_HANDOVER,
    Reach,
    acting_reach,
    case_reach,
    personal_data_member_state,
)
from retour.cases.models import Handover, ReturnCase
from retour.cases.stages import Stage
from retour.people import models as person_reach

# A reach's query: the user → a condition on ``ReturnCase``.
ReachQuery = Callable[[Any], Q]

_ENFORCEMENT_STAGES = (Stage.FORCED_RETURN_PREPARATION, Stage.REMOVAL_SCHEDULED)


def _pending(case: ReturnCase) -> Handover | None:
    return next(iter(bulk.select(case, "handovers", status=Handover.Status.PENDING)), None)


def _pending_to(case: ReturnCase) -> Any:
    pending = _pending(case)
    return pending.to_authority_id if pending is not None else None


def _receiving(user: Any) -> Q:
    return Q(Exists(Handover.objects.filter(
        case=OuterRef("pk"), status=Handover.Status.PENDING, to_authority_id=user.authority_id,
    )))


_QUERIES: dict[str, ReachQuery] = {
    # Not an empty Q: ``Q(...) | Q()`` drops the empty side instead of matching everything.
    Reach.MEMBER_STATE: lambda user: Q(pk__isnull=False),
    Reach.HELD: lambda user: Q(responsible_authority_id=user.authority_id),
    Reach.RECEIVING: _receiving,
    Reach.ASSIGNED: lambda user: Q(assigned_officer_id=user.pk),
    Reach.ENFORCEMENT: lambda user: Q(stage__in=_ENFORCEMENT_STAGES),
}

# What the case in memory already says, without a query (a bulk session keeps cases not yet
# written); a reach not here is asked of the database.
_IN_MEMORY: dict[str, Callable[[ReturnCase, Any], bool]] = {
    Reach.MEMBER_STATE: lambda case, user: True,
    Reach.HELD: lambda case, user: case.responsible_authority_id == user.authority_id,
    Reach.RECEIVING: lambda case, user: _pending_to(case) == user.authority_id,
    Reach.ASSIGNED: lambda case, user: case.assigned_officer_id == user.pk,
    Reach.ENFORCEMENT: lambda case, user: case.stage in _ENFORCEMENT_STAGES,
}


def register(reach: Reach, query: ReachQuery) -> None:
    """Say which cases ``reach`` brings within a user's need to know (once per reach)."""
    if reach in _QUERIES:
        raise ValueError(f"the reach {reach} is registered twice")
    _QUERIES[reach] = query


def _condition(user: Any, reaches: frozenset[Reach]) -> Q | None:
    member_state = personal_data_member_state(user)
    if member_state is None or not reaches:
        return None
    either = Q(pk__in=[])
    for reach in sorted(reaches):
        if reach in _QUERIES:  # an app this installation leaves out brings no case
            either |= _QUERIES[reach](user)
    return Q(member_state_id=member_state) & either


def visible(user: Any) -> Q | None:
    """The cases ``user`` may see, as a condition on ``ReturnCase``; None: none at all."""
    return _condition(user, case_reach(user))


def _through_a_case(user: Any) -> Q:
    condition = visible(user)
    if condition is None:
        return Q(pk__in=[])
    return Q(Exists(ReturnCase.objects.filter(condition, person_id=OuterRef("pk"))))


# A person is within the need to know of whoever sees one of their cases.
person_reach.register_reach(_through_a_case)

# Steps on a person that change what their cases hold: a family link joins the members'
# procedures (a family travels together, Directive 2008/115/EC Art. 5(b)).
_CHANGES_THE_CASES = frozenset({"link_family_members"})


def _acting_on_every_open_case(user: Any, person: Any, action: str) -> str | None:
    if user is None or action not in _CHANGES_THE_CASES:
        return None
    from retour.cases.actions._core import open_cases_of  # the actions import this module

    return next((why for case in open_cases_of(None, person)
                 if (why := acting_refusal(user, case, action))), None)


person_reach.register_acting_rule(_acting_on_every_open_case)


def _within(case: ReturnCase, user: Any, reaches: frozenset[Reach]) -> bool:
    if personal_data_member_state(user) != case.member_state_id:
        return False
    if any(_IN_MEMORY[r](case, user) for r in reaches if r in _IN_MEMORY):
        return True
    asked = frozenset(r for r in reaches if r not in _IN_MEMORY)
    condition = _condition(user, asked)
    return condition is not None and ReturnCase.objects.filter(condition, pk=case.pk).exists()


def sees(case: ReturnCase, user: Any) -> bool:
    """``visible``'s rule for a case already in memory."""
    return _within(case, user, case_reach(user))


def acting_refusal(user: Any, case: ReturnCase, action: str) -> str | None:
    """Why ``user`` may not record ``action`` on ``case`` (plain words), or None.

    Only the responsible authority acts (and the roles whose purpose reaches the case); a
    hand-over waiting for acceptance is answered by the receiver, and until it accepts the
    case stays the sender's (M9)."""
    if user is None:
        return None
    if action in ANSWERS_TO_HANDOVER:
        return None  # the hand-over action names who may answer it
    if _within(case, user, acting_reach(user)):
        return None
    pending = _pending(case)
    holder = case.responsible_authority.name
    if pending is not None and pending.to_authority_id == user.authority_id:
        return _("the case is still with %(holder)s: accept the hand-over before recording "
                 "steps on it") % {"holder": holder}
    return _("only %(holder)s, responsible for this case, records its steps") % {
        "holder": holder
    }
