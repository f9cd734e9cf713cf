"""The event types of persons, on the person's own log (``retour.seam.models.SubjectEvent``):
registered, family members linked. A vulnerability recorded is the case core's
``vulnerability_recorded``, which the person's log and each open case's log share."""

from __future__ import annotations

from typing import Annotated

from django.utils.translation import gettext_lazy

from retour.people.models import FamilyLink, Sex, Vulnerability
from retour.seam.events import PERSONAL, Payload, declare


class PersonRegistered(Payload):
    """What the registration recorded of the person, without the names (they stay in the
    person's record, where a correction reaches them)."""

    member_state: str
    sex: Annotated[Sex, PERSONAL]
    birth_year: Annotated[int | None, PERSONAL] = None
    birth_month: Annotated[int | None, PERSONAL] = None
    birth_day: Annotated[int | None, PERSONAL] = None
    birth_date_estimated: bool = False
    country_of_birth: Annotated[str | None, PERSONAL] = None
    claimed_nationalities: Annotated[list[str], PERSONAL] = []
    confirmed_nationalities: Annotated[list[str], PERSONAL] = []
    languages: Annotated[list[str], PERSONAL] = []
    # Several kinds are data about health (GDPR Art. 9).
    vulnerabilities: Annotated[list[Vulnerability.Kind], PERSONAL] = []


class FamilyMembersLinked(Payload):
    link: int
    person: Annotated[str, PERSONAL]
    relative: Annotated[str, PERSONAL]
    relation: Annotated[FamilyLink.Relation, PERSONAL]


declare("person_registered", PersonRegistered, label=gettext_lazy("Person registered"))
declare("family_members_linked", FamilyMembersLinked,
        label=gettext_lazy("Family members linked"))
