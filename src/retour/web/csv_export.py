"""CSV downloads: RFC 4180, UTF-8 with a byte-order mark (without it Excel reads the file in
the computer's legacy code page and garbles names in Arabic, Cyrillic or with diacritics), and
every cell made inert for a spreadsheet (``retour.spreadsheet``: formulas, direction
controls)."""

from __future__ import annotations

from django.http import HttpResponse

from retour import spreadsheet
from retour.spreadsheet import cell as cell  # the views mark typed text; every cell is safe


def csv_response(filename: str) -> tuple[HttpResponse, spreadsheet.Writer]:
    """An attachment named ``filename`` and a neutralising CSV writer
    (``retour.spreadsheet``) writing into it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response, spreadsheet.writer(response)
