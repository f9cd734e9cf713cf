"""Which period applies to a record: the retention periods are legal parameters in
``data/retention.toml`` (law as data), looked up like every other legal period."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from retour.reference.legal import parameter_in_force, require_parameter
from retour.reference.models import LegalParameter
from retour.reference.periods import add_period

RULES_FILE = Path(__file__).resolve().parent / "data" / "retention.toml"

CLOSED_CASE = "retention.closed_case"
DELIVERED_MESSAGE = "retention.delivered_message"
SIGN_IN_RECORDS = "retention.sign_in_records"


def closed_case_period(outcome: str, closed_on: date, member_state: str) -> LegalParameter:
    """The period a case closed with ``outcome`` on ``closed_on`` is kept: the outcome's own
    row if there is one, else the general one. Regulation (EU) 2016/679 Art. 5(1)(e)."""
    return (parameter_in_force(f"{CLOSED_CASE}.{outcome}", closed_on, member_state)
            or require_parameter(CLOSED_CASE, closed_on, member_state))


def kept_until(parameter: LegalParameter, since: date) -> date:
    """The last day a record is kept when its period runs from ``since``."""
    return add_period(since, parameter.value, parameter.unit)
