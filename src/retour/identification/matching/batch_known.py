"""Batch matching against the persons of one member state, read from the database, with the
reading access-logged.

Every person of the member state is read, in four queries whatever their number (persons,
names, nationalities, document numbers), and only the persons returned as candidates are
named in the access log: the others are compared by the machine and shown to no one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from retour.audit.log import record_access
from retour.identification.matching.batch import BatchCandidate, IncomingRecord, match_batch
from retour.identification.matching.compare import Record
from retour.identification.models import IdentityDocument
from retour.people.models import Nationality, Person, PersonName

PURPOSE = "batch identity matching"


def known_persons(member_state: str) -> list[Record]:
    """All persons of ``member_state`` with their names, nationalities and document numbers."""
    names: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
    for person_id, given, surname in (
        PersonName.objects.filter(person__member_state_id=member_state)
        .values_list("person_id", "given_names", "surname")
        .iterator(chunk_size=10_000)
    ):
        names[str(person_id)].append((given, surname))
    nationalities: defaultdict[str, set[str]] = defaultdict(set)
    for person_id, country in (
        Nationality.objects.filter(person__member_state_id=member_state)
        .values_list("person_id", "country_id")
        .iterator(chunk_size=10_000)
    ):
        nationalities[str(person_id)].add(country)
    documents: defaultdict[str, set[str]] = defaultdict(set)
    for person_id, number in (
        IdentityDocument.objects.filter(person__member_state_id=member_state)
        .exclude(number="")
        .values_list("person_id", "number")
        .iterator(chunk_size=10_000)
    ):
        documents[str(person_id)].add(number)
    persons = []
    for pk, year, month, day, sex in (
        Person.objects.filter(member_state_id=member_state)
        .values_list("id", "birth_year", "birth_month", "birth_day", "sex")
        .order_by("id")
        .iterator(chunk_size=10_000)
    ):
        key = str(pk)
        persons.append(
            Record(
                names=(),
                person_id=key,
                written_names=tuple(names[key]),
                birth_year=year,
                birth_month=month,
                birth_day=day,
                sex=sex,
                nationalities=frozenset(nationalities[key]),
                document_numbers=frozenset(documents[key]),
            )
        )
    return persons


def match_against_member_state(
    records: Sequence[IncomingRecord],
    member_state: str,
    *,
    threshold: float = 0.9,
    user: Any = None,
    channel: str = "cli",
    source: str = "",
) -> list[BatchCandidate]:
    """The candidates among the persons of ``member_state`` for each of ``records`` (see
    ``match_batch``), with one access-log entry naming the persons returned."""
    candidates = match_batch(records, known_persons(member_state), threshold=threshold)
    returned = list(dict.fromkeys(c.person_id for c in candidates))
    record_access(
        user,
        "search",
        "person",
        returned,
        person_ids=returned,
        search_terms={
            "member_state": member_state,
            "records": len(records),
            "threshold": threshold,
            "source": source,
        },
        reason=PURPOSE,
        channel=channel,
    )
    return candidates
