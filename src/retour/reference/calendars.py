"""The working days of a country: its weekend and its public holidays.

Public holidays come from the ``holidays`` package (its public category: national holidays,
and a region's own when a subdivision is given), named in English. Weekends come from that
package too: its country classes carry the weekend in force on each date with the source in
their code (Saudi Arabia Thursday–Friday until 27 June 2013, then Friday–Saturday; the United
Arab Emirates Saturday–Sunday since 2022; Iran Friday only), and the working days some
countries move onto a weekend. ``data/weekends.toml`` holds only overrides where a rule is
known to differ from the package, each with its source and whether it was verified; an
override in force on a date wins over the package.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import holidays

from retour.reference.loading import DATA_DIR, ReferenceDataError, read_toml

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
HOLIDAY_LANGUAGE = "en_US"  # the package keeps its own language where it has no English names


class UnknownCalendar(ValueError):
    """No public-holiday calendar for the country or subdivision; ``field`` names which."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class WeekendOverride:
    country: str
    days: frozenset[int]
    valid_from: date | None
    valid_until: date | None
    source: str
    verified: bool

    def in_force_between(self, first: date, last: date) -> bool:
        """Whether the override is in force on some day from ``first`` to ``last``."""
        return (self.valid_from or date.min) <= last and first <= (self.valid_until or date.max)


def _override(entry: dict[str, Any], where: str) -> WeekendOverride:
    country = entry.get("country")
    if not isinstance(country, str) or not _known_country(country):
        raise ReferenceDataError(f"{where}: 'country' must be a country code holidays knows")
    days = entry.get("days")
    if (
        not isinstance(days, list)
        or not all(name in WEEKDAY_NAMES for name in days)
        # A week without a working day would make counting working days run forever.
        or not 0 < len(set(days)) < len(WEEKDAY_NAMES)
    ):
        raise ReferenceDataError(
            f"{where}: 'days' must list one to six of {', '.join(WEEKDAY_NAMES)}"
        )
    bounds = {name: entry.get(name) for name in ("valid_from", "valid_until")}
    for name, value in bounds.items():
        if value is not None and not isinstance(value, date):
            raise ReferenceDataError(f"{where}: '{name}' must be a date")
    valid_from, valid_until = bounds["valid_from"], bounds["valid_until"]
    if valid_from and valid_until and valid_until < valid_from:
        raise ReferenceDataError(f"{where}: 'valid_until' must not be before 'valid_from'")
    if not isinstance(entry.get("source"), str) or not entry["source"].strip():
        raise ReferenceDataError(f"{where}: 'source' is missing")
    if not isinstance(entry.get("verified"), bool):
        raise ReferenceDataError(f"{where}: 'verified' must be true or false")
    return WeekendOverride(
        country=country,
        days=frozenset(WEEKDAY_NAMES.index(name) for name in days),
        valid_from=valid_from,
        valid_until=valid_until,
        source=entry["source"],
        verified=entry["verified"],
    )


def read_weekend_overrides(
    path: Path = DATA_DIR / "weekends.toml",
) -> dict[str, tuple[WeekendOverride, ...]]:
    """The overrides of ``path`` by country; refuses overlapping periods of one country."""
    by_country: dict[str, list[WeekendOverride]] = {}
    for index, entry in enumerate(read_toml(path).get("override", []), start=1):
        where = f"{path.name}: override {index} ({entry.get('country', '?')})"
        override = _override(entry, where)
        for other in by_country.get(override.country, []):
            if override.in_force_between(
                other.valid_from or date.min, other.valid_until or date.max
            ):
                raise ReferenceDataError(f"{where}: overlaps another override of that country")
        by_country.setdefault(override.country, []).append(override)
    return {country: tuple(entries) for country, entries in by_country.items()}


@cache
def _weekend_overrides() -> dict[str, tuple[WeekendOverride, ...]]:
    return read_weekend_overrides()


def _known_country(code: str) -> bool:
    # The package also lists alpha-3 aliases; Retour names countries by alpha-2.
    return len(code) == 2 and code in holidays.list_supported_countries()


class CountryCalendar:
    """The non-working days of one country (optionally one of its subdivisions)."""

    def __init__(
        self,
        country: str,
        subdivision: str | None = None,
        *,
        overrides: dict[str, tuple[WeekendOverride, ...]] | None = None,
    ) -> None:
        code = country.strip().upper()
        if not _known_country(code):
            raise UnknownCalendar(
                "country",
                f"no public-holiday calendar for country {country!r}: give an ISO 3166-1 "
                "alpha-2 code, e.g. NL",
            )
        try:
            self._holidays = holidays.country_holidays(
                code, subdiv=subdivision, language=HOLIDAY_LANGUAGE
            )
        except NotImplementedError:
            known = ", ".join(holidays.list_supported_countries()[code]) or "none"
            raise UnknownCalendar(
                "subdivision",
                f"country {code} has no subdivision {subdivision!r} (known: {known})",
            ) from None
        self.country = code
        self.subdivision = subdivision
        # The package fills in a year's holidays the first time a day of it is read, by
        # changing its dict; one calendar object serves every thread of the server.
        self._filling = threading.Lock()
        self._overrides = (_weekend_overrides() if overrides is None else overrides).get(code, ())

    def override_on(self, day: date) -> WeekendOverride | None:
        return next((o for o in self._overrides if o.in_force_between(day, day)), None)

    def is_weekend(self, day: date) -> bool:
        override = self.override_on(day)
        if override is not None:
            return day.weekday() in override.days
        return self._holidays.is_weekend(day)

    def closed_because(self, day: date) -> tuple[str, ...]:
        """The weekday name when ``day`` is a weekend day (unless the country moved a working
        day onto it), and the names of the public holidays on ``day``."""
        with self._filling:
            # Reading the holidays first fills in that year, its moved working days included.
            names = tuple(self._holidays.get_list(day))
            weekend = self.is_weekend(day) and day not in self._holidays.weekend_workdays
        return ((WEEKDAY_NAMES[day.weekday()],) if weekend else ()) + names

    def unverified_overrides(self, first: date, last: date) -> tuple[WeekendOverride, ...]:
        """The unverified weekend overrides in force on some day from ``first`` to ``last``."""
        return tuple(
            o for o in self._overrides if not o.verified and o.in_force_between(first, last)
        )


@cache
def country_calendar(country: str, subdivision: str | None = None) -> CountryCalendar:
    """The calendar of ``country``, built once per process and shared by its threads (the
    package fills in years as they are asked for, under the calendar's lock)."""
    return CountryCalendar(country, subdivision)
