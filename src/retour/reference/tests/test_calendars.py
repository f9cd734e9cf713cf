"""Working days of the country that must act: its weekend (from ``holidays``, corrected by
data/weekends.toml) and its public holidays, and periods counted on them."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retour.reference.calendars import (
    CountryCalendar,
    UnknownCalendar,
    country_calendar,
    read_weekend_overrides,
)
from retour.reference.loading import ReferenceDataError
from retour.reference.periods import (
    WORKING_DAYS,
    PeriodEnd,
    SkippedDay,
    Start,
    add_period,
    count_period,
)

ONE_DAY = timedelta(days=1)
# Saturday–Sunday, Friday–Saturday, Friday only, a weekend that changed (AE 2022, SA 2013),
# holidays on a lunar calendar, an override (NP).
COUNTRIES = st.sampled_from(["NL", "BE", "PK", "SA", "AE", "IR", "IL", "EG", "NP", "GE"])
DAYS = st.dates(min_value=date(2005, 1, 1), max_value=date(2035, 12, 31))
WORKING = st.integers(min_value=0, max_value=60)


def _working(
    event_day: date, value: int, country: str, start: Start = Start.EXCLUSIVE
) -> PeriodEnd:
    return count_period(
        event_day, value, WORKING_DAYS, calendar=country_calendar(country), start=start
    )


def test_five_working_days_in_pakistan_pass_over_quaid_e_azam_day_and_the_weekend():
    assert _working(date(2026, 12, 22), 5, "PK") == PeriodEnd(
        date(2026, 12, 30),
        (
            SkippedDay(date(2026, 12, 25), ("Quaid-e-Azam Day",)),
            SkippedDay(date(2026, 12, 26), ("Saturday",)),
            SkippedDay(date(2026, 12, 27), ("Sunday",)),
        ),
    )


def test_eid_al_fitr_moves_with_the_lunar_calendar_and_meets_pakistan_day():
    # Eid al-Fitr fell on 20–21 March 2026 in Pakistan (a Friday and a Saturday), followed
    # by the weekend and Pakistan Day (23 March): three working days take a week.
    end = _working(date(2026, 3, 18), 3, "PK")
    assert end.due == date(2026, 3, 25)
    assert [(s.day, s.reasons) for s in end.skipped] == [
        (date(2026, 3, 20), ("Eid al-Fitr",)),
        (date(2026, 3, 21), ("Saturday", "Eid al-Fitr")),
        (date(2026, 3, 22), ("Sunday",)),
        (date(2026, 3, 23), ("Pakistan Day",)),
    ]
    # A year later the feast falls eleven days earlier.
    skipped = {s.day for s in _working(date(2027, 3, 5), 5, "PK").skipped}
    assert date(2027, 3, 10) in skipped and date(2026, 3, 20) not in skipped


def test_christmas_in_the_netherlands():
    end = _working(date(2026, 12, 23), 3, "NL")
    assert end.due == date(2026, 12, 29)
    assert end.skipped == (
        SkippedDay(date(2026, 12, 25), ("Christmas Day",)),
        SkippedDay(date(2026, 12, 26), ("Saturday", "Second Day of Christmas")),
        SkippedDay(date(2026, 12, 27), ("Sunday",)),
    )


def test_a_calendar_period_ending_on_second_christmas_day_rolls_forward_to_monday():
    """Reg. 1182/71 Art. 3(4), with the Dutch calendar."""
    end = count_period(
        date(2026, 12, 21), 5, "days", calendar=country_calendar("NL"), roll_forward=True
    )
    assert (end.due, end.rolled_forward_from) == (date(2026, 12, 28), date(2026, 12, 26))
    assert [s.day for s in end.skipped] == [date(2026, 12, 26), date(2026, 12, 27)]


def test_saudi_arabia_rests_on_friday_and_saturday():
    end = _working(date(2026, 11, 26), 2, "SA")  # a Thursday
    assert end.due == date(2026, 11, 30)
    assert end.skipped == (
        SkippedDay(date(2026, 11, 27), ("Friday",)),
        SkippedDay(date(2026, 11, 28), ("Saturday",)),
    )


def test_iran_rests_on_friday_only():
    calendar = country_calendar("IR")
    assert calendar.closed_because(date(2026, 11, 27)) == ("Friday",)
    assert calendar.closed_because(date(2026, 11, 28)) == ()


def test_the_weekend_in_force_on_the_day_counts():
    """The United Arab Emirates moved from Friday–Saturday to Saturday–Sunday on 1 Jan 2022."""
    calendar = country_calendar("AE")
    assert calendar.closed_because(date(2021, 12, 24)) == ("Friday",)
    assert calendar.closed_because(date(2022, 1, 7)) == ()
    assert calendar.closed_because(date(2022, 1, 9)) == ("Sunday",)


def test_an_override_in_force_wins_over_the_package():
    """Nepal: Saturday only, but Saturday–Sunday on trial from 15 May to 5 June 2022."""
    calendar = country_calendar("NP")
    assert not calendar.is_weekend(date(2026, 1, 4))
    assert calendar.is_weekend(date(2022, 5, 22))
    assert not calendar.is_weekend(date(2022, 6, 12))
    assert [o.verified for o in calendar.unverified_overrides(date(2026, 1, 1), date(2026, 2, 1))]
    assert calendar.unverified_overrides(date(2022, 5, 15), date(2022, 6, 5)) == ()


def test_a_working_day_moved_onto_a_weekend_is_counted():
    moved = sorted(holidays.country_holidays("RU", years=2016).weekend_workdays)
    assert moved, "holidays 0.108 moves working days onto weekends in Russia"
    assert country_calendar("RU").is_weekend(moved[0])
    assert country_calendar("RU").closed_because(moved[0]) == ()


@pytest.mark.parametrize(
    ("country", "subdivision", "field"),
    [
        ("XX", None, "country"),
        ("PAK", None, "country"),
        ("", None, "country"),
        ("DE", "ZZ", "subdivision"),
    ],
)
def test_an_unknown_country_or_subdivision_is_a_clear_error(country, subdivision, field):
    with pytest.raises(UnknownCalendar) as refused:
        CountryCalendar(country, subdivision)
    assert refused.value.field == field
    assert repr(subdivision if field == "subdivision" else country) in str(refused.value)


def test_a_subdivision_adds_its_own_holidays():
    """Epiphany is a holiday in Bavaria, not in all of Germany."""
    assert country_calendar("DE").closed_because(date(2026, 1, 6)) == ()
    assert country_calendar("DE", "BY").closed_because(date(2026, 1, 6)) == ("Epiphany",)


def test_codes_are_read_case_insensitively():
    assert CountryCalendar(" pk ").country == "PK"


# Properties.


@settings(max_examples=60, deadline=None)
@given(COUNTRIES, DAYS, st.integers(min_value=1, max_value=60))
def test_a_working_day_period_ends_on_a_working_day(country, event_day, value):
    assert country_calendar(country).closed_because(_working(event_day, value, country).due) == ()


@settings(max_examples=60, deadline=None)
@given(COUNTRIES, DAYS, WORKING)
def test_working_days_count_exactly_the_open_days_and_skip_the_others(country, event_day, value):
    calendar = country_calendar(country)
    end = _working(event_day, value, country)
    span = [event_day + ONE_DAY * n for n in range(1, (end.due - event_day).days + 1)]
    closed = [SkippedDay(d, calendar.closed_because(d)) for d in span if calendar.closed_because(d)]
    assert end.skipped == tuple(closed)
    assert len(span) - len(closed) == value


@settings(max_examples=60, deadline=None)
@given(COUNTRIES, DAYS, st.integers(min_value=0, max_value=400))
def test_calendar_days_ignore_holidays(country, event_day, value):
    end = count_period(event_day, value, "days", calendar=country_calendar(country))
    assert end == PeriodEnd(add_period(event_day, value, "days"))


@settings(max_examples=60, deadline=None)
@given(
    COUNTRIES,
    DAYS,
    WORKING,
    st.sampled_from([WORKING_DAYS, "days", "weeks", "months"]),
    st.booleans(),
)
def test_the_due_date_is_never_before_the_event(country, event_day, value, unit, roll_forward):
    end = count_period(
        event_day, value, unit, calendar=country_calendar(country), roll_forward=roll_forward
    )
    assert end.due >= event_day


@settings(max_examples=60, deadline=None)
@given(COUNTRIES, DAYS, WORKING)
def test_one_more_working_day_ends_strictly_later(country, event_day, value):
    assert _working(event_day, value + 1, country).due > _working(event_day, value, country).due


@settings(max_examples=60, deadline=None)
@given(COUNTRIES, DAYS, st.integers(min_value=1, max_value=60))
def test_inclusive_and_exclusive_differ_by_one_counted_day(country, event_day, value):
    inclusive = _working(event_day, value, country, start=Start.INCLUSIVE)
    assert inclusive == _working(event_day - ONE_DAY, value, country)
    if not country_calendar(country).closed_because(event_day):
        assert inclusive.due == _working(event_day, value - 1, country).due
        assert inclusive.due < _working(event_day, value, country).due


@settings(max_examples=60, deadline=None)
@given(COUNTRIES, DAYS, st.integers(min_value=0, max_value=400))
def test_rolling_forward_ends_on_the_first_working_day_on_or_after_the_last_day(
    country, event_day, value
):
    calendar = country_calendar(country)
    last = add_period(event_day, value, "days")
    end = count_period(event_day, value, "days", calendar=calendar, roll_forward=True)
    assert calendar.closed_because(end.due) == ()
    assert all(calendar.closed_because(s.day) for s in end.skipped)
    assert len(end.skipped) == (end.due - last).days
    assert end.rolled_forward_from == (last if end.skipped else None)


# The data file.


def test_the_shipped_weekend_overrides_load():
    overrides = read_weekend_overrides()
    assert all(o.source for entries in overrides.values() for o in entries)


GOOD = """
[[override]]
country = "NL"
days = ["Friday"]
valid_from = 2030-01-01
source = "test"
verified = true
"""


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "weekends.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_override_from_a_file_applies_from_its_first_day(tmp_path):
    overrides = read_weekend_overrides(_file(tmp_path, GOOD))
    calendar = CountryCalendar("NL", overrides=overrides)
    assert calendar.closed_because(date(2029, 12, 29)) == ("Saturday",)
    assert calendar.closed_because(date(2030, 1, 4)) == ("Friday",)
    assert calendar.closed_because(date(2030, 1, 5)) == ()


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        ('country = "NL"', 'country = "XX"', "'country'"),
        ('["Friday"]', '["Fri"]', "'days'"),
        ('["Friday"]', "[]", "'days'"),
        (
            '["Friday"]',
            '["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]',
            "'days'",
        ),
        ("valid_from = 2030-01-01", 'valid_from = "2030"', "'valid_from'"),
        (
            "valid_from = 2030-01-01",
            "valid_from = 2030-01-01\nvalid_until = 2029-01-01",
            "'valid_until'",
        ),
        ('source = "test"', 'source = " "', "'source'"),
        ("verified = true", 'verified = "yes"', "'verified'"),
        ("valid_from = 2030-01-01", "valid_from = 2030-01-01 x", "weekends.toml"),
    ],
)
def test_a_malformed_override_names_file_entry_and_field(tmp_path, replace, by, message):
    with pytest.raises(ReferenceDataError, match=message) as refused:
        read_weekend_overrides(_file(tmp_path, GOOD.replace(replace, by)))
    assert "weekends.toml" in str(refused.value)


def test_overlapping_overrides_of_one_country_are_refused(tmp_path):
    second = GOOD.replace("2030-01-01", "2031-06-01")
    with pytest.raises(ReferenceDataError, match=r"override 2 .*overlaps"):
        read_weekend_overrides(_file(tmp_path, GOOD + second))
    assert read_weekend_overrides(_file(tmp_path, GOOD + second.replace('"NL"', '"BE"')))


def test_threads_filling_the_same_years_read_what_one_thread_reads():
    from concurrent.futures import ThreadPoolExecutor

    days = [date(year, 1, 1) + timedelta(days=offset)
            for year in range(2040, 2046) for offset in range(0, 365, 7)]
    expected = [CountryCalendar("EG").closed_because(day) for day in days]
    shared = CountryCalendar("EG")  # no year filled in yet
    with ThreadPoolExecutor(max_workers=8) as pool:
        runs = [pool.submit(lambda: [shared.closed_because(day) for day in days])
                for _ in range(8)]
        assert all(run.result() == expected for run in runs)
