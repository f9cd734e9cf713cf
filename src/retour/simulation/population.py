"""Who the synthetic persons are: households, sex, ages, birth dates and vulnerabilities.

Proportions are rough impressions of return caseloads (mostly young single men, some
families, a few unaccompanied minors), good enough for a demo, not statistics.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from retour.people.actions import NewPerson
from retour.people.models import FamilyLink, Sex, Vulnerability
from retour.simulation.names import NameBook

V = Vulnerability.Kind


class Kind:
    """Kinds of household; each member gets a case of their own (Directive 2008/115/EC
    Art. 5(b): a family travels together, but each decision is individual)."""

    SINGLE = "single"
    COUPLE = "couple"
    FAMILY = "family"
    UNACCOMPANIED_MINOR = "unaccompanied_minor"


KIND_WEIGHTS = {Kind.SINGLE: 82, Kind.COUPLE: 4, Kind.FAMILY: 11, Kind.UNACCOMPANIED_MINOR: 3}


@dataclass(frozen=True)
class Shape:
    kind: str
    adults: int
    children: int

    @property
    def size(self) -> int:
        return self.adults + self.children


@dataclass
class Members:
    persons: list[NewPerson]
    links: list[tuple[int, int, str]]  # (person, relative, relation) by position in persons


def choose_shape(rng: random.Random, room: int) -> Shape:
    """The household's kind and size, never more persons than ``room`` cases left to seed."""
    kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
    if kind == Kind.COUPLE and room >= 2:
        return Shape(kind, 2, 0)
    if kind == Kind.FAMILY and room >= 2:
        adults = rng.choice((1, 2, 2))
        children = min(rng.choice((1, 1, 2, 2, 3)), room - adults)
        if children >= 1:
            return Shape(kind, adults, children)
    if kind == Kind.UNACCOMPANIED_MINOR:
        return Shape(kind, 0, 1)
    return Shape(Kind.SINGLE, 1, 0)


def members(
    rng: random.Random, book: NameBook, shape: Shape, opened_on: date, *,
    recorded_later: frozenset[str] = frozenset(),
) -> Members:
    """The persons of a household as registered on ``opened_on``. Vulnerabilities in
    ``recorded_later`` are left out for the first member: the storyline records them itself."""
    lineage = book.lineage(rng)
    confirmed = rng.random() < 0.35  # a travel document was seen at registration
    persons: list[NewPerson] = []
    links: list[tuple[int, int, str]] = []
    if shape.kind == Kind.UNACCOMPANIED_MINOR:
        minor: list[str] = [V.UNACCOMPANIED_MINOR]
        if rng.random() < 0.04:
            minor.append(V.VICTIM_OF_TRAFFICKING)
        persons.append(_person(rng, book, lineage, Sex.MALE if rng.random() < 0.88 else Sex.FEMALE,
                               opened_on, _unaccompanied_age(rng), minor, confirmed,
                               estimated_year_only=True))
        return Members(persons, links)

    adult_sexes = _adult_sexes(rng, shape)
    youngest_parent = 200.0
    for sex in adult_sexes:
        age = _adult_age(rng, parent=shape.children > 0)
        youngest_parent = min(youngest_parent, age)
        vulnerabilities = _adult_vulnerabilities(rng, sex, age)
        if shape.children and shape.adults == 1:
            vulnerabilities.append(V.SINGLE_PARENT)
        persons.append(_person(rng, book, lineage, sex, opened_on, age, vulnerabilities,
                               confirmed))
    if shape.adults == 2:
        links.append((0, 1, FamilyLink.Relation.SPOUSE_OF))
    for _ in range(shape.children):
        age = rng.uniform(0.2, min(17.5, youngest_parent - 18))
        persons.append(_person(rng, book, lineage, rng.choice((Sex.MALE, Sex.FEMALE)), opened_on,
                               age, [], confirmed))
        child = len(persons) - 1
        links.extend(
            (parent, child, FamilyLink.Relation.PARENT_OF) for parent in range(shape.adults)
        )
    if recorded_later:
        persons[0].vulnerabilities = [
            v for v in persons[0].vulnerabilities if v not in recorded_later
        ]
    return Members(persons, links)


def _adult_sexes(rng: random.Random, shape: Shape) -> list[str]:
    if shape.adults == 2:
        return [Sex.MALE, Sex.FEMALE]
    if shape.children:  # a lone parent is more often the mother
        return [Sex.FEMALE if rng.random() < 0.7 else Sex.MALE]
    roll = rng.random()
    return [Sex.MALE if roll < 0.74 else Sex.FEMALE if roll < 0.995 else Sex.UNSPECIFIED]


def _adult_age(rng: random.Random, *, parent: bool) -> float:
    if parent:
        return rng.uniform(24, 50)
    if rng.random() < 0.015:
        return rng.uniform(63, 78)
    return 18 + rng.triangular(0, 42, 9)


def _unaccompanied_age(rng: random.Random) -> float:
    return rng.uniform(14.2, 17.8)


def _adult_vulnerabilities(rng: random.Random, sex: str, age: float) -> list[str]:
    found: list[str] = []
    chances = [
        (V.SERIOUS_ILLNESS, 0.03),
        (V.DISABILITY, 0.02),
        (V.VICTIM_OF_TORTURE, 0.015),
        (V.VICTIM_OF_TRAFFICKING, 0.04 if sex == Sex.FEMALE else 0.005),
        (V.PREGNANCY, 0.04 if sex == Sex.FEMALE and age < 42 else 0.0),
    ]
    for kind, chance in chances:
        if rng.random() < chance:
            found.append(kind)
    if age >= 65:
        found.append(V.ELDERLY)
    return found


def _person(
    rng: random.Random, book: NameBook, lineage: tuple[int, ...], sex: str, opened_on: date,
    age: float, vulnerabilities: list[str], confirmed: bool, *, estimated_year_only: bool = False,
) -> NewPerson:
    born = opened_on - timedelta(days=int(age * 365.25))
    year, month, day, estimated = _birth_date(
        rng, born, child=age < 18, year_only=estimated_year_only
    )
    nationality = [book.citizenship]
    return NewPerson(
        names=book.names_for(rng, sex, lineage),
        sex=sex,
        birth_year=year,
        birth_month=month,
        birth_day=day,
        birth_date_estimated=estimated,
        place_of_birth=rng.choice(book.places) if rng.random() < 0.8 else "",
        country_of_birth=book.citizenship if rng.random() < 0.9 else None,
        claimed_nationalities=[] if confirmed else nationality,
        confirmed_nationalities=nationality if confirmed else [],
        languages=list(book.languages if age >= 12 else book.languages[:1]),
        vulnerabilities=vulnerabilities,
    )


def _birth_date(
    rng: random.Random, born: date, *, child: bool, year_only: bool
) -> tuple[int, int | None, int | None, bool]:
    """How much of the date of birth is known: often all of it, often only the year (an
    estimate after an age assessment), sometimes a conventional 1 January."""
    if year_only:
        return born.year, None, None, True
    known = rng.choices(
        ("full", "month", "year", "first_of_january"),
        weights=(88, 4, 4, 4) if child else (60, 12, 20, 8),
    )[0]
    if known == "full":
        return born.year, born.month, born.day, rng.random() < 0.03
    if known == "month":
        return born.year, born.month, None, rng.random() < 0.3
    if known == "year":
        return born.year, None, None, rng.random() < 0.8
    return born.year, 1, 1, True
