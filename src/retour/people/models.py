"""Third-country nationals whose return cases Retour holds.

Only synthetic persons ever enter a development or test database.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from retour.accounts.scoping import Reach, case_reach, personal_data_member_state
from retour.encryption.fields import EncryptedTextField

# The ways a person comes within a user's need to know, beyond being registered by the user's
# authority: each app whose data brings a person there registers its condition on ``Person``
# in its ``reach`` module (the case core: a case the user sees; identification: a possible
# match waiting for the user's review), so persons name none of them.
PersonReach = Callable[[Any], Q]
_REACHES: list[PersonReach] = []


def register_reach(query: PersonReach) -> None:
    """Say which persons ``query`` (the user → a condition on ``Person``) brings within a
    user's need to know."""
    _REACHES.append(query)


# Why a user who sees a person may still not take a step on them, or None: the apps whose
# records a step on the person changes register a rule (the case core: a family link changes
# what the person's cases hold, so only an authority acting on each of them records it).
ActingRule = Callable[[Any, "Person", str], "str | None"]
_ACTING_RULES: list[ActingRule] = []


def register_acting_rule(rule: ActingRule) -> None:
    _ACTING_RULES.append(rule)


def acting_refusal(user: Any, person: Person, action: str) -> str | None:
    """The first registered rule's refusal of ``action`` on ``person`` by ``user``, or None."""
    return next((why for rule in _ACTING_RULES if (why := rule(user, person, action))), None)


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user: Any) -> PersonQuerySet:
        """The persons ``user`` needs to know (GDPR Art. 5(1)(c), 25; ADR 0016): those their
        authority registered, those the apps' reaches bring to them, and for a role that sees
        every case of the member state (the auditor), every person of it."""
        member_state = personal_data_member_state(user)
        if member_state is None:
            return self.none()
        persons = self.filter(member_state_id=member_state)
        if Reach.MEMBER_STATE in case_reach(user):
            return persons
        either = Q(registered_by_id=user.authority_id)
        for query in _REACHES:
            either |= query(user)
        return persons.filter(either)

    def is_visible_to(self, person: Person, user: Any) -> bool:
        """``visible_to``'s rule for a person already in memory."""
        member_state = personal_data_member_state(user)
        if member_state is None or person.member_state_id != member_state:
            return False
        if person.registered_by_id == user.authority_id:
            return True
        return self.visible_to(user).filter(pk=person.pk).exists()

    def matchable_by(self, user: Any) -> PersonQuerySet:
        """Every person of the user's member state, for finding whether someone is already
        registered: one person, one file (GDPR Art. 5(1)(d) accuracy), which only works across
        authorities. What a match shows of a person outside ``visible_to`` is the caller's to
        limit."""
        member_state = personal_data_member_state(user)
        if member_state is None:
            return self.none()
        return self.filter(member_state_id=member_state)


class Sex(models.TextChoices):
    FEMALE = "F", _("female")
    MALE = "M", _("male")
    UNSPECIFIED = "X", _("unspecified")


class Person(models.Model):
    """A third-country national known to one member state's return authorities.

    Date of birth may be partial (year only, year and month) or estimated, as it so often is
    when no document exists; the parts are kept apart so nothing is invented.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member_state = models.ForeignKey(
        "reference.Country", on_delete=models.PROTECT, related_name="+"
    )
    registered_by = models.ForeignKey(
        "accounts.Authority", on_delete=models.PROTECT, related_name="+"
    )
    sex = models.CharField(max_length=1, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_date_estimated = models.BooleanField(default=False)
    place_of_birth = models.CharField(max_length=200, blank=True)
    country_of_birth = models.ForeignKey(
        "reference.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    languages = models.JSONField(default=list, blank=True, help_text="BCP 47 language tags")
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    objects = PersonQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["member_state", "birth_year"])]

    def __str__(self) -> str:
        return f"person {self.id}"

    @property
    def date_of_birth_display(self) -> str:
        """ISO 8601 reduced precision (``1990``, ``1990-04``, ``1990-04-17``); ``~`` = estimated."""
        if self.birth_year is None:
            return ""
        text = f"{self.birth_year:04d}"
        if self.birth_month:
            text += f"-{self.birth_month:02d}"
            if self.birth_day:
                text += f"-{self.birth_day:02d}"
        return f"~{text}" if self.birth_date_estimated else text


class PersonName(models.Model):
    """A name of a person in one script: the primary name (in Latin and original script),
    names at birth, previously used names and aliases (Reg. (EU) 2018/1860 Art. 4(1)(a)-(d))."""

    class Kind(models.TextChoices):
        PRIMARY = "primary", _("name")
        AT_BIRTH = "at_birth", _("name at birth")
        PREVIOUS = "previous", _("previously used name")
        ALIAS = "alias", _("alias")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    script = models.CharField(max_length=4, help_text="ISO 15924 code, e.g. Latn, Arab, Cyrl")
    surname = models.CharField(max_length=200, blank=True)
    given_names = models.CharField(max_length=200, blank=True)
    search_key = models.CharField(
        max_length=420, db_index=True, help_text="Lower-case ASCII transliteration for search"
    )

    class Meta:
        ordering = ["person_id", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.given_names} {self.surname}".strip()


class Nationality(models.Model):
    class Status(models.TextChoices):
        CLAIMED = "claimed", _("claimed")
        CONFIRMED = "confirmed", _("confirmed")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="nationalities")
    country = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "country"], name="one_nationality_row"),
        ]

    def __str__(self) -> str:
        return f"{self.country_id} ({self.status})"


class Vulnerability(models.Model):
    """A vulnerability under Directive 2008/115/EC Art. 3(9), which the procedure must respect
    (Art. 5 best interests of the child, Art. 10 unaccompanied minors, Art. 14(1)(d))."""

    class Kind(models.TextChoices):
        MINOR = "minor", _("minor")
        UNACCOMPANIED_MINOR = "unaccompanied_minor", _("unaccompanied minor")
        DISABILITY = "disability", _("disability")
        PREGNANCY = "pregnancy", _("pregnancy")
        SERIOUS_ILLNESS = "serious_illness", _("serious illness")
        VICTIM_OF_TRAFFICKING = "victim_of_trafficking", _("victim of trafficking")
        VICTIM_OF_TORTURE = "victim_of_torture", _("victim of torture or serious violence")
        ELDERLY = "elderly", _("elderly person")
        SINGLE_PARENT = "single_parent", _("single parent with minor children")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="vulnerabilities")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    noted_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    # What it rests on (a medical report, an age assessment): health data, a special category
    # (Regulation (EU) 2016/679 Art. 9), encrypted at rest and shown only for a recorded
    # reason; never copied into the case history or the access log.
    details = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["noted_on", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class FamilyLink(models.Model):
    """A family tie between two persons of the same member state. A family travels together;
    each member's decisions stay individual (Directive 2008/115/EC Art. 5(b), 14(1)(a))."""

    class Relation(models.TextChoices):
        PARENT_OF = "parent_of", _("parent of")
        SPOUSE_OF = "spouse_of", _("spouse or partner of")
        SIBLING_OF = "sibling_of", _("sibling of")
        GUARDIAN_OF = "guardian_of", _("guardian of")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="family_links")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    relation = models.CharField(max_length=12, choices=Relation.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "relative"], name="one_family_link"),
            models.CheckConstraint(
                condition=~models.Q(person=models.F("relative")), name="no_self_family_link"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.relation} {self.relative_id}"
