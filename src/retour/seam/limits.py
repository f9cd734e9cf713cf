"""What any input may be, wherever it comes in (an action's schema, a page's form, an API
query, a CSV file, a readmission message): text without control characters and of a sensible
length, dates in a plausible range (ADR 17).

Refused, not cleaned: a value that carries a control character was made to deceive or came
from a broken system, and silently dropping characters would store something other than
what was sent. The bidirectional controls make text display in another order than it is
stored (a document number "U+202E 0000-6202-LN" shows as "NL-2026-0000"); right-to-left
script itself, Arabic or Hebrew letters, is ordinary text and stays accepted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from retour import clock

# Names, numbers, references, codes: one line.
SHORT_TEXT = 200
# Reasons, notes, summaries: a few pages at most.
LONG_TEXT = 10_000

# Unicode's explicit directional embeddings, overrides and isolates (UAX #9, section 2), the
# implicit marks and the Arabic letter mark.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
_WITHOUT_BIDI = {ord(c): None for c in BIDI_CONTROLS}
# Where multi-line text may break lines and indent (a browser sends a text area's line breaks
# as CR LF).
_LINE_LAYOUT = frozenset("\n\r\t")
# Surrogates cannot be stored as UTF-8 (PostgreSQL refuses them, SQLite garbles them).
_SURROGATE = re.compile("[\ud800-\udfff]")

# Dates of birth: nobody alive whose return is decided was born before 1900.
EARLIEST_BIRTH = date(1900, 1, 1)
# Dates of the procedure: nothing the system keeps happened before 1990 (the Schengen
# Implementing Convention; the oldest agreements and decisions it records are later).
EARLIEST_PROCEDURE = date(1990, 1, 1)
# How many years ahead a planned or agreed date may lie (a removal, an appointment, an end).
PROCEDURE_YEARS_AHEAD = 1
# How many years ahead a validity may lie (a passport: ten years).
VALIDITY_YEARS_AHEAD = 10


def text_problem(value: str, *, multiline: bool = False, limit: int | None = None) -> str | None:
    """Why ``value`` cannot be taken as text (in the reader's language), or None.

    ``multiline`` allows line breaks and tabs (free text); ``limit`` is the most characters
    (by default: ``LONG_TEXT`` for free text, ``SHORT_TEXT`` for one line)."""
    most = limit if limit is not None else (LONG_TEXT if multiline else SHORT_TEXT)
    if len(value) > most:
        return _("is too long: at most %(most)d characters, this has %(count)d. "
                 "Shorten it.") % {"most": most, "count": len(value)}
    if "\x00" in value:
        return _("contains a NUL character. Type the text again without it.")
    if any(c in BIDI_CONTROLS for c in value):
        return _("contains an invisible character that changes the direction text is shown "
                 "in. Type the text again without it.")
    if _SURROGATE.search(value):
        return _("is not valid Unicode text. Type the text again.")
    if any(_is_control(c) and not (multiline and c in _LINE_LAYOUT) for c in value):
        if multiline:
            return _("contains a control character. Type the text again without it.")
        return _("contains a control character or line break. Type it on one line.")
    return None


def _is_control(character: str) -> bool:
    # Category Cc is exactly C0 (U+0000-U+001F), DEL and C1 (U+0080-U+009F).
    return unicodedata.category(character) == "Cc"


def without_bidi_controls(text: str) -> str:
    """``text`` as it is stored, in order: for showing back what was refused, and for values
    kept before the policy (ADR 17) on their way out."""
    return text.translate(_WITHOUT_BIDI)


def check_text(value: str, *, multiline: bool = False, limit: int | None = None) -> str:
    """``value`` if it may be taken as text; else ``ValueError`` saying why."""
    problem = text_problem(value, multiline=multiline, limit=limit)
    if problem:
        raise ValueError(problem)
    return value


def document_problems(document: Any, path: str = "$") -> Iterator[tuple[str, str]]:
    """Every text of a JSON ``document`` (keys and values) that cannot be taken, with its
    JSONPath (``$.travel_document.number``) and why. Values are free text, keys one line."""
    if isinstance(document, str):
        problem = text_problem(document, multiline=True)
        if problem:
            yield path, problem
    elif isinstance(document, dict):
        for key, value in document.items():
            key_problem = text_problem(str(key))
            if key_problem:
                yield path, key_problem
            else:
                yield from document_problems(value, f"{path}.{key}")
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from document_problems(value, f"{path}[{index}]")


def date_problem(value: date, *, earliest: date, latest: date) -> str | None:
    """Why ``value`` is not plausible (in the reader's language), or None."""
    if value < earliest:
        return _("must not be before %(earliest)s. Check the year.") % {
            "earliest": earliest.isoformat()}
    if value > latest:
        return _("must not be after %(latest)s. Check the year.") % {
            "latest": latest.isoformat()}
    return None


def birth_range() -> tuple[date, date]:
    """A date of birth: not before 1900, not in the future."""
    return EARLIEST_BIRTH, clock.today()


def procedure_range(years_ahead: int = PROCEDURE_YEARS_AHEAD) -> tuple[date, date]:
    """A date in the procedure: from 1990 to ``years_ahead`` years after today."""
    return EARLIEST_PROCEDURE, clock.today() + relativedelta(years=years_ahead)


def check_partial_date(text: str) -> tuple[int, int | None, int | None]:
    """A date of birth as persons' often are, ``1990``, ``1990-04`` or ``1990-04-17``: its
    parts, or ``ValueError`` saying what is wrong (a format, a day the month has not, a year
    outside ``birth_range``)."""
    match = re.fullmatch(r"([0-9]{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12][0-9]|3[01]))?)?", text)
    if match is None:
        raise ValueError(_("use YYYY, YYYY-MM or YYYY-MM-DD"))
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        raise ValueError(_("no such date: %(text)s") % {"text": text}) from None
    earliest, latest = birth_range()
    if not earliest.year <= year <= latest.year:
        raise ValueError(_("the year must be between %(earliest)d and %(latest)d") % {
            "earliest": earliest.year, "latest": latest.year})
    return year, month, day
