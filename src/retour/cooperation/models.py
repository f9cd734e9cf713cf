"""Acts of non-cooperation with the return procedure, and what the statistics keep of them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from retour.cases.models import CaseScopedQuerySet, ReturnCase


class NonCooperation(models.Model):
    """An act of non-cooperation or obstruction in the return procedure (BRIEF M10).

    Lack of cooperation is a ground to extend detention (Directive 2008/115/EC Art. 15(6)(a))
    and, in national law, an indicator of a risk of absconding (Art. 3(7)); what it led to is
    recorded with it, and the evidence that shows it.
    """

    class Kind(models.TextChoices):
        REFUSED_TO_ATTEND = (
            "refused_to_attend", _("refused to attend an interview or appointment")
        )
        FALSE_IDENTITY = "false_identity", _("gave a false identity")
        DESTROYED_DOCUMENTS = "destroyed_documents", _("destroyed or concealed documents")
        REFUSED_BIOMETRICS = (
            "refused_biometrics", _("refused to give fingerprints or a photograph")
        )
        RESISTANCE = "resistance", _("resisted removal")
        OTHER = "other", _("other obstruction")

    class Consequence(models.TextChoices):
        NONE = "none", _("none (yet)")
        DETENTION_EXTENDED = "detention_extended", _(
            "ground to extend detention (Directive 2008/115/EC Art. 15(6)(a))"
        )
        RISK_OF_ABSCONDING = "risk_of_absconding", _(
            "indicator of a risk of absconding (Directive 2008/115/EC Art. 3(7))"
        )
        REMOVAL_FAILED = "removal_failed", _("removal could not be carried out")
        OTHER = "other", _("other consequence")

    case = models.ForeignKey(ReturnCase, on_delete=models.PROTECT, related_name="non_cooperation")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    occurred_on = models.DateField()
    evidence = models.TextField(help_text="what shows it: a report, a witness, a document")
    consequence = models.CharField(max_length=30, choices=Consequence.choices)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_on", "id"]
        verbose_name_plural = "non-cooperation"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}"


class CooperationMilestones(models.Model):
    """What the statistics count of a case's non-cooperation (M10): how often, and when
    first (a ground to extend detention, Directive 2008/115/EC Art. 15(6)(a))."""

    case = models.OneToOneField(
        ReturnCase, on_delete=models.CASCADE, primary_key=True,
        related_name="cooperation_milestones",
    )
    non_cooperation_count = models.PositiveSmallIntegerField(default=0)
    first_non_cooperation_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "cooperation milestones"

    def __str__(self) -> str:
        return f"cooperation milestones of {self.case_id}"
