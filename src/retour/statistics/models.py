"""Indicator definitions as loaded from the data file, the cube of computed values, and the
runs that computed them. Aggregates only: no row here names a case or a person."""

from __future__ import annotations

from django.db import models


class IndicatorDefinition(models.Model):
    """One indicator of the definitions file (``data/indicators.toml``) as last loaded."""

    code = models.CharField(max_length=80, unique=True)
    version = models.CharField(max_length=40, help_text="The version of the definitions file.")
    name_en = models.CharField(max_length=200)
    name_nl = models.CharField(max_length=200)
    description_en = models.TextField()
    description_nl = models.TextField()
    source = models.TextField()
    unit = models.CharField(max_length=10)
    dimensions = models.JSONField(default=list)
    formula = models.JSONField(help_text="The entry of the data file, checked when loaded.")
    position = models.PositiveIntegerField(default=0, help_text="Order in the data file.")
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.code} ({self.version})"


class IndicatorValue(models.Model):
    """One cell of the cube: an indicator for a period, a member state (or ``EU`` for all)
    and one breakdown (``total`` for none)."""

    indicator = models.CharField(max_length=80)
    definition_version = models.CharField(max_length=40)
    period_kind = models.CharField(max_length=7, help_text="quarter / month")
    period = models.CharField(max_length=7, help_text="2026Q1 or 2026-01")
    member_state = models.CharField(max_length=2)
    dimension = models.CharField(max_length=30)
    dimension_value = models.CharField(max_length=40)
    numerator = models.BigIntegerField(null=True)
    denominator = models.BigIntegerField(null=True)
    value = models.FloatField(null=True)
    # Kept whole: what leaves the member state withholds small counts when it is made (the
    # exports, the pages for the EU coordinator, the quarterly report: suppression.py).
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "member_state", "dimension", "dimension_value"],
                name="one_cube_cell",
            ),
        ]
        indexes = [models.Index(fields=["period", "member_state", "indicator"])]

    def __str__(self) -> str:
        return f"{self.indicator} {self.period} {self.member_state} {self.dimension}"


class StatisticsRun(models.Model):
    """A computation of the cube: what it covered and how far into the event log it read."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    definition_version = models.CharField(max_length=40)
    last_event_id = models.BigIntegerField(help_text="The highest case event read.")
    as_of = models.DateField(help_text="Stocks were counted up to the period of this day.")
    full = models.BooleanField()
    quarters = models.JSONField(default=list, help_text="The quarters recomputed (all if full).")
    rows_written = models.PositiveIntegerField()

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"statistics run {self.pk} ({'full' if self.full else 'incremental'})"


class ReportCommentary(models.Model):
    """What the member state (or the EU coordinator, for ``EU``) says about an indicator in a
    quarter's report for the High-Level Network, or about the quarter in general (indicator
    ``""``). Written through ``report.write_commentary``; text about figures, never about a
    person."""

    period = models.CharField(max_length=7, help_text="2026Q1")
    member_state = models.CharField(max_length=2, help_text="a member state, or EU")
    indicator = models.CharField(
        max_length=80, blank=True, help_text="an indicator code; empty for the introduction"
    )
    text = models.TextField()
    written_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="report_commentaries"
    )
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "member_state", "indicator"], name="one_commentary"
            ),
        ]

    def __str__(self) -> str:
        return f"commentary {self.period} {self.member_state} {self.indicator or 'introduction'}"
