"""Loading reference data files into the database (idempotent: rows are upserted)."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from retour.reference.models import Country, LegalParameter
from retour.reference.periods import add_period

DATA_DIR = Path(__file__).parent / "data"


class ReferenceDataError(ValueError):
    """A data file is malformed; the message names the file, the entry and the field."""


def read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ReferenceDataError(f"{path.name}: {exc}") from None


@transaction.atomic
def load_countries(path: Path = DATA_DIR / "countries.json") -> int:
    rows = json.loads(path.read_text(encoding="utf-8"))["countries"]
    for row in rows:
        Country.objects.update_or_create(code=row["code"], defaults=row)
    return len(rows)


_PARAMETER_FIELDS = {
    "code": str, "jurisdiction": str, "value": int, "unit": str, "valid_from": date,
    "description": str, "source": str, "verification": str,
}


def _check_parameter(entry: dict[str, Any], where: str, countries: set[str]) -> None:
    for name, kind in _PARAMETER_FIELDS.items():
        if name not in entry:
            raise ReferenceDataError(f"{where}: '{name}' is missing")
        if not isinstance(entry[name], kind) or isinstance(entry[name], bool):
            raise ReferenceDataError(f"{where}: '{name}' must be a {kind.__name__}")
    until = entry.get("valid_until")
    if until is not None and (not isinstance(until, date) or until < entry["valid_from"]):
        raise ReferenceDataError(f"{where}: 'valid_until' must be a date after 'valid_from'")
    if entry["unit"] not in LegalParameter.Unit.values:
        raise ReferenceDataError(
            f"{where}: unit {entry['unit']!r} is not one of {', '.join(LegalParameter.Unit.values)}"
        )
    if entry["verification"] not in LegalParameter.Verification.values:
        raise ReferenceDataError(f"{where}: unknown verification {entry['verification']!r}")
    if entry["jurisdiction"] != "EU" and entry["jurisdiction"] not in countries:
        raise ReferenceDataError(
            f"{where}: jurisdiction {entry['jurisdiction']!r} is neither EU nor a member state"
        )
    if entry["value"] < 0:
        raise ReferenceDataError(f"{where}: 'value' cannot be negative")
    # A unit the model allows but no counting rule implements would load, then fail on the
    # first deadline computed from it; refuse it here, where the file can be corrected.
    try:
        add_period(entry["valid_from"], entry["value"], entry["unit"])
    except (ValueError, OverflowError) as exc:
        raise ReferenceDataError(
            f"{where}: cannot count {entry['value']} {entry['unit']}: {exc}"
        ) from None


@transaction.atomic
def load_legal_parameters(path: Path = DATA_DIR / "legal_parameters.toml") -> int:
    entries = read_toml(path).get("parameter", [])
    member_states = set(Country.objects.member_states().values_list("code", flat=True))
    for index, entry in enumerate(entries, start=1):
        where = f"{path.name}: parameter {index} ({entry.get('code', '?')})"
        _check_parameter(entry, where, member_states)
        LegalParameter.objects.update_or_create(
            code=entry["code"], jurisdiction=entry["jurisdiction"], valid_from=entry["valid_from"],
            defaults={
                "value": entry["value"], "unit": entry["unit"],
                "valid_until": entry.get("valid_until"), "description": entry["description"],
                "source": entry["source"], "verification": entry["verification"],
            },
        )
    return len(entries)


def load_every_app() -> list[str]:
    """Load the data files of every installed app that has them (an app config's
    ``load_reference_data``), in the order of ``INSTALLED_APPS``, so that data refers only to
    data loaded before it; one transaction. Returns what each app loaded."""
    from django.apps import apps

    with transaction.atomic():
        return [
            config.load_reference_data()
            for config in apps.get_app_configs()
            if hasattr(config, "load_reference_data")
        ]
