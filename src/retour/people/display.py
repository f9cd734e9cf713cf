"""How a person is named and placed where they are listed: the pages, the API, the exports.
Shared by ``retour.web`` and ``retour.api``, which import nothing of each other."""

from __future__ import annotations

from collections.abc import Iterable

from retour.people.models import Nationality, PersonName

# What a person's summary reads (names, nationalities, vulnerabilities), to fetch with the
# person so that a list of them costs no query per person.
PERSON_PARTS = ("names", "nationalities", "vulnerabilities")


def display_name(names: Iterable[PersonName]) -> str:
    """The primary name, in Latin script when there is one."""
    ordered = sorted(
        names, key=lambda n: (n.kind != PersonName.Kind.PRIMARY, n.script != "Latn", n.pk)
    )
    if not ordered:
        return ""
    return f"{ordered[0].given_names} {ordered[0].surname}".strip()


def citizenship(nationalities: Iterable[Nationality]) -> str | None:
    """A confirmed nationality before a claimed one."""
    ordered = sorted(nationalities, key=lambda n: (n.status != "confirmed", n.country_id))
    return ordered[0].country_id if ordered else None
