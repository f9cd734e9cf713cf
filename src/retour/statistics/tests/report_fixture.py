"""A small cube for the quarterly report's tests: the ``total`` cells of a few indicators over
five quarters of NL, one below the suppression threshold (5), and one EU cell."""

from __future__ import annotations

from datetime import UTC, datetime

from retour.statistics.loading import load_indicators
from retour.statistics.models import IndicatorValue

COMPUTED = datetime(2026, 4, 2, 6, 30, tzinfo=UTC)


def cell(indicator: str, period: str, member_state: str = "NL", *, numerator: int,
         denominator: int | None = None, value: float | None = None) -> IndicatorValue:
    return IndicatorValue.objects.create(
        indicator=indicator, definition_version="2026.1", period_kind="quarter", period=period,
        member_state=member_state, dimension="total", dimension_value="", numerator=numerator,
        denominator=denominator, value=numerator if value is None else value,
        computed_at=COMPUTED,
    )


def build() -> None:
    """Return decisions after asylum over five quarters of NL (2025Q2 below the threshold),
    the voluntary share in the last two, the Eurostat return rate and 2 readmission requests
    this quarter, and the EU's return decisions."""
    load_indicators()
    for period, count in [("2025Q1", 40), ("2025Q2", 3), ("2025Q3", 50), ("2025Q4", 45),
                          ("2026Q1", 60)]:
        cell("m30.return_decisions_after_asylum", period, numerator=count)
    cell("m30.voluntary_return_share", "2025Q4", numerator=10, denominator=40, value=25.0)
    cell("m30.voluntary_return_share", "2026Q1", numerator=12, denominator=30, value=40.0)
    cell("return_rate_eurostat", "2026Q1", numerator=30, denominator=60, value=50.0)
    cell("m30.readmission_requests", "2026Q1", numerator=2)
    cell("m30.return_decisions_after_asylum", "2026Q1", "EU", numerator=90)
