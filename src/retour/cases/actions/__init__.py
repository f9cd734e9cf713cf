"""The business actions on return cases: the only code that changes a case.

Views, the API, commands, importers and the simulator all call these functions.
"""

from retour.cases.actions.decisions import (
    decide_appeal,
    end_postponement,
    extend_voluntary_departure,
    issue_entry_ban,
    issue_return_decision,
    lodge_appeal,
    postpone_removal,
    record_best_interests_assessment,
    record_end_of_legal_stay,
    verify_reception,
    withdraw_return_decision,
)
from retour.cases.actions.enforcement import (
    cancel_removal,
    expire_due_voluntary_departures,
    expire_voluntary_departure,
    record_absconding,
    record_removal,
    record_voluntary_departure,
    record_whereabouts_known,
    schedule_removal,
)
from retour.cases.actions.handovers import accept_handover, return_handover, send_handover
from retour.cases.actions.lifecycle import assign_case, close_case, open_case, record_vulnerability

__all__ = [
    "accept_handover",
    "assign_case",
    "cancel_removal",
    "close_case",
    "decide_appeal",
    "end_postponement",
    "expire_due_voluntary_departures",
    "expire_voluntary_departure",
    "extend_voluntary_departure",
    "issue_entry_ban",
    "issue_return_decision",
    "lodge_appeal",
    "open_case",
    "postpone_removal",
    "record_absconding",
    "record_best_interests_assessment",
    "record_end_of_legal_stay",
    "record_removal",
    "record_voluntary_departure",
    "record_vulnerability",
    "record_whereabouts_known",
    "return_handover",
    "schedule_removal",
    "send_handover",
    "verify_reception",
    "withdraw_return_decision",
]
