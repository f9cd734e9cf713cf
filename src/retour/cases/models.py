"""The return case: its decisions, timers (its deadlines and other due dates), tasks,
hand-overs, event log and milestone row.

Rows here change only through ``retour.cases.actions``; the event log explains every change.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from retour.cases.stages import Stage


class Origin(models.TextChoices):
    NEGATIVE_ASYLUM_DECISION = "negative_asylum_decision", _("negative asylum decision")
    RESIDENCE_PERMIT_ENDED = "residence_permit_ended", _("residence permit refused or withdrawn")
    IRREGULAR_STAY_DETECTED = "irregular_stay_detected", _("irregular stay detected")
    EES_OVERSTAY = "ees_overstay", _("Entry/Exit System overstay")
    BORDER_APPREHENSION = "border_apprehension", _("apprehension at the border")
    MUTUAL_RECOGNITION = "mutual_recognition", _("return decision of another member state")


class Outcome(models.TextChoices):
    RETURNED_VOLUNTARILY = "returned_voluntarily", _("returned voluntarily")
    REMOVED = "removed", _("removed")
    LEFT_TO_OTHER_MEMBER_STATE = "left_to_other_member_state", _("left to another member state")
    ABSCONDED = "absconded", _("absconded")
    LEGAL_STAY_GRANTED = "legal_stay_granted", _("legal stay granted")
    DECISION_WITHDRAWN = "decision_withdrawn", _("decision withdrawn")
    DECEASED = "deceased", _("deceased")
    OTHER = "other", pgettext_lazy("outcome", "other")


class CaseScopedQuerySet(models.QuerySet[Any]):
    """Scoping for rows that belong to a case: visible when their case is (the access policy,
    ``retour.accounts.scoping``, as ``retour.cases.reach`` queries it)."""

    case_prefix = "case__"

    def visible_to(self, user: Any) -> models.QuerySet[Any]:
        # Imported here: the reaches query this module's models.
        from retour.cases import reach

        condition = reach.visible(user)
        if condition is None:
            return self.none()
        if not self.case_prefix:
            return self.filter(condition)
        return self.filter(**{f"{self.case_prefix}in": ReturnCase.objects.filter(condition)})

    def is_visible_to(self, obj: Any, user: Any) -> bool:
        """``visible_to``'s rule for an object already in memory."""
        from retour.cases import reach

        case = obj
        for part in self.case_prefix.split("__")[:-1]:
            case = getattr(case, part)
        return reach.sees(case, user)


class ReturnCaseQuerySet(CaseScopedQuerySet):
    case_prefix = ""


class ReturnCase(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=20, unique=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    member_state = models.ForeignKey(
        "reference.Country", on_delete=models.PROTECT, related_name="+"
    )
    origin = models.CharField(max_length=30, choices=Origin.choices)
    origin_member_state = models.ForeignKey(
        "reference.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The member state whose return decision is recognised (mutual recognition).",
    )
    stage = models.CharField(max_length=30, choices=Stage.choices, default=Stage.REGISTERED)
    stage_before_suspension = models.CharField(max_length=30, choices=Stage.choices, blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(blank=True)
    responsible_authority = models.ForeignKey(
        "accounts.Authority", on_delete=models.PROTECT, related_name="cases"
    )
    assigned_officer = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    voluntary_departure_ends_on = models.DateField(null=True, blank=True)
    removal_planned_on = models.DateField(null=True, blank=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    objects = ReturnCaseQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["member_state", "stage"]),
            models.Index(fields=["member_state", "-opened_at"]),
            models.Index(fields=["stage", "voluntary_departure_ends_on"]),
            # What the case list counts by (who may see the case: the member state, the
            # responsible authority, the assigned officer) and what a search matches (the
            # person, the number), with the key: the count of a list or of a search by name
            # or number reads this index only, not the cases (issue 13; key columns rather
            # than INCLUDE, which SQLite has not).
            models.Index(
                fields=[
                    "member_state", "responsible_authority", "assigned_officer", "id", "person",
                    "number",
                ],
                name="cases_returncase_visible_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Decision(models.Model):
    """A decision of the return procedure, with date, issuing authority and legal basis.

    One table for the kinds; each kind uses its own columns (validated by the actions).
    """

    class Kind(models.TextChoices):
        END_OF_LEGAL_STAY = "end_of_legal_stay", _("end of legal stay")
        BEST_INTERESTS_ASSESSMENT = "best_interests_assessment", _("best-interests assessment")
        RETURN_DECISION = "return_decision", _("return decision")
        VOLUNTARY_DEPARTURE_EXTENSION = (
            "voluntary_departure_extension",
            _("extension of the voluntary-departure period"),
        )
        ENTRY_BAN = "entry_ban", _("entry ban")
        APPEAL = "appeal", _("appeal")
        POSTPONEMENT = "postponement", _("postponement of removal")
        RECEPTION_VERIFIED = "reception_verified", _("reception in the country of return verified")
        WITHDRAWAL = "withdrawal", _("withdrawal of the return decision")

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("in force")
        PENDING = "pending", pgettext_lazy("decision", "pending")
        ENDED = "ended", _("ended")
        ANNULLED = "annulled", _("annulled")
        WITHDRAWN = "withdrawn", _("withdrawn")

    # Fixed code sets the decision actions check (``retour.cases.actions.decisions``): the
    # columns ``shortened_departure_reason``, ``postponement_ground`` and ``appeal_outcome``
    # hold them; an extension's reason is written, in words, into ``reason``.
    class ShortenedDepartureReason(models.TextChoices):
        """Why a return decision gives fewer than the minimum days for voluntary departure
        (Directive 2008/115/EC Art. 7(4))."""

        RISK_OF_ABSCONDING = "risk_of_absconding", _("risk of absconding")
        MANIFESTLY_UNFOUNDED_APPLICATION = (
            "manifestly_unfounded_application",
            _("application manifestly unfounded or fraudulent"),
        )
        THREAT_TO_PUBLIC_ORDER = (
            "threat_to_public_order",
            _("threat to public policy, public security or national security"),
        )

    class ExtensionReason(models.TextChoices):
        """Why the voluntary-departure period is extended (Directive 2008/115/EC Art. 7(2))."""

        LENGTH_OF_STAY = "length_of_stay", _("length of stay")
        CHILDREN_AT_SCHOOL = "children_at_school", _("children attending school")
        FAMILY_AND_SOCIAL_LINKS = "family_and_social_links", _("family and social links")
        OTHER = "other", _("other specific circumstances")

    class PostponementGround(models.TextChoices):
        """Why removal is postponed (Directive 2008/115/EC Art. 9)."""

        NON_REFOULEMENT = "non_refoulement", _("non-refoulement (mandatory)")
        SUSPENSIVE_EFFECT = "suspensive_effect", _("suspensive effect of an appeal (mandatory)")
        PHYSICAL_OR_MENTAL_STATE = (
            "physical_or_mental_state", _("physical or mental state of the person")
        )
        TECHNICAL_REASONS = (
            "technical_reasons", _("technical reasons, e.g. no transport or no identification")
        )

    class AppealOutcome(models.TextChoices):
        DISMISSED = "dismissed", _("dismissed")
        GRANTED = "granted", _("granted: the contested decision is annulled")
        WITHDRAWN = "withdrawn", _("withdrawn by the appellant")

    case = models.ForeignKey(ReturnCase, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.IN_FORCE)
    decided_on = models.DateField()
    notified_on = models.DateField(null=True, blank=True)
    issuing_authority = models.ForeignKey(
        "accounts.Authority", on_delete=models.PROTECT, related_name="+"
    )
    legal_basis = models.CharField(max_length=200)
    reference = models.CharField(max_length=60, blank=True)
    # return decision
    voluntary_departure_days = models.PositiveSmallIntegerField(null=True, blank=True)
    shortened_departure_reason = models.CharField(max_length=40, blank=True)
    # voluntary-departure extension
    extension_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # entry ban
    ban_years = models.PositiveSmallIntegerField(null=True, blank=True)
    ban_months = models.PositiveSmallIntegerField(null=True, blank=True)
    # appeal
    contested = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="appeals"
    )
    suspensive = models.BooleanField(null=True, blank=True)
    appeal_outcome = models.CharField(max_length=20, blank=True)
    # postponement
    postponement_ground = models.CharField(max_length=30, blank=True)
    # common
    ends_on = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        ordering = ["decided_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.decided_on}"


class Timer(models.Model):
    """A legal or operational due date: what it belongs to (``subject`` and ``subject_key``,
    on a case), its kind, when it started and is due, the rule it was counted by and that
    rule's source, the authority that must act, and whether it is still running.

    Its kind is one the case core or another app registers (``retour.cases.timers``), which
    says who must act, whether its passing makes work overdue and what the daily tick does
    then. A case's own timers (its deadlines) keep the legal parameter that set them
    (``parameter``) and the decision they follow from (``decision``)."""

    class Kind(models.TextChoices):
        """The case core's own kinds of due date (``retour.cases.timers`` registers them)."""

        RETURN_DECISION_DUE = "return_decision_due", _("return decision due")
        VOLUNTARY_DEPARTURE_END = "voluntary_departure_end", _("end of voluntary departure")
        APPEAL_PERIOD_END = "appeal_period_end", _("end of the period to appeal")
        ENTRY_BAN_END = "entry_ban_end", _("end of the entry ban")
        POSTPONEMENT_END = "postponement_end", _("end of the postponement")
        HANDOVER_ACCEPTANCE = "handover_acceptance", _("hand-over to be accepted")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("deadline", "open")
        MET = "met", _("met")
        LAPSED = "lapsed", _("lapsed")
        CANCELLED = "cancelled", pgettext_lazy("deadline", "cancelled")

    case = models.ForeignKey(ReturnCase, on_delete=models.PROTECT, related_name="timers")
    subject = models.CharField(
        max_length=40, default="case", help_text="the kind of record the due date belongs to"
    )
    subject_key = models.CharField(max_length=64, help_text="that record's key, as text")
    kind = models.CharField(max_length=50)
    starts_on = models.DateField()
    due_on = models.DateField()
    rule = models.CharField(
        max_length=100, blank=True,
        help_text="the rule that set the due date: a legal parameter's code, an instrument's "
                  "rule name; empty when a decision or a document gives the date",
    )
    source = models.TextField(blank=True, help_text="the rule's source, as the rule gives it")
    authority = models.ForeignKey(
        "accounts.Authority", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="the authority that must act; none when the person or another state must",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="timers"
    )
    parameter = models.ForeignKey(
        "reference.LegalParameter", on_delete=models.PROTECT, null=True, blank=True
    )
    closed_on = models.DateField(null=True, blank=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        # (case, status): without it SQLite answers "this case's open timers" from the
        # (status, due_on) index, reading every open timer of every case. (subject,
        # subject_key): the timers of one record that is not a case (a request to a state).
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["case", "status"]),
            models.Index(fields=["subject", "subject_key", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.due_on}"


class Task(models.Model):
    """A piece of work an authority owes on a case, with its due date (M8, M9).

    Its kind is one the case core or another app registers (``retour.cases.tasks``)."""

    class Kind(models.TextChoices):
        """The case core's own kinds of work."""

        ISSUE_RETURN_DECISION = "issue_return_decision", _("issue the return decision")
        PREPARE_FORCED_RETURN = "prepare_forced_return", _("prepare forced return")
        ISSUE_ENTRY_BAN = "issue_entry_ban", _("issue the mandatory entry ban")
        ACCEPT_HANDOVER = "accept_handover", _("accept or return the hand-over")
        REVIEW_POSTPONEMENT = "review_postponement", _("review the postponement of removal")
        ASSESS_BEST_INTERESTS = (
            "assess_best_interests", _("assess the best interests of the child")
        )

    class Status(models.TextChoices):
        OPEN = "open"
        DONE = "done"
        CANCELLED = "cancelled"

    case = models.ForeignKey(ReturnCase, on_delete=models.PROTECT, related_name="tasks")
    kind = models.CharField(max_length=30)
    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["authority", "status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.kind} by {self.due_on}"


class Handover(models.Model):
    """A case sent from one authority to another; it moves only when the receiver accepts
    (M9: the case never sits with nobody)."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("hand-over", "waiting for acceptance")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned")

    case = models.ForeignKey(ReturnCase, on_delete=models.PROTECT, related_name="handovers")
    from_authority = models.ForeignKey(
        "accounts.Authority", on_delete=models.PROTECT, related_name="+"
    )
    to_authority = models.ForeignKey(
        "accounts.Authority", on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    sent_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()
    answered_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_reason = models.TextField(blank=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="pending"),
                name="one_pending_handover_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"hand-over to {self.to_authority_id} ({self.status})"


class CaseEvent(models.Model):
    """One business action on a case: who, when, what, why, and the values it changed.

    Append-only: the history and the change audit of the case. ``type`` names a declared
    event type (``retour.seam.events``) and ``version`` the version of its schema the payload
    was written under; ``payload`` holds what the event records, including the case's own
    fields it changed, whose earlier values are in ``old_values``.
    """

    case = models.ForeignKey(ReturnCase, on_delete=models.PROTECT, related_name="events")
    sequence = models.PositiveIntegerField()
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_authority = models.ForeignKey(
        "accounts.Authority", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    type = models.CharField(max_length=50)
    version = models.PositiveSmallIntegerField(default=1)
    reason = models.TextField(blank=True)
    old_values = models.JSONField(default=dict)
    payload = models.JSONField(default=dict)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        ordering = ["case_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sequence"], name="event_sequence"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.sequence} {self.type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("CaseEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("CaseEvent is append-only")


class CaseMilestones(models.Model):
    """The accumulating-snapshot fact row of a case: its milestone dates and dimensions.

    Derived from the event log only (``retour.cases.milestones.apply``), so it can always be
    rebuilt and checked against the events. It is the main projection: the other apps keep
    their milestones in tables of their own beside it (``retour.seam.projections``), which the
    statistics extract joins to it.
    """

    case = models.OneToOneField(
        ReturnCase, on_delete=models.CASCADE, primary_key=True, related_name="milestones"
    )
    member_state = models.CharField(max_length=2)
    citizenship = models.CharField(max_length=2, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    minor = models.BooleanField(default=False)
    unaccompanied_minor = models.BooleanField(default=False)
    origin = models.CharField(max_length=30)
    # The code of the responsible authority, as the events set it (opening, accepted
    # hand-overs): the dashboards compare authorities.
    authority = models.CharField(max_length=40, blank=True)
    opened_on = models.DateField()
    legal_stay_ended_on = models.DateField(null=True, blank=True)
    return_decision_on = models.DateField(null=True, blank=True)
    voluntary_departure_days = models.PositiveSmallIntegerField(null=True, blank=True)
    voluntary_departure_ends_on = models.DateField(null=True, blank=True)
    voluntary_departure_expired_on = models.DateField(null=True, blank=True)
    entry_ban_on = models.DateField(null=True, blank=True)
    appeal_lodged_on = models.DateField(null=True, blank=True)
    suspended_since = models.DateField(null=True, blank=True)
    suspended_days = models.PositiveIntegerField(default=0)
    removal_scheduled_on = models.DateField(null=True, blank=True)
    absconded_on = models.DateField(null=True, blank=True)
    departed_on = models.DateField(null=True, blank=True)
    return_type = models.CharField(max_length=10, blank=True, help_text="voluntary / enforced")
    assisted = models.BooleanField(null=True, blank=True)
    destination = models.CharField(max_length=2, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=30, blank=True)
    stage = models.CharField(max_length=30)
    event_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "case milestones"

    def __str__(self) -> str:
        return f"milestones of {self.case_id}"


class CaseNumberCounter(models.Model):
    """The last case number given per member state and year (locked while numbering)."""

    member_state = models.CharField(max_length=2)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member_state", "year"], name="one_counter"),
        ]

    def __str__(self) -> str:
        return f"{self.member_state}-{self.year}: {self.last}"
