"""Is this person already known? Candidates among the persons of the user's member state.

Three queries whatever the number of persons: the names of the member state (read once, for
how common each token is and for blocking), the document numbers equal to the query's, and
the candidates with their names, nationalities and documents (prefetched). Blocking keeps
persons who share a spelling family or the first letters of a name token with the query, or
a document number; only they are scored.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import Value
from django.db.models.functions import Replace, Upper
from django.utils.translation import gettext as _

from retour.accounts.scoping import personal_data_member_state
from retour.errors import PermissionRefused
from retour.identification.matching.compare import (
    Comparison,
    Record,
    TokenRarity,
    compare,
    document_number,
    name_of,
)
from retour.identification.matching.normalise import NameToken, tokens
from retour.identification.models import IdentityDocument
from retour.people.models import Person, PersonName

PREFIX_LENGTH = 4


@dataclass(frozen=True)
class QueryName:
    surname: str
    given_names: str = ""
    script: str = ""


@dataclass(frozen=True)
class PersonQuery:
    """A person record to look for: as given at intake, any part may be missing."""

    names: list[QueryName]
    birth_year: int | None = None
    birth_month: int | None = None
    birth_day: int | None = None
    sex: str = ""
    nationalities: list[str] = field(default_factory=list)
    document_numbers: list[str] = field(default_factory=list)

    def record(self) -> Record:
        return Record(
            names=tuple(
                name_of(tokens(n.given_names, n.surname), f"{n.given_names} {n.surname}".strip(),
                        n.script)
                for n in self.names if tokens(n.given_names, n.surname)
            ),
            birth_year=self.birth_year, birth_month=self.birth_month, birth_day=self.birth_day,
            sex=self.sex,
            nationalities=frozenset(c.upper() for c in self.nationalities),
            document_numbers=frozenset(
                n for n in (document_number(d) for d in self.document_numbers) if n
            ),
        )


@dataclass(frozen=True)
class Candidate:
    person: Person
    comparison: Comparison


def _blocking_keys(token: NameToken) -> set[str]:
    return {
        token.family, "icao:" + token.icao[:PREFIX_LENGTH],
        "general:" + token.general[:PREFIX_LENGTH],
    }


def _record_of(person: Person) -> Record:
    return Record(
        names=tuple(
            name_of(tokens(n.given_names, n.surname), str(n), n.script)
            for n in person.names.all()
        ),
        birth_year=person.birth_year, birth_month=person.birth_month,
        birth_day=person.birth_day, sex=person.sex,
        nationalities=frozenset(n.country_id for n in person.nationalities.all()),
        document_numbers=frozenset(
            document_number(d.number)
            for d in person.documents.all()  # prefetched
            if d.number
        ),
    )


def find_candidates(
    user: Any, query: PersonQuery, *, limit: int = 10, threshold: float = 0.5
) -> list[Candidate]:
    """The persons of the user's member state that may be the person of ``query``, best
    first, at most ``limit``, each scoring at least ``threshold``. Reading them is the
    caller's to log (it knows the channel and the reason)."""
    if personal_data_member_state(user) is None:
        raise PermissionRefused(
            _("your role does not allow: %(action)s") % {"action": _("see persons and their cases")}
        )
    visible = Person.objects.matchable_by(user)
    record = query.record()
    wanted = set().union(*(_blocking_keys(t) for n in record.names for t in n.tokens))

    families: defaultdict[UUID, set[str]] = defaultdict(set)
    blocked: set[UUID] = set()
    for person_id, surname, given_names in PersonName.objects.filter(
        person__in=visible
    ).values_list("person_id", "surname", "given_names").iterator():
        for token in tokens(given_names, surname):
            families[person_id].add(token.family)
            if _blocking_keys(token) & wanted:
                blocked.add(person_id)
    frequency = Counter(family for found in families.values() for family in found)
    rarity = TokenRarity(len(families), frequency)

    if record.document_numbers:
        blocked.update(_holders_of(visible, record.document_numbers))
    persons = visible.filter(pk__in=blocked).prefetch_related(
        "names", "nationalities", "documents"
    )
    scored = [Candidate(p, compare(record, _record_of(p), rarity)) for p in persons]
    kept = [c for c in scored if c.comparison.total >= threshold]
    kept.sort(key=lambda c: (-c.comparison.total, str(c.person.pk)))
    return kept[:limit]


def _holders_of(visible: Iterable[Person], numbers: frozenset[str]) -> set[UUID]:
    """Persons holding a document with one of ``numbers``, compared in the normalised form
    (the database strips what ``document_number`` strips)."""
    normalised = Upper(Replace(Replace(Replace(
        "number", Value(" "), Value("")), Value("-"), Value("")), Value("."), Value("")))
    return set(
        IdentityDocument.objects.filter(person__in=visible)
        .annotate(normalised=normalised)
        .filter(normalised__in=numbers)
        .values_list("person_id", flat=True)
    )
