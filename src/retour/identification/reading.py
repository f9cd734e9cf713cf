"""A machine-readable zone as the product shows it: parsed, checked, and its state codes named.

The CLI (`retour mrz`), the API (`POST /api/v1/documents/mrz`) and the document forms read a
zone through ``read_mrz``, so all three answer the same, each in its reader's language (the
CLI in English, the API in English unless ``Accept-Language`` asks for Dutch, the pages in
the user's language); field names and codes stay the same in every language.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy

from retour import clock
from retour.identification.mrz import FILLER, NotAnMrz, parse
from retour.reference.models import Country

CODES_FILE = Path(__file__).parent / "data" / "icao_codes.toml"

__all__ = ["NotAnMrz", "as_field_errors", "describe_code", "read_mrz"]


@cache
def _special_codes() -> dict[str, dict[str, Any]]:
    with CODES_FILE.open("rb") as handle:
        codes: dict[str, dict[str, Any]] = tomllib.load(handle)["codes"]
    return codes


def describe_code(code: str) -> dict[str, Any]:
    """What a three-letter code of a zone stands for: a country (ISO alpha-3), one of ICAO's
    special codes, or nothing known (``known`` false)."""
    code = code.rstrip(FILLER)
    special = _special_codes().get(code)
    if special is not None:
        country = Country.objects.filter(code=special.get("country", "")).first()
        return {"code": code, "known": True, "country": country.code if country else None,
                "name": special["meaning"], "special": True}
    country = Country.objects.filter(alpha3=code).first()
    if country is None:
        return {"code": code, "known": False, "country": None, "name": None, "special": False}
    return {"code": code, "known": True, "country": country.code, "name": country.name_en,
            "special": False}


def read_mrz(lines: list[str]) -> dict[str, Any]:
    """The zone as JSON-ready data; raises ``NotAnMrz`` when it is not one."""
    mrz = parse(lines, today=clock.today())
    result = mrz.as_json()
    for name, unknown in _UNKNOWN_CODE.items():
        described = describe_code(result[name])
        result[name] = described
        if not described["known"]:
            result["warnings"].append(str(unknown) % {"code": repr(described["code"])})
    return result


# The warning for a three-letter code that stands for nothing known, per field of the zone.
_UNKNOWN_CODE = {
    "issuing_state": gettext_lazy(
        "%(code)s (issuing state) is neither a country code nor a special code of ICAO"),
    "nationality": gettext_lazy(
        "%(code)s (nationality) is neither a country code nor a special code of ICAO"),
}


def as_field_errors(exc: NotAnMrz, field: str = "lines") -> dict[str, str]:
    """The problems by input field, as forms and the API name them (``lines[0]`` is line 1)."""
    if not exc.problems:
        return {field: str(exc)}
    fields: dict[str, str] = {}
    for problem in exc.problems:
        name = f"{field}[{problem.line - 1}]"
        fields[name] = f"{fields[name]}; {problem}" if name in fields else str(problem)
    return fields
