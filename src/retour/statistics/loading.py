"""Loading the indicator definitions file into the database, refusing invalid definitions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import models, transaction

from retour import clock
from retour.reference.loading import ReferenceDataError, read_toml
from retour.reference.models import LegalParameter
from retour.seam import projections
from retour.statistics.formula import (
    ColumnType,
    Indicator,
    IndicatorDefinitionError,
    parse_definitions,
    parse_indicator,
)
from retour.statistics.models import IndicatorDefinition

DEFINITIONS = Path(__file__).parent / "data" / "indicators.toml"


def milestone_columns() -> dict[str, ColumnType]:
    """The columns of the milestone extract a definition may use, with their kind: the case
    core's milestone row and every app's projection beside it (``retour.seam.projections``)."""
    kinds: dict[str, ColumnType] = {}
    for field in projections.columns().values():
        if isinstance(field, models.DateField):
            kinds[field.name] = "date"
        elif isinstance(field, models.BooleanField):
            kinds[field.name] = "bool"
        elif isinstance(field, models.IntegerField):
            kinds[field.name] = "int"
        else:
            kinds[field.name] = "text"
    return kinds


def _day_parameters() -> set[str]:
    return set(
        LegalParameter.objects.filter(unit=LegalParameter.Unit.DAYS).values_list("code", flat=True)
    )


@transaction.atomic
def load_indicators(path: Path = DEFINITIONS) -> int:
    """Replace the loaded definitions by those of ``path``; nothing is loaded if one is
    invalid (``ReferenceDataError`` naming the file, the indicator and the reason)."""
    document = read_toml(path)
    try:
        version, indicators = parse_definitions(document, milestone_columns(), _day_parameters())
    except IndicatorDefinitionError as exc:
        raise ReferenceDataError(f"{path.name}: {exc}") from None
    now = clock.now()
    entries: dict[str, dict[str, Any]] = {e["code"]: e for e in document["indicator"]}
    IndicatorDefinition.objects.exclude(code__in=entries).delete()
    for position, indicator in enumerate(indicators):
        IndicatorDefinition.objects.update_or_create(
            code=indicator.code,
            defaults={
                "version": version,
                "name_en": indicator.name["en"],
                "name_nl": indicator.name["nl"],
                "description_en": indicator.description["en"],
                "description_nl": indicator.description["nl"],
                "source": indicator.source,
                "unit": indicator.unit,
                "dimensions": list(indicator.dimensions),
                "formula": entries[indicator.code],
                "position": position,
                "loaded_at": now,
            },
        )
    return len(indicators)


def loaded_indicators() -> tuple[str, list[Indicator]]:
    """The version and definitions in the database (checked again against today's columns)."""
    rows = list(IndicatorDefinition.objects.all())
    if not rows:
        raise ReferenceDataError("no indicator definitions loaded: run `retour load_indicators`")
    columns, parameters = milestone_columns(), _day_parameters()
    try:
        return rows[0].version, [parse_indicator(r.formula, columns, parameters) for r in rows]
    except IndicatorDefinitionError as exc:
        raise ReferenceDataError(f"loaded definitions: {exc}") from None
