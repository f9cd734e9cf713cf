"""Referrals to reintegration programmes, and what the statistics keep of them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from retour.cases.models import CaseScopedQuerySet, ReturnCase


class ReintegrationReferral(models.Model):
    """A referral of the person to a reintegration programme, and its outcome (BRIEF M19-M21:
    return counselling and reintegration; Regulation (EU) 2019/1896 Art. 48(1)(a)(i) for
    Frontex's joint reintegration services).

    One referral awaits an outcome at a time per case; ``outcome`` is empty until then.
    """

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("accepted by the person")
        DECLINED = "declined", _("declined by the person")
        WITHDRAWN = "withdrawn", _("withdrawn")

    case = models.ForeignKey(
        ReturnCase, on_delete=models.PROTECT, related_name="reintegration_referrals"
    )
    referred_on = models.DateField()
    referred_by = models.ForeignKey(
        "accounts.Authority", on_delete=models.PROTECT, related_name="+"
    )
    counselling_service = models.ForeignKey(
        "accounts.Authority", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The return counselling service the person is referred to, which sees the case "
                  "from then on; empty when the referring authority counsels the person itself.",
    )
    programme = models.CharField(max_length=200, help_text="e.g. Frontex JRS, national AVRR")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        ordering = ["referred_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(outcome=""),
                name="one_pending_reintegration_referral_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"referral to {self.programme} of {self.referred_on}"


class CounsellingMilestones(models.Model):
    """What the statistics count of a case's reintegration (M19-M21): the first referral,
    and the first acceptance by the person."""

    case = models.OneToOneField(
        ReturnCase, on_delete=models.CASCADE, primary_key=True,
        related_name="counselling_milestones",
    )
    reintegration_referred_on = models.DateField(null=True, blank=True)
    reintegration_accepted_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "counselling milestones"

    def __str__(self) -> str:
        return f"counselling milestones of {self.case_id}"
