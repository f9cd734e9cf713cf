"""Counting periods as Regulation (EEC, Euratom) No 1182/71 Art. 3 does."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retour.reference.periods import (
    MAX_WORKING_DAYS,
    WORKING_DAYS,
    PeriodEnd,
    PeriodError,
    SkippedDay,
    Start,
    UnsupportedUnit,
    add_period,
    count_period,
)

DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


@pytest.mark.parametrize(
    ("event_day", "value", "unit", "last_day"),
    [
        (date(2026, 1, 31), 1, "months", date(2026, 2, 28)),
        (date(2028, 1, 31), 1, "months", date(2028, 2, 29)),
        (date(2026, 3, 31), 1, "months", date(2026, 4, 30)),
        (date(2026, 12, 31), 2, "months", date(2027, 2, 28)),
        (date(2028, 2, 29), 1, "years", date(2029, 2, 28)),
        (date(2028, 2, 29), 4, "years", date(2032, 2, 29)),
        (date(2028, 2, 29), 12, "months", date(2029, 2, 28)),
        (date(2026, 2, 28), 1, "years", date(2027, 2, 28)),
        (date(2026, 12, 25), 7, "days", date(2027, 1, 1)),
        (date(2028, 2, 22), 7, "days", date(2028, 2, 29)),
        (date(2026, 12, 17), 4, "weeks", date(2027, 1, 14)),
        (date(2026, 3, 2), 0, "days", date(2026, 3, 2)),
    ],
)
def test_edges(event_day, value, unit, last_day):
    assert add_period(event_day, value, unit) == last_day


@given(DAYS, st.integers(min_value=0, max_value=400))
def test_a_period_in_days_does_not_count_the_day_of_the_event(event_day, days):
    assert (add_period(event_day, days, "days") - event_day).days == days


@given(DAYS, st.integers(min_value=0, max_value=60))
def test_weeks_are_seven_days(event_day, weeks):
    assert add_period(event_day, weeks, "weeks") == add_period(event_day, 7 * weeks, "days")


@given(DAYS, st.integers(min_value=1, max_value=120))
def test_a_period_in_months_ends_on_the_same_date_or_the_last_day_of_the_month(event_day, months):
    """Art. 3(2)(c): the same date in the last month, or that month's last day when the date
    does not exist in it."""
    last = add_period(event_day, months, "months")
    assert (last.year - event_day.year) * 12 + last.month - event_day.month == months
    month_length = calendar.monthrange(last.year, last.month)[1]
    assert last.day == min(event_day.day, month_length)


@given(DAYS, st.integers(min_value=1, max_value=10))
def test_years_are_twelve_months(event_day, years):
    assert add_period(event_day, years, "years") == add_period(event_day, 12 * years, "months")


@given(DAYS, st.integers(min_value=1, max_value=30))
def test_a_longer_period_never_ends_earlier(event_day, days):
    assert add_period(event_day, days, "days") > add_period(event_day, days - 1, "days")
    assert add_period(event_day, days, "months") >= add_period(event_day, days - 1, "months")
    assert add_period(event_day, days, "months") > event_day + timedelta(days=27 * days)


@pytest.mark.parametrize("unit", ["working_days", "fortnights", ""])
def test_a_unit_without_a_counting_rule_is_refused(unit):
    with pytest.raises(UnsupportedUnit, match=repr(unit)):
        add_period(date(2026, 3, 2), 10, unit)


# count_period: the same arithmetic with a start rule, working days and roll-forward.


class _Weekends:
    """Saturday and Sunday closed, nothing else: enough to check the counting itself."""

    def closed_because(self, day: date) -> tuple[str, ...]:
        return (calendar.day_name[day.weekday()],) if day.weekday() >= 5 else ()


WEEKENDS = _Weekends()


@given(
    DAYS,
    st.integers(min_value=0, max_value=400),
    st.sampled_from(["days", "weeks", "months", "years"]),
)
def test_counting_by_default_is_add_period(event_day, value, unit):
    """Exclusive start, no roll-forward: the existing callers' rule, unchanged."""
    value = value if unit in ("days", "weeks") else value % 40
    assert count_period(event_day, value, unit) == PeriodEnd(add_period(event_day, value, unit))


@given(DAYS, st.integers(min_value=1, max_value=400))
def test_inclusive_calendar_days_end_one_day_earlier(event_day, days):
    exclusive = count_period(event_day, days, "days").due
    assert count_period(event_day, days, "days", start=Start.INCLUSIVE).due == (
        exclusive - timedelta(days=1)
    )


@pytest.mark.parametrize(
    ("event_day", "value", "start", "due"),
    [
        (date(2026, 11, 27), 1, Start.EXCLUSIVE, date(2026, 11, 30)),  # Friday → Monday
        (date(2026, 11, 27), 1, Start.INCLUSIVE, date(2026, 11, 27)),  # the Friday counts
        (date(2026, 11, 28), 1, Start.INCLUSIVE, date(2026, 11, 30)),  # a Saturday does not
        (date(2026, 11, 23), 10, Start.EXCLUSIVE, date(2026, 12, 7)),
        (date(2026, 11, 28), 0, Start.EXCLUSIVE, date(2026, 11, 28)),
    ],
)
def test_working_days_edges(event_day, value, start, due):
    assert count_period(event_day, value, WORKING_DAYS, calendar=WEEKENDS, start=start).due == due


def test_roll_forward_moves_a_last_day_on_a_weekend_to_the_following_working_day():
    """Reg. 1182/71 Art. 3(4)."""
    end = count_period(date(2026, 11, 23), 5, "days", calendar=WEEKENDS, roll_forward=True)
    assert end == PeriodEnd(
        date(2026, 11, 30),
        (
            SkippedDay(date(2026, 11, 28), ("Saturday",)),
            SkippedDay(date(2026, 11, 29), ("Sunday",)),
        ),
        rolled_forward_from=date(2026, 11, 28),
    )
    assert count_period(date(2026, 11, 23), 4, "days", calendar=WEEKENDS, roll_forward=True) == (
        PeriodEnd(date(2026, 11, 27))
    )


@pytest.mark.parametrize(
    ("value", "unit", "options", "field"),
    [
        (-1, "days", {}, "value"),
        (0, "days", {"start": Start.INCLUSIVE}, "value"),
        (3, WORKING_DAYS, {}, "calendar"),
        (3, "days", {"roll_forward": True}, "calendar"),
        (MAX_WORKING_DAYS + 1, WORKING_DAYS, {"calendar": WEEKENDS}, "value"),
        (9000, "years", {}, "value"),
    ],
)
def test_a_period_that_cannot_be_counted_names_the_field(value, unit, options, field):
    with pytest.raises(PeriodError) as refused:
        count_period(date(2026, 3, 2), value, unit, **options)
    assert refused.value.field == field


def test_count_period_refuses_a_unit_without_a_counting_rule():
    with pytest.raises(UnsupportedUnit):
        count_period(date(2026, 3, 2), 3, "fortnights", calendar=WEEKENDS)
