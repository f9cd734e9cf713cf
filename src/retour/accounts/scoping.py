"""Who may see which personal data, and on which cases a user may act: the access policy.

Directive 2008/115/EC and the GDPR leave personal data of returnees with the member state
that processes them; the EU coordinator and statisticians never see a person (they read
aggregates). Inside the member state, access follows the need to know (GDPR Art. 5(1)(b)
purpose limitation, 5(1)(c) data minimisation, 25 data protection by design): a case is seen
by the staff of the authority responsible for it and by the roles whose purpose reaches it,
and only the responsible authority acts on it (ADR 0016).

The policy is two tables, read by ``retour.cases.reach`` (which turns each reach into a query)
and by the pipeline (which refuses a step outside the acting reach):

``CASE_READ``: which cases of the member state a role sees::

    case officer, supervisor,       the cases their authority is responsible for, those
    identification officer          assigned to them, and those whose hand-over to their
                                    authority waits for acceptance (to decide on it)
    detention officer               as above, and the cases with detention ordered by their
                                    authority (any period, open or ended)
    operations planner              as above, and every case of the member state whose
                                    removal is being prepared or is scheduled (operations
                                    group persons across authorities: flights, escorts)
    return counsellor               the cases assigned to them, the cases referred to
                                    reintegration with their counselling service (return
                                    counselling's work), and the cases their counselling
                                    service holds or is being handed; no others
    auditor                         every case of the member state, read-only, for audit

``CASE_ACT``: on which of them a role records steps: the responsible authority's cases, and
for counsellors and detention officers the cases their purpose reaches. A hand-over waiting
for acceptance is answered by the receiving authority (``ANSWERS_TO_HANDOVER``); until it
accepts, the case is the sender's and nobody else records a step on it.

Persons follow their cases: a person is seen by whoever sees one of their cases, by the
authority that registered them, by identification officers for both sides of a possible
match, and by roles that see every case (``people.models.PersonQuerySet``); finding
whether someone is already registered searches the whole member state (``matchable_by``).

``SPECIAL_CATEGORIES``: which roles see the special categories of a case (GDPR Art. 9 health
data among the vulnerabilities; non-cooperation; detention). Health details are shown only
after the user records why they need them, whatever the role; the reason goes into
the access-log entry of that read.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from retour.accounts.roles import Capability, RoleCode


class Reach(StrEnum):
    """A way a case comes within a user's need to know."""

    MEMBER_STATE = "member_state"  # every case of the member state
    HELD = "held"  # the user's authority is responsible for the case
    RECEIVING = "receiving"  # a hand-over to the user's authority waits for acceptance
    ASSIGNED = "assigned"  # the case is assigned to the user
    REFERRED = "referred"  # referred to reintegration with the user's counselling service
    DETAINED = "detained"  # detention was ordered on the case by the user's authority
    ENFORCEMENT = "enforcement"  # the case's removal is being prepared or is scheduled


class Special(StrEnum):
    """The special categories of a case's data, shown only to roles whose purpose needs them."""

    HEALTH = "health"  # vulnerabilities that are data concerning health (GDPR Art. 9(1))
    NON_COOPERATION = "non_cooperation"
    DETENTION = "detention"


_R = Reach
_S = Special
_CASEWORK_READ = frozenset({_R.HELD, _R.RECEIVING, _R.ASSIGNED})

CASE_READ: dict[str, frozenset[Reach]] = {
    RoleCode.CASE_OFFICER: _CASEWORK_READ,
    RoleCode.SUPERVISOR: _CASEWORK_READ,
    RoleCode.IDENTIFICATION_OFFICER: _CASEWORK_READ,
    RoleCode.DETENTION_OFFICER: _CASEWORK_READ | {_R.DETAINED},
    RoleCode.OPERATIONS_PLANNER: _CASEWORK_READ | {_R.ENFORCEMENT},
    RoleCode.RETURN_COUNSELLOR: _CASEWORK_READ | {_R.REFERRED},
    RoleCode.AUDITOR: frozenset({_R.MEMBER_STATE}),
}

CASE_ACT: dict[str, frozenset[Reach]] = {
    RoleCode.CASE_OFFICER: frozenset({_R.HELD}),
    RoleCode.SUPERVISOR: frozenset({_R.HELD}),
    RoleCode.IDENTIFICATION_OFFICER: frozenset({_R.HELD}),
    RoleCode.DETENTION_OFFICER: frozenset({_R.HELD, _R.DETAINED}),
    RoleCode.OPERATIONS_PLANNER: frozenset({_R.HELD}),
    RoleCode.RETURN_COUNSELLOR: frozenset({_R.HELD, _R.ASSIGNED, _R.REFERRED}),
}

# The steps that answer a hand-over: the receiving authority's, while the case is not yet its.
ANSWERS_TO_HANDOVER = frozenset({"accept_handover", "return_handover"})

SPECIAL_CATEGORIES: dict[str, frozenset[Special]] = {
    RoleCode.CASE_OFFICER: frozenset(_S),
    RoleCode.SUPERVISOR: frozenset(_S),
    RoleCode.IDENTIFICATION_OFFICER: frozenset({_S.NON_COOPERATION}),
    RoleCode.DETENTION_OFFICER: frozenset(_S),  # fitness for detention, Art. 16(3)
    RoleCode.OPERATIONS_PLANNER: frozenset({_S.HEALTH, _S.DETENTION}),  # fitness to travel
    RoleCode.RETURN_COUNSELLOR: frozenset({_S.HEALTH}),  # reintegration support
    RoleCode.AUDITOR: frozenset(_S),
}


def personal_data_member_state(user: Any) -> str | None:
    """The member state whose persons and cases ``user`` may see, or None for no person at all."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not user.can(Capability.VIEW_PERSONAL_DATA):
        return None
    return user.member_state_code


def _union(table: dict[str, frozenset[Any]], user: Any) -> frozenset[Any]:
    if personal_data_member_state(user) is None:
        return frozenset()
    found: set[Any] = set()
    for code in user.role_codes:
        found |= table.get(code, frozenset())
    return frozenset(found)


def case_reach(user: Any) -> frozenset[Reach]:
    """The ways a case of the user's member state comes within what ``user`` may see."""
    return _union(CASE_READ, user)


def acting_reach(user: Any) -> frozenset[Reach]:
    """The ways a case comes within what ``user`` may record steps on."""
    return _union(CASE_ACT, user)


def special_categories(user: Any) -> frozenset[Special]:
    """The special categories of case data ``user``'s roles need for their purpose."""
    return _union(SPECIAL_CATEGORIES, user)
