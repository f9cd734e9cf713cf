"""Adding a legal period to the date of the event that starts it.

Counting follows Regulation (EEC, Euratom) No 1182/71 on periods, dates and time limits:
the day of the event is not counted (Art. 3(1)); a period in days ends at the end of its last
day (Art. 3(2)(b)); a period in months or years ends on the same date as the event, or on the
last day of the month when that date does not exist, e.g. one year from 29 February ends on
28 February (Art. 3(2)(c)). National law may count differently; such a rule then needs its own
unit here.

Instruments outside the Regulation (readmission agreements, national law) also count in
working days, count the day of the event, or move a period ending on a non-working day: those
are options of :func:`count_period`, which counts every unit on the same arithmetic as
:func:`add_period`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from dateutil.relativedelta import relativedelta
from django.db import models
from django.utils.translation import gettext_lazy as _

WORKING_DAYS = "working_days"
# Ten thousand working days are some forty years: longer than any time limit in an instrument,
# and counting them one day at a time still answers at once.
MAX_WORKING_DAYS = 10_000
ONE_DAY = timedelta(days=1)


class UnsupportedUnit(ValueError):
    pass


class PeriodError(ValueError):
    """A period that cannot be counted as asked; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class Start(models.TextChoices):
    """Whether the day of the event is the first day counted."""

    # Reg. 1182/71 Art. 3(1): the day of the event is not counted
    EXCLUSIVE = "exclusive", _("the day of the event is not counted")
    INCLUSIVE = "inclusive", _("the day of the event is counted")


class WorkingCalendar(Protocol):
    """The non-working days of whoever must act (see ``retour.reference.calendars``)."""

    def closed_because(self, day: date) -> tuple[str, ...]:
        """Why ``day`` is not a working day (weekend day, holiday names); empty on a working
        day."""
        ...


@dataclass(frozen=True)
class SkippedDay:
    day: date
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class PeriodEnd:
    """The last day of a period, the non-working days passed over to reach it, and the day
    it would have ended on had it not been moved to the following working day."""

    due: date
    skipped: tuple[SkippedDay, ...] = ()
    rolled_forward_from: date | None = None


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


def count_period(
    event_day: date,
    value: int,
    unit: str,
    *,
    calendar: WorkingCalendar | None = None,
    start: Start = Start.EXCLUSIVE,
    roll_forward: bool = False,
) -> PeriodEnd:
    """The end of a period of ``value`` ``unit`` running from ``event_day``.

    ``unit`` is one of :func:`add_period`'s calendar units, or ``working_days``: then only the
    days ``calendar`` keeps open are counted and the others are listed as skipped. Calendar
    units count public holidays and weekends like any day (Reg. 1182/71 Art. 3(3)).

    ``start``: exclusive by default (Art. 3(1)). Inclusive counts the day of the event as the
    first day, so the period ends one counted day earlier: one calendar day earlier, or, in
    working days, on the working day before (when the event day is itself a working day).

    ``roll_forward``: a period whose last day is not a working day ends at the end of the
    following working day (Art. 3(4), where the non-working days are "a public holiday,
    Sunday or Saturday"; here the weekend and public holidays of ``calendar``). An option,
    because not every instrument says so, and because Art. 3(4) does not apply to periods
    counted back from a date.
    """
    if value < 0:
        raise PeriodError("value", f"a period cannot be negative (got {value})")
    if start is Start.INCLUSIVE and value == 0:
        raise PeriodError("value", "a period counted inclusively needs at least one day")
    if calendar is None and (unit == WORKING_DAYS or roll_forward):
        raise PeriodError(
            "calendar", "counting working days or rolling forward needs a country's calendar"
        )
    try:
        if unit == WORKING_DAYS:
            assert calendar is not None
            end = _count_working_days(event_day, value, start, calendar)
        else:
            last = add_period(event_day, value, unit)
            end = PeriodEnd(last - ONE_DAY if start is Start.INCLUSIVE else last)
        if roll_forward:
            assert calendar is not None
            end = _roll_forward(end, calendar)
    except (UnsupportedUnit, PeriodError):
        raise
    except (OverflowError, ValueError) as exc:
        raise PeriodError(
            "value", f"the period ends beyond the last date there is: {exc}"
        ) from None
    return end


def _count_working_days(
    event_day: date, value: int, start: Start, calendar: WorkingCalendar
) -> PeriodEnd:
    if value > MAX_WORKING_DAYS:
        raise PeriodError(
            "value", f"at most {MAX_WORKING_DAYS} working days can be counted (got {value})"
        )
    day = event_day if start is Start.EXCLUSIVE else event_day - ONE_DAY
    skipped: list[SkippedDay] = []
    counted = 0
    while counted < value:
        day += ONE_DAY
        reasons = calendar.closed_because(day)
        if reasons:
            skipped.append(SkippedDay(day, reasons))
        else:
            counted += 1
    return PeriodEnd(day, tuple(skipped))


def _roll_forward(end: PeriodEnd, calendar: WorkingCalendar) -> PeriodEnd:
    day = end.due
    skipped = list(end.skipped)
    while reasons := calendar.closed_because(day):
        skipped.append(SkippedDay(day, reasons))
        day += ONE_DAY
    if day == end.due:
        return end
    return PeriodEnd(day, tuple(skipped), rolled_forward_from=end.due)
