"""CSV that is safe to open in a spreadsheet: every file Retour writes (downloads, exports,
command output) goes through ``writer`` (ADR 17).

A text cell a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) gets a leading apostrophe (OWASP, "CSV injection"); a number stays a number. The
invisible controls that reorder text on screen (``retour.seam.limits.BIDI_CONTROLS``) are
taken out, so a cell reads as what it holds.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

from retour.seam.limits import without_bidi_controls

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def cell(value: Any) -> Any:
    """``value`` as a cell no spreadsheet runs as a formula nor shows reordered."""
    if not isinstance(value, str):
        return value
    text = without_bidi_controls(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return f"'{text}"
    return text


class Writer:
    """A ``csv.writer`` whose every cell goes through ``cell``."""

    def __init__(self, stream: Any, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream: Any, **options: Any) -> Writer:
    """A CSV writer into ``stream`` (``csv.writer``'s options) that neutralises every cell."""
    return Writer(stream, **options)

