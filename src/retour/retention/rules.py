"""Which period applies to a record: the retention periods are legal parameters in
``data/retention.toml`` (law as data), looked up like every other legal period."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from retour.reference.legal import parameter_in_force, require_parameter
from retour.reference.models import LegalParameter
from retour.reference.periods import add_period

RULES_FILE = Path(__file__).resolve().parent / "data" / "retention.toml"

CLOSED_CASE = "retention.closed_case"
DELIVERED_MESSAGE = "retention.delivered_message"
SIGN_IN_RECORDS = "retention.sign_in_records"
ACCESS_LOG = "retention.access_log"


def closed_case_period(outcome: str, closed_on: date, member_state: str) -> LegalParameter:
    """The period a case closed with ``outcome`` on ``closed_on`` is kept: the outcome's own
    row if there is one, else the general one. Regulation (EU) 2016/679 Art. 5(1)(e)."""
    return (parameter_in_force(f"{CLOSED_CASE}.{outcome}", closed_on, member_state)
            or require_parameter(CLOSED_CASE, closed_on, member_state))


def kept_until(parameter: LegalParameter, since: date) -> date:
    """The last day a record is kept when its period runs from ``since``."""
    return add_period(since, parameter.value, parameter.unit)


def first_day_kept(parameter: LegalParameter, today: date) -> date:
    """The earliest day whose records are still kept on ``today``: a record of an earlier day
    has passed its period. (A period only grows with its start, so the days past it are the
    ones before a single boundary, found by halving.)"""
    low = today - timedelta(days=400 * max(parameter.value, 1))  # surely past
    high = today  # surely kept
    while high - low > timedelta(days=1):
        middle = low + (high - low) / 2
        if kept_until(parameter, middle) < today:
            low = middle
        else:
            high = middle
    return high
