"""Identity and travel documents of a person: what proves who they are, and what they travel on."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from retour.accounts.scoping import personal_data_member_state
from retour.people.models import Person


class PersonDataQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> PersonDataQuerySet:
        """Visible when the person is (``people.Person.objects.visible_to``)."""
        return self.filter(person__in=Person.objects.visible_to(user))


class MatchReviewQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> MatchReviewQuerySet:
        """Visible when either person is: a review is about both."""
        visible = Person.objects.visible_to(user)
        return self.filter(models.Q(person__in=visible) | models.Q(candidate__in=visible))


class IdentityDocument(models.Model):
    """A document that shows identity or nationality, or that a person can travel on.

    Readmission agreements distinguish documents that prove nationality from those that are
    only prima facie evidence of it (e.g. EU–Pakistan agreement, Annexes I and II); the kind
    recorded here is what the dossier evaluation reads.
    """

    class Kind(models.TextChoices):
        PASSPORT = "passport", _("passport")
        IDENTITY_CARD = "identity_card", _("identity card")
        LAISSEZ_PASSER = "laissez_passer", _("laissez-passer / emergency travel document")
        EU_TRAVEL_DOCUMENT = "eu_travel_document", _("EU travel document for return")
        RESIDENCE_PERMIT = "residence_permit", _("residence permit")
        BIRTH_CERTIFICATE = "birth_certificate", _("birth certificate")
        DRIVING_LICENCE = "driving_licence", _("driving licence")
        OTHER = "other", _("other document")

    class Form(models.TextChoices):
        ORIGINAL = "original", pgettext_lazy("document", "original")
        COPY = "copy", pgettext_lazy("document", "copy")

    class ZoneStatus(models.TextChoices):
        NONE = "none", _("no machine-readable zone read")
        VERIFIED = "verified", _("machine-readable zone checked: every check digit valid")
        UNVERIFIED = "unverified", _("machine-readable zone unverified: check digits failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="documents")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    number = models.CharField(max_length=50, blank=True)
    issuing_country = models.ForeignKey(
        "reference.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    issuing_code = models.CharField(
        max_length=3, blank=True,
        help_text="the issuing state as the zone prints it (ICAO code), if one was read",
    )
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    form = models.CharField(max_length=10, choices=Form.choices)
    kept_at = models.CharField(max_length=200, blank=True,
                               help_text="where the document is kept (e.g. in the case file)")
    zone = models.TextField(blank=True, help_text="the machine-readable zone, one line each")
    zone_status = models.CharField(max_length=12, choices=ZoneStatus.choices,
                                   default=ZoneStatus.NONE)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    objects = PersonDataQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["kind", "number"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.id}"



class IdentityEvidence(models.Model):
    """Evidence of identity or nationality other than a document: the individual assessment
    (interviews, language analysis, the identity the person declares) and biometric data taken.

    Biometric data stay in the national biometric system; only its reference, date and quality
    are kept here (GDPR Art. 9: no raw images or templates in the case system).
    """

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("identification interview")
        CONSULAR_INTERVIEW = "consular_interview", _("interview by the consulate or a delegation")
        LANGUAGE_ANALYSIS = "language_analysis", _("language analysis")
        DECLARED_IDENTITY = "declared_identity", _("identity declared by the person")
        BIOMETRICS = "biometrics", _("biometric data taken")
        WITNESS_STATEMENT = "witness_statement", _("witness statement")
        OTHER = "other", _("other evidence")

    class Quality(models.TextChoices):
        GOOD = "good", pgettext_lazy("quality", "good")
        USABLE = "usable", pgettext_lazy("quality", "usable")
        POOR = "poor", pgettext_lazy("quality", "poor")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="identity_evidence")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    taken_on = models.DateField()
    nationality = models.ForeignKey(
        "reference.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="the nationality the evidence points to, if any",
    )
    reference = models.CharField(
        max_length=100, blank=True,
        help_text="reference in the system that holds it (e.g. the national biometric system)",
    )
    quality = models.CharField(max_length=10, choices=Quality.choices, blank=True)
    summary = models.TextField(blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    objects = PersonDataQuerySet.as_manager()

    class Meta:
        ordering = ["taken_on", "recorded_at"]
        verbose_name_plural = "identity evidence"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.taken_on}"


class MissionQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> MissionQuerySet:
        """A mission is planned by one member state and lists its persons: visible where they
        are (``personal_data_member_state``)."""
        member_state = personal_data_member_state(user)
        if member_state is None:
            return self.none()
        return self.filter(member_state_id=member_state)


class IdentificationMission(models.Model):
    """An interview by a third country's consulate or an identification mission of its
    delegation, to which persons are presented so the country identifies them as its nationals
    (the consular interview of the readmission agreements' annexes, e.g. EU–Pakistan
    agreement, Council Decision 2010/649/EU, Annex II)."""

    class Kind(models.TextChoices):
        CONSULAR_INTERVIEW = "consular_interview", _("consular interview at the consulate")
        DELEGATION_MISSION = "delegation_mission", _("identification mission of a delegation")
        VIDEO_INTERVIEW = "video_interview", _("video interview")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member_state = models.ForeignKey("reference.Country", on_delete=models.PROTECT,
                                     related_name="+")
    country = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+",
                                help_text="the country whose consulate or delegation interviews")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    place = models.CharField(max_length=200)
    interpreter_languages = models.JSONField(default=list, blank=True,
                                             help_text="BCP 47 language tags")
    interpreter = models.CharField(max_length=200, blank=True,
                                   help_text="the interpreter's name or agency")
    notes = models.TextField(blank=True)
    organised_by = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT,
                                     related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    # Set by ``missions.cancel_mission``, the one way a mission is cancelled.
    cancelled_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.TextField(blank=True)

    objects = MissionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "created_at"]
        indexes = [models.Index(fields=["member_state", "country", "starts_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.country_id} {self.starts_on}"


class MissionPresentation(models.Model):
    """A person presented to a mission, and what the country's officials concluded."""

    class Availability(models.TextChoices):
        IN_DETENTION = "in_detention", _("in detention")
        REPORTING = "reporting", _("reporting to the authorities")
        AT_LIBERTY = "at_liberty", _("at liberty")
        WHEREABOUTS_UNKNOWN = "whereabouts_unknown", _("whereabouts unknown")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("awaiting the outcome")
        IDENTIFIED = "identified", _("identified")
        NOT_IDENTIFIED = "not_identified", _("not identified")
        NEEDS_MORE_EVIDENCE = "needs_more_evidence", _("needs more evidence")
        DID_NOT_APPEAR = "did_not_appear", _("did not appear")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    mission = models.ForeignKey(IdentificationMission, on_delete=models.PROTECT,
                                related_name="presentations")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="mission_presentations")
    case = models.ForeignKey("cases.ReturnCase", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    availability = models.CharField(max_length=20, choices=Availability.choices,
                                    help_text="where the person was when presented")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    evidence = models.OneToOneField(
        IdentityEvidence, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="the consular interview recorded when the person was identified",
    )
    presented_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT,
                                     related_name="+")
    presented_at = models.DateTimeField()

    objects = PersonDataQuerySet.as_manager()

    class Meta:
        ordering = ["presented_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "person"], name="presented_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.id}"


class MatchReview(models.Model):
    """A possible match between two persons of a member state, waiting for or carrying an
    officer's decision. Persons are never merged: the decision records what the officer found
    and why, and both records stay as they are."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        SAME_PERSON = "same_person", _("same person")
        DIFFERENT_PERSONS = "different_persons", _("different persons")
        UNSURE = "unsure", _("unsure")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    score = models.FloatField()
    reasons = models.JSONField(
        default=dict,
        help_text="per field: score, code and params (compare.Reason); reasons from before the "
                  "codes that were not recognised: score and why")
    decision = models.CharField(max_length=20, choices=Decision.choices,
                                default=Decision.PENDING)
    reason = models.TextField(blank=True)
    queued_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    queued_at = models.DateTimeField()
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = MatchReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "queued_at"]
        constraints = [
            models.UniqueConstraint(fields=["person", "candidate"], name="match_review_pair")
        ]

    def __str__(self) -> str:
        return f"match review {self.id}: {self.decision}"


class IdentificationMilestones(models.Model):
    """What the statistics count of a case's identification (M3, M12): the day the identity
    was established (a document or evidence that completes the dossier, or the requested
    state's acceptance of its national)."""

    case = models.OneToOneField(
        "cases.ReturnCase", on_delete=models.CASCADE, primary_key=True,
        related_name="identification_milestones",
    )
    identified_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "identification milestones"

    def __str__(self) -> str:
        return f"identification milestones of {self.case_id}"
