"""Readmission instruments (as versioned data) and readmission requests."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from retour import bulk
from retour.cases.models import CaseScopedQuerySet

# The kind of record a request is, for its events' pipeline and its timers.
SUBJECT = "readmission_request"


class Instrument(models.Model):
    """One version of a readmission instrument: an EU readmission agreement, a non-binding EU
    arrangement, a bilateral agreement or an implementing protocol, with its rules.

    A version is never changed: an administrator's edit makes the next version, and a request
    keeps the version in force when it was submitted. ``rules`` holds each rule with its value,
    source and verification (``retour.readmission.rules``)."""

    class Kind(models.TextChoices):
        EU_AGREEMENT = "eu_readmission_agreement", _("EU readmission agreement")
        EU_ARRANGEMENT = "eu_arrangement", _("non-binding EU arrangement")
        BILATERAL = "bilateral_agreement", _("bilateral agreement")
        PROTOCOL = "implementing_protocol", _("implementing protocol")

    code = models.CharField(max_length=60)
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=300)
    third_country = models.ForeignKey(
        "reference.Country", on_delete=models.PROTECT, related_name="+"
    )
    member_states = models.JSONField(
        default=list, help_text="codes of the member states it binds"
    )
    legal_reference = models.CharField(max_length=300, blank=True)
    in_force_from = models.DateField(null=True, blank=True)
    in_force_until = models.DateField(null=True, blank=True)
    rules = models.JSONField(default=dict)
    source = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=150, help_text="'data file' or a username")
    change_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class ReadmissionTask(models.TextChoices):
    """The work a readmission request gives the authority (``retour.cases.tasks``)."""

    CHASE_READMISSION_REPLY = "chase_readmission_reply", _("chase the readmission reply")
    CHASE_TRAVEL_DOCUMENT = "chase_travel_document", _("chase the travel document")


class ReadmissionTimer(models.TextChoices):
    """The due dates of a readmission request, as kinds of timer on its case
    (``retour.cases.timers``; ``retour.readmission.timers`` registers them)."""

    REPLY = "readmission_reply", _("Reply due")
    TRAVEL_DOCUMENT = "readmission_travel_document", _("Travel document due")
    TRANSFER = "readmission_transfer", _("Transfer due")
    TRAVEL_DOCUMENT_VALIDITY = "readmission_travel_document_validity", _("Valid until")


class ReadmissionRequest(models.Model):
    """A request to a third country to readmit a person of a return case (its lifecycle is
    the table in ``retour.readmission.procedure``).

    Its due dates (the reply, the travel document, the transfer) are timers on its case
    (``ReadmissionTimer``), opened, moved and closed by its steps; ``reply_due_on`` and the
    others read them. The travel document's validity is the document's own particular
    (``travel_document_valid_until``), and a timer too."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        ACCEPTED = "accepted", pgettext_lazy("readmission request", "accepted")
        TACITLY_ACCEPTED = "tacitly_accepted", _("tacitly accepted")
        REJECTED = "rejected", _("rejected")
        NEEDS_INTERVIEW = "needs_interview", _("needs an interview")
        TRAVEL_DOCUMENT_REQUESTED = "travel_document_requested", _("travel document requested")
        TRAVEL_DOCUMENT_ISSUED = "travel_document_issued", _("travel document issued")
        USED = "used", _("used for departure")
        EXPIRED = "expired", pgettext_lazy("readmission request", "expired")
        WITHDRAWN = "withdrawn", pgettext_lazy("readmission request", "withdrawn")

    class Procedure(models.TextChoices):
        NORMAL = "normal", _("normal")
        ACCELERATED = "accelerated", _("accelerated (border procedure)")

    class Channel(models.TextChoices):
        RCMS = "rcms", _("readmission case management system (RCMS)")
        DIPLOMATIC_MISSION = "diplomatic_mission", _("diplomatic mission")
        CENTRAL_AUTHORITY = "central_authority", _("central authority")

    class ReplyOutcome(models.TextChoices):
        """The requested state's answer to the request (``readmission.actions.REPLY_OUTCOMES``
        gives the status each leads to)."""

        ACCEPTED = "accepted", pgettext_lazy("readmission reply", "accepted")
        REJECTED = "rejected", pgettext_lazy("readmission reply", "rejected")
        NEEDS_INTERVIEW = "needs_interview", _("the person must be interviewed first")

    case = models.ForeignKey(
        "cases.ReturnCase", on_delete=models.PROTECT, related_name="readmission_requests"
    )
    third_country = models.ForeignKey(
        "reference.Country", on_delete=models.PROTECT, related_name="+"
    )
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, null=True, blank=True, related_name="requests",
        help_text="the version in force when the request was made; none without an instrument",
    )
    reference = models.CharField(max_length=40, unique=True)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.DRAFT)
    procedure = models.CharField(
        max_length=12, choices=Procedure.choices, default=Procedure.NORMAL
    )
    channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    their_reference = models.CharField(max_length=60, blank=True)
    evidence = models.JSONField(default=list, help_text="the dossier items attached")
    created_at = models.DateTimeField()
    apprehended_on = models.DateField(null=True, blank=True)
    submitted_on = models.DateField(null=True, blank=True)
    acknowledged_on = models.DateField(null=True, blank=True)
    replied_on = models.DateField(null=True, blank=True)
    rejection_reasons = models.TextField(blank=True)
    travel_document_requested_on = models.DateField(null=True, blank=True)
    travel_document_kind = models.CharField(max_length=30, blank=True)
    travel_document_number = models.CharField(max_length=40, blank=True)
    travel_document_issued_on = models.DateField(null=True, blank=True)
    travel_document_valid_until = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["third_country", "status"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def rules(self) -> Any:
        from retour.readmission.rules import Rules

        return Rules.of(self.instrument)

    def due_on(self, kind: str, case: Any = None) -> date | None:
        """The due date of the request's timer of ``kind``, open or closed; None when no rule
        set one. In a bulk session, as the session keeps the timers of ``case`` (the
        request's, as its action loaded it)."""
        found = bulk.select(case or self.case, "timers", subject=SUBJECT,
                            subject_key=str(self.pk), kind=kind)
        latest = max(found, key=lambda t: t.pk, default=None)
        return latest.due_on if latest is not None else None

    @property
    def reply_due_on(self) -> date | None:
        return self.due_on(ReadmissionTimer.REPLY)

    @property
    def travel_document_due_on(self) -> date | None:
        return self.due_on(ReadmissionTimer.TRAVEL_DOCUMENT)

    @property
    def transfer_due_on(self) -> date | None:
        return self.due_on(ReadmissionTimer.TRANSFER)


class Obstacle(models.Model):
    """An obstacle in the return process raised on a readmission request (an overdue reply or
    travel document); the coordination issue builds the full register on it."""

    class Kind(models.TextChoices):
        REPLY_OVERDUE = "reply_overdue", _("reply overdue")
        TRAVEL_DOCUMENT_OVERDUE = "travel_document_overdue", _("travel document overdue")

    request = models.ForeignKey(
        ReadmissionRequest, on_delete=models.PROTECT, related_name="obstacles"
    )
    member_state = models.CharField(max_length=2)
    third_country = models.ForeignKey(
        "reference.Country", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    description = models.TextField()
    raised_on = models.DateField()
    raised_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.request})"


class ReadmissionMilestones(models.Model):
    """What the statistics count of a case's readmission (M12, M29; Visa Code Art. 25a(2)):
    the first request submitted, its reply and outcome, and the first travel document."""

    case = models.OneToOneField(
        "cases.ReturnCase", on_delete=models.CASCADE, primary_key=True,
        related_name="readmission_milestones",
    )
    readmission_requested_on = models.DateField(null=True, blank=True)
    readmission_replied_on = models.DateField(null=True, blank=True)
    readmission_outcome = models.CharField(
        max_length=20, blank=True, help_text="accepted / tacitly_accepted / rejected"
    )
    travel_document_issued_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "readmission milestones"

    def __str__(self) -> str:
        return f"readmission milestones of {self.case_id}"
