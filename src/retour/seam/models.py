"""The event log of every subject that is not a case (a person, an identity document, a match
review, an identification mission, a readmission instrument, ...): one append-only row per
action, written by ``retour.seam.pipeline``. A case keeps its own log (``cases.CaseEvent``).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from retour.accounts.scoping import personal_data_member_state


class SubjectEventQuerySet(models.QuerySet["SubjectEvent"]):
    def visible_to(self, user: Any) -> SubjectEventQuerySet:
        """The events of the subjects of the user's member state, for roles that see personal
        data (``retour.accounts.scoping``, as persons). A subject of no member state (a
        readmission instrument, reference data of the Union) is in no one's scope here."""
        member_state = personal_data_member_state(user)
        if member_state is None:
            return self.none()
        return self.filter(member_state=member_state)


class SubjectEvent(models.Model):
    """One action on a subject: who, when, what (a declared event type, ``retour.seam.events``,
    and its payload, checked against the type when written) and why.

    ``subject_kind`` names a subject registered with ``retour.seam.pipeline.subject`` and
    ``subject_key`` the record (its key as text). ``sequence`` numbers the subject's events
    from 1; for a subject with a version field it is the version the event brought it to.
    Append-only, like ``CaseEvent``."""

    subject_kind = models.CharField(max_length=40)
    subject_key = models.CharField(max_length=100)
    sequence = models.PositiveIntegerField()
    type = models.CharField(max_length=50)
    version = models.PositiveSmallIntegerField(default=1)
    payload = models.JSONField(default=dict)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_authority = models.ForeignKey(
        "accounts.Authority", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The member state whose subject it is ('' for none): who may read the event.
    member_state = models.CharField(max_length=2, blank=True)
    reason = models.TextField(blank=True)
    occurred_at = models.DateTimeField()

    objects = SubjectEventQuerySet.as_manager()

    class Meta:
        ordering = ["subject_kind", "subject_key", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["subject_kind", "subject_key", "sequence"],
                                    name="subject_event_sequence"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_kind} {self.subject_key}#{self.sequence} {self.type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("SubjectEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("SubjectEvent is append-only")
