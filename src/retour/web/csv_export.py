"""CSV downloads: RFC 4180, UTF-8 with a byte-order mark (without it Excel reads the file in
the computer's legacy code page and garbles names in Arabic, Cyrillic or with diacritics), and
text cells a spreadsheet would run as a formula made inert (OWASP "CSV injection")."""

from __future__ import annotations

import csv
from typing import Any

from django.http import HttpResponse

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_response(filename: str) -> tuple[HttpResponse, Any]:
    """An attachment named ``filename`` and a ``csv.writer`` writing into it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response, csv.writer(response)


def cell(text: str) -> str:
    """Text typed by someone, as a cell no spreadsheet runs as a formula."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text
