"""The record of each retention run: counts only, never who was erased (the access log holds
that, by pseudonymous key, for its own period)."""

from __future__ import annotations

from django.db import models


class RetentionRun(models.Model):
    ran_at = models.DateTimeField()
    today = models.DateField(help_text="The day the periods were counted to.")
    cases = models.PositiveIntegerField(default=0)
    persons = models.PositiveIntegerField(default=0)
    messages = models.PositiveIntegerField(default=0)
    sessions = models.PositiveIntegerField(default=0)
    # Rows erased per model ("cases.ReturnCase": 12, ...), and cases per rule applied.
    rows = models.JSONField(default=dict)
    rules = models.JSONField(default=dict)

    class Meta:
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"retention run of {self.ran_at:%Y-%m-%d %H:%M}: {self.cases} cases erased"
