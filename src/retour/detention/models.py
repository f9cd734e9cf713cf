"""Detention periods, and what the statistics keep of them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from retour.cases.models import CaseScopedQuerySet, ReturnCase


class DetentionPeriod(models.Model):
    """A period of detention for the purpose of removal (Directive 2008/115/EC Art. 15).

    Art. 15(1): detention only to prepare the return or carry out the removal, in particular
    when there is a risk of absconding (a) or the person avoids or hampers the preparation of
    return (b), and only where less coercive measures cannot be applied. One period is open
    at a time per case; ``ended_on`` is empty while the person is detained.
    """

    class Ground(models.TextChoices):
        RISK_OF_ABSCONDING = "risk_of_absconding", _(
            "risk of absconding (Directive 2008/115/EC Art. 15(1)(a))"
        )
        HAMPERS_RETURN = "hampers_return", _(
            "avoids or hampers the preparation of return or removal "
            "(Directive 2008/115/EC Art. 15(1)(b))"
        )

    class EndReason(models.TextChoices):
        REMOVED = "removed", _("removed (the person was returned)")
        NO_PROSPECT_OF_REMOVAL = "no_prospect_of_removal", _(
            "no reasonable prospect of removal (Directive 2008/115/EC Art. 15(4))"
        )
        MAXIMUM_REACHED = "maximum_reached", _(
            "maximum period reached (Directive 2008/115/EC Art. 15(5)-(6))"
        )
        RELEASED_BY_COURT = "released_by_court", _(
            "released by a court (Directive 2008/115/EC Art. 15(2))"
        )
        ALTERNATIVE = "alternative", _("alternative to detention")
        OTHER = "other", _("other reason")

    case = models.ForeignKey(
        ReturnCase, on_delete=models.PROTECT, related_name="detention_periods"
    )
    ordered_on = models.DateField()
    ordered_by = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    ground = models.CharField(max_length=30, choices=Ground.choices)
    facility = models.CharField(max_length=200)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=30, choices=EndReason.choices, blank=True)
    note = models.TextField(blank=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        ordering = ["ordered_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(ended_on__isnull=True),
                name="one_open_detention_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"detention from {self.ordered_on}"


class DetentionMilestones(models.Model):
    """What the statistics count of a case's detention (Art. 15): the first period's start,
    and the end and why of the last one ended."""

    case = models.OneToOneField(
        ReturnCase, on_delete=models.CASCADE, primary_key=True,
        related_name="detention_milestones",
    )
    detained_on = models.DateField(null=True, blank=True)
    detention_ended_on = models.DateField(null=True, blank=True)
    detention_end_reason = models.CharField(max_length=30, blank=True)

    class Meta:
        verbose_name_plural = "detention milestones"

    def __str__(self) -> str:
        return f"detention milestones of {self.case_id}"
