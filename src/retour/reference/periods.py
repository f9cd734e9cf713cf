"""Adding a legal period to the date of the event that starts it.

Counting follows Regulation (EEC, Euratom) No 1182/71 on periods, dates and time limits:
the day of the event is not counted (Art. 3(1)); a period in days ends at the end of its last
day (Art. 3(2)(b)); a period in months or years ends on the same date as the event, or on the
last day of the month when that date does not exist, e.g. one year from 29 February ends on
28 February (Art. 3(2)(c)). National law may count differently; such a rule then needs its own
unit here.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta


class UnsupportedUnit(ValueError):
    pass


def add_period(event_day: date, value: int, unit: str) -> date:
    """The last day of a period of ``value`` ``unit`` running from ``event_day``."""
    if unit == "days":
        return event_day + timedelta(days=value)
    if unit == "weeks":
        return event_day + timedelta(weeks=value)
    if unit == "months":
        return event_day + relativedelta(months=value)
    if unit == "years":
        return event_day + relativedelta(years=value)
    raise UnsupportedUnit(f"periods in {unit!r} are not supported")
