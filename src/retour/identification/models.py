"""Identity and travel documents of a person: what proves who they are, and what they travel on."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models

from retour.accounts.scoping import personal_data_member_state


class DocumentQuerySet(models.QuerySet["IdentityDocument"]):
    def visible_to(self, user: Any) -> DocumentQuerySet:
        """Visible when the person is (``people.Person.objects.visible_to``)."""
        member_state = personal_data_member_state(user)
        if member_state is None:
            return self.none()
        return self.filter(person__member_state_id=member_state)


class IdentityDocument(models.Model):
    """A document that shows identity or nationality, or that a person can travel on.

    Readmission agreements distinguish documents that prove nationality from those that are
    only prima facie evidence of it (e.g. EU–Pakistan agreement, Annexes I and II); the kind
    recorded here is what the dossier evaluation reads.
    """

    class Kind(models.TextChoices):
        PASSPORT = "passport", "passport"
        IDENTITY_CARD = "identity_card", "identity card"
        LAISSEZ_PASSER = "laissez_passer", "laissez-passer / emergency travel document"
        EU_TRAVEL_DOCUMENT = "eu_travel_document", "EU travel document for return"
        RESIDENCE_PERMIT = "residence_permit", "residence permit"
        BIRTH_CERTIFICATE = "birth_certificate", "birth certificate"
        DRIVING_LICENCE = "driving_licence", "driving licence"
        OTHER = "other", "other document"

    class Form(models.TextChoices):
        ORIGINAL = "original", "original"
        COPY = "copy", "copy"

    class ZoneStatus(models.TextChoices):
        NONE = "none", "no machine-readable zone read"
        VERIFIED = "verified", "every check digit valid"
        UNVERIFIED = "unverified", "check digits failed; recorded as unverified by the officer"

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

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["kind", "number"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.id}"

