"""For every action endpoint: a case brought (through the actions) to a stage where the
action is allowed, who performs it, a valid request body, and the stage it leads to.

The same table drives the happy-path tests and the scoping tests, so a refusal in the
scoping tests can only come from the scoping: the request would succeed for its own officer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from retour.accounts.models import User
from retour.api.tests.conftest import TODAY
from retour.cases.models import Decision, ReturnCase
from retour.cases.stages import Stage
from retour.identification.actions import NewEvidence, record_identity_evidence
from retour.readmission import actions as readmission
from retour.readmission.models import ReadmissionRequest
from retour.testing.actions import actions
from retour.testing.factories import case_for, case_in_forced_return, case_in_voluntary_departure

YESTERDAY = TODAY - timedelta(days=1)
Personas = dict[str, User]


def registered(p: Personas) -> ReturnCase:
    return case_for(p["anna"])


def legal_stay_ended(p: Personas) -> ReturnCase:
    case = registered(p)
    return actions.record_end_of_legal_stay(p["anna"], case.pk, decided_on=YESTERDAY)


def voluntary(p: Personas) -> ReturnCase:
    return case_in_voluntary_departure(p["anna"], decided_on=YESTERDAY, days=30)


def referred(p: Personas) -> ReturnCase:
    case = voluntary(p)
    return actions.refer_to_reintegration(
        p["anna"], case.pk, referred_on=YESTERDAY, programme="Frontex JRS"
    )


def forced(p: Personas) -> ReturnCase:
    return case_in_forced_return(p["anna"], decided_on=YESTERDAY)


def scheduled(p: Personas) -> ReturnCase:
    case = forced(p)
    return actions.schedule_removal(p["anna"], case.pk, planned_on=TODAY + timedelta(days=7))


def detained(p: Personas) -> ReturnCase:
    case = forced(p)
    return actions.order_detention(
        p["anna"], case.pk, ordered_on=YESTERDAY, ground="hampers_return",
        facility="Detentiecentrum Rotterdam",
    )


def postponed(p: Personas) -> ReturnCase:
    case = forced(p)
    return actions.postpone_removal(
        p["anna"], case.pk, ground="technical_reasons", decided_on=TODAY,
        ends_on=TODAY + timedelta(days=14), reason="no flights this month",
    )


def appealed(p: Personas) -> ReturnCase:
    case = voluntary(p)
    return actions.lodge_appeal(
        p["anna"], case.pk, contested_decision_id=decision(case, Decision.Kind.RETURN_DECISION),
        lodged_on=TODAY, suspensive=True,
    )


def absconded(p: Personas) -> ReturnCase:
    case = forced(p)
    return actions.record_absconding(p["anna"], case.pk, absconded_on=TODAY)


def minor_registered(p: Personas) -> ReturnCase:
    return case_for(p["anna"], unaccompanied_minor=True)


def minor_in_forced_return(p: Personas) -> ReturnCase:
    case = minor_registered(p)
    anna = p["anna"]
    actions.record_end_of_legal_stay(anna, case.pk, decided_on=YESTERDAY)
    actions.record_best_interests_assessment(
        anna, case.pk, decided_on=TODAY, summary="guardian in Morocco traced by the guardian body"
    )
    return actions.issue_return_decision(
        anna, case.pk, decided_on=TODAY, voluntary_departure_days=0,
        shortened_departure_reason="risk_of_absconding",
    )


def departed(p: Personas) -> ReturnCase:
    case = voluntary(p)
    return actions.record_voluntary_departure(
        p["anna"], case.pk, departed_on=TODAY, destination="MA"
    )


def closed(p: Personas) -> ReturnCase:
    case = departed(p)
    return actions.close_case(p["anna"], case.pk, outcome="returned_voluntarily")


def handed_over(p: Personas) -> ReturnCase:
    case = registered(p)
    return actions.send_handover(p["anna"], case.pk, to_authority="nl-avim", note="yours now")


def decision(case: ReturnCase, kind: str) -> int:
    return int(case.decisions.filter(kind=kind).latest("id").pk)


@dataclass(frozen=True)
class Scenario:
    prepare: Callable[[Personas], ReturnCase]
    body: Callable[[ReturnCase], dict[str, Any]]
    stage_after: Stage
    actor: str = "anna"


def _fixed(body: dict[str, Any]) -> Callable[[ReturnCase], dict[str, Any]]:
    return lambda case: body


def _iso(days_from_today: int) -> str:
    return (TODAY + timedelta(days=days_from_today)).isoformat()


SCENARIOS: dict[str, Scenario] = {
    "record_end_of_legal_stay": Scenario(
        registered, _fixed({"decided_on": _iso(-1), "reference": "IND 2026/1"}),
        Stage.LEGAL_STAY_ENDED,
    ),
    "record_best_interests_assessment": Scenario(
        minor_registered, _fixed({"decided_on": _iso(0), "summary": "assessed by Nidos"}),
        Stage.REGISTERED,
    ),
    "issue_return_decision": Scenario(
        legal_stay_ended, _fixed({"decided_on": _iso(0), "voluntary_departure_days": 28}),
        Stage.VOLUNTARY_DEPARTURE,
    ),
    "extend_voluntary_departure": Scenario(
        voluntary,
        _fixed({"decided_on": _iso(0), "extension_days": 14,
                "extension_reason": "children_at_school"}),
        Stage.VOLUNTARY_DEPARTURE,
    ),
    "issue_entry_ban": Scenario(
        voluntary, _fixed({"decided_on": _iso(0), "ban_years": 2}), Stage.VOLUNTARY_DEPARTURE
    ),
    "lodge_appeal": Scenario(
        voluntary,
        lambda case: {
            "contested_decision_id": decision(case, Decision.Kind.RETURN_DECISION),
            "lodged_on": _iso(0), "suspensive": True,
        },
        Stage.SUSPENDED,
    ),
    "decide_appeal": Scenario(
        appealed,
        lambda case: {
            "appeal_id": decision(case, Decision.Kind.APPEAL), "outcome": "dismissed",
            "decided_on": _iso(0),
        },
        Stage.VOLUNTARY_DEPARTURE,
    ),
    "postpone_removal": Scenario(
        forced,
        _fixed({"ground": "physical_or_mental_state", "decided_on": _iso(0),
                "reason": "hospitalised"}),
        Stage.SUSPENDED,
    ),
    "end_postponement": Scenario(
        postponed,
        lambda case: {
            "postponement_id": decision(case, Decision.Kind.POSTPONEMENT), "ended_on": _iso(0),
            "reason": "flights resumed",
        },
        Stage.FORCED_RETURN_PREPARATION,
    ),
    "verify_reception": Scenario(
        minor_in_forced_return,
        _fixed({"decided_on": _iso(0), "arrangement": "received by the uncle in Tangier"}),
        Stage.FORCED_RETURN_PREPARATION,
    ),
    "withdraw_return_decision": Scenario(
        voluntary, _fixed({"decided_on": _iso(0), "reason": "residence permit granted"}),
        Stage.LEGAL_STAY_ENDED,
    ),
    "record_voluntary_departure": Scenario(
        voluntary,
        _fixed({"departed_on": _iso(0), "destination": "ma", "assisted": True}),
        Stage.DEPARTED,
    ),
    "schedule_removal": Scenario(
        forced, _fixed({"planned_on": _iso(10)}), Stage.REMOVAL_SCHEDULED
    ),
    "cancel_removal": Scenario(
        scheduled, _fixed({"reason": "flight cancelled"}), Stage.FORCED_RETURN_PREPARATION
    ),
    "record_removal": Scenario(
        scheduled, _fixed({"departed_on": _iso(0), "destination": "MA"}), Stage.DEPARTED
    ),
    "record_absconding": Scenario(forced, _fixed({"absconded_on": _iso(0)}), Stage.ABSCONDED),
    "record_whereabouts_known": Scenario(
        absconded, _fixed({"located_on": _iso(0)}), Stage.FORCED_RETURN_PREPARATION
    ),
    "send_handover": Scenario(
        registered, _fixed({"to_authority": "nl-avim", "note": "identification needed"}),
        Stage.REGISTERED,
    ),
    "accept_handover": Scenario(handed_over, _fixed({}), Stage.REGISTERED, actor="pieter"),
    "return_handover": Scenario(
        handed_over, _fixed({"reason": "not our region"}), Stage.REGISTERED, actor="pieter"
    ),
    "close_case": Scenario(
        registered, _fixed({"outcome": "legal_stay_granted"}), Stage.CLOSED
    ),
    "assign_case": Scenario(
        registered, _fixed({"officer_username": "anna"}), Stage.REGISTERED, actor="sanne"
    ),
    "record_non_cooperation": Scenario(
        forced,
        _fixed({"kind": "refused_to_attend", "occurred_on": _iso(0),
                "evidence": "did not attend the consular interview; summons served",
                "consequence": "detention_extended"}),
        Stage.FORCED_RETURN_PREPARATION,
    ),
    "order_detention": Scenario(
        forced,
        _fixed({"ordered_on": _iso(0), "ground": "risk_of_absconding",
                "facility": "Detentiecentrum Rotterdam"}),
        Stage.FORCED_RETURN_PREPARATION,
    ),
    "end_detention": Scenario(
        detained,
        _fixed({"ended_on": _iso(0), "reason": "no_prospect_of_removal",
                "note": "no reply from the embassy in six months"}),
        Stage.FORCED_RETURN_PREPARATION,
    ),
    "refer_to_reintegration": Scenario(
        voluntary,
        _fixed({"referred_on": _iso(0), "programme": "Frontex JRS"}),
        Stage.VOLUNTARY_DEPARTURE,
    ),
    "record_reintegration_outcome": Scenario(
        referred,
        _fixed({"outcome": "accepted", "outcome_on": _iso(0),
                "note": "business start-up grant in Casablanca"}),
        Stage.VOLUNTARY_DEPARTURE,
    ),
}


def readmission_requests(p: Personas) -> list[ReadmissionRequest]:
    """A readmission request (to Pakistan) drafted, and one submitted with its evidence."""
    drafted = voluntary(p)
    submitted = voluntary(p)
    record_identity_evidence(p["anna"], submitted.person_id, NewEvidence(
        kind="language_analysis", taken_on=YESTERDAY, nationality="PK", summary="Punjabi"))
    draft = readmission.draft_readmission_request(p["anna"], drafted.pk, third_country="PK")
    sent = readmission.draft_readmission_request(p["anna"], submitted.pk, third_country="PK")
    return [draft, readmission.submit_readmission_request(p["anna"], sent.pk,
                                                          submitted_on=YESTERDAY)]
