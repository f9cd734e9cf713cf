"""How values read for a person: dates, moments, names of users and countries, the words for
codes. Shared by the pages, the API, the history of events and the apps that declare how
their events are shown; it depends on no app above ``accounts`` and ``reference``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import get_language


def as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return None


def day(value: Any) -> str:
    """A date (or an ISO text of one) in the page's language."""
    found = as_date(value)
    return date_format(found) if found else ""


def moment(value: Any) -> str:
    """A date and time (or an ISO text of one), in local time, in the page's language."""
    found = datetime.fromisoformat(value) if isinstance(value, str) else value
    return date_format(localtime(found), "DATETIME_FORMAT")


def user_name(user: Any) -> str:
    return str(user.get_full_name() or user.username)


def country_name(country: Any) -> str:
    """The country's name in the language of the page (Dutch or English)."""
    if country is None:
        return ""
    return str(country.name_nl if (get_language() or "").startswith("nl") else country.name_en)


def label(choices: type[Enum] | Mapping[str, Any], code: str | None) -> str:
    """The translated word for ``code`` from a model's choices (or a table of words); a code
    the choices lack (data older than the code that reads it) is shown as it is."""
    if not code:
        return ""
    if isinstance(choices, Mapping):
        found = choices.get(code)
        return str(found) if found is not None else code
    try:
        return str(choices(code).label)  # type: ignore[attr-defined]
    except ValueError:
        return code
