"""A person as the pages show them: every name in its own script, the date of birth as far as
it is known, nationalities, languages, vulnerabilities and family ties.

Family ties come first on a case page because a family travels together while each member's
decisions stay individual (Directive 2008/115/EC Art. 5(b)); vulnerabilities because the
procedure must respect them (Art. 3(9), 5, 10, 14(1)(d)).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from retour import clock, display
from retour.cases.models import ReturnCase
from retour.cases.stages import OPEN_STAGES
from retour.people.display import display_name
from retour.people.family import visible_family_links
from retour.people.health import HEALTH_KINDS, may_see_health
from retour.people.models import FamilyLink, Nationality, Person, PersonName, Sex, Vulnerability

# A family link reads from the person who holds it ("parent of", its ``FamilyLink.Relation``)
# and, the other way round, from the relative ("child of").
RELATIONS_SEEN_FROM_RELATIVE: dict[str, Promise] = {
    FamilyLink.Relation.PARENT_OF: gettext_lazy("child of"),
    FamilyLink.Relation.SPOUSE_OF: gettext_lazy("spouse or partner of"),
    FamilyLink.Relation.SIBLING_OF: gettext_lazy("sibling of"),
    FamilyLink.Relation.GUARDIAN_OF: gettext_lazy("under the guardianship of"),
}


@dataclass(frozen=True)
class ShownName:
    kind: str
    script: str
    surname: str
    given_names: str

    @property
    def full(self) -> str:
        return f"{self.given_names} {self.surname}".strip()


@dataclass(frozen=True)
class Relative:
    person_id: uuid.UUID
    relation: str
    name: str
    case_url: str | None


@dataclass(frozen=True)
class ShownPerson:
    id: uuid.UUID
    name: str
    names: list[ShownName]
    date_of_birth: str
    birth_date_estimated: bool
    sex: str
    nationalities: list[tuple[str, str]]
    languages: list[str]
    place_of_birth: str
    country_of_birth: str
    # (kind, noted on, what it rests on: health data, shown only with the reason)
    vulnerabilities: list[tuple[str, date, str]]
    relatives: list[Relative]
    # Health-related vulnerabilities are recorded but not shown: the user's role may see them
    # once they say why (``retour.people.health``).
    health_withheld: bool = False

    @property
    def shown_person_ids(self) -> list[uuid.UUID]:
        """Everyone whose data the page shows, for the access log."""
        return [self.id, *(r.person_id for r in self.relatives)]


def date_of_birth(person: Person) -> str:
    """As much of the date as is known: ``1994``, ``May 1994`` or ``17 May 1994``."""
    if person.birth_year is None:
        return ""
    if not person.birth_month:
        return str(person.birth_year)
    if not person.birth_day:
        return date_format(date(person.birth_year, person.birth_month, 1), "YEAR_MONTH_FORMAT")
    return date_format(date(person.birth_year, person.birth_month, person.birth_day))


def _case_urls(user: Any, person_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Each person's open case if there is one, else the latest."""
    urls: dict[uuid.UUID, str] = {}
    cases = ReturnCase.objects.visible_to(user).filter(person_id__in=person_ids)
    for case in cases.order_by("opened_at"):
        if case.person_id not in urls or case.stage in OPEN_STAGES:
            urls[case.person_id] = reverse("case", args=[case.pk])
    return urls


def _relatives(person: Person, user: Any) -> list[Relative]:
    links = visible_family_links(person, user)
    seen: list[tuple[Person, str]] = []
    for link in links:
        if link.person_id == person.pk:
            seen.append((link.relative, display.label(FamilyLink.Relation, link.relation)))
        else:
            seen.append((link.person, display.label(RELATIONS_SEEN_FROM_RELATIVE, link.relation)))
    urls = _case_urls(user, [other.pk for other, _ in seen])
    return [
        Relative(other.pk, relation, display_name(other.names.all()), urls.get(other.pk))
        for other, relation in seen
    ]


def shown_person(
    person: Person, user: Any, *, health_reason: str = "", identity_only: bool = False,
) -> ShownPerson:
    """The person as ``user`` may see them: health-related vulnerabilities only for a role
    that needs them and with the reason the user gave (else withheld, or left out for a role
    that never needs them). ``identity_only``: who they are, for a possible match outside
    the user's need to know, without vulnerabilities or relatives."""
    names = list(person.names.all())
    current = [] if identity_only else [
        v for v in person.vulnerabilities.all() if v.ended_on is None]
    health = may_see_health(user)
    shows_health = health and bool(health_reason)
    return ShownPerson(
        id=person.pk,
        name=display_name(names),
        names=[
            ShownName(display.label(PersonName.Kind, n.kind), n.script, n.surname, n.given_names)
            for n in names
        ],
        date_of_birth=date_of_birth(person),
        birth_date_estimated=person.birth_date_estimated,
        sex=display.label(Sex, person.sex),
        nationalities=[
            (display.country_name(n.country), display.label(Nationality.Status, n.status))
            for n in sorted(person.nationalities.all(), key=lambda n: (n.status, n.country_id))
        ],
        languages=list(person.languages),
        place_of_birth=person.place_of_birth,
        country_of_birth=display.country_name(person.country_of_birth),
        vulnerabilities=[
            (display.label(Vulnerability.Kind, v.kind), v.noted_on,
             v.details if shows_health else "")
            for v in current
            if shows_health or v.kind not in HEALTH_KINDS
        ],
        relatives=[] if identity_only else _relatives(person, user),
        health_withheld=health and not shows_health
        and any(v.kind in HEALTH_KINDS or v.details for v in current),
    )


def persons_shown(user: Any, *, matching: bool = False) -> QuerySet[Person]:
    """The persons ``user`` may see (``matching``: may find as a possible match), with what
    ``shown_person`` reads fetched alongside."""
    persons = Person.objects.matchable_by(user) if matching else Person.objects.visible_to(user)
    return persons.select_related("country_of_birth").prefetch_related(
        "names", "nationalities__country", "vulnerabilities"
    )


_HEALTH_REASONS = "retour.health_reasons"  # the session's key
# How long a reason for health details holds for the case it was given for.
HEALTH_REASON_HOLDS = timedelta(minutes=15)


def keep_health_reason(request: HttpRequest, case_id: Any, reason: str) -> None:
    """Keep the user's reason for the health details of a case's person, for a short time."""
    reasons = request.session.get(_HEALTH_REASONS, {})
    reasons[str(case_id)] = {
        "reason": reason, "until": (clock.now() + HEALTH_REASON_HOLDS).isoformat(),
    }
    request.session[_HEALTH_REASONS] = reasons


def given_health_reason(request: HttpRequest, case_id: Any) -> str:
    """The reason the user gave for this case's health details while it holds, else ''."""
    kept = request.session.get(_HEALTH_REASONS, {}).get(str(case_id))
    if not kept or datetime.fromisoformat(kept["until"]) <= clock.now():
        return ""
    return str(kept["reason"])
