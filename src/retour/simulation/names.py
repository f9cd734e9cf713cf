"""Synthetic names per citizenship, in Latin letters and in the original script.

The lists live in ``data/names.toml``: common given and family names, never a real person's
identity. A person from Morocco gets a primary name in Latin letters and the same name in
Arabic script; some get an alias in another transliteration (Mohamed / Mohammed), as happens
when documents and registrations disagree.
"""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from retour.people.actions import NameInput
from retour.people.models import PersonName, Sex

DATA_FILE = Path(__file__).parent / "data" / "names.toml"
LATIN = "Latn"


@dataclass(frozen=True)
class Name:
    spellings: tuple[str, ...]  # in Latin letters, the usual spelling first
    native: str  # in the original script; empty where Latin is the only one


@dataclass(frozen=True)
class NameBook:
    """The names, languages and places of birth of one citizenship."""

    citizenship: str
    script: str
    languages: tuple[str, ...]
    places: tuple[str, ...]
    male: tuple[Name, ...]
    female: tuple[Name, ...]
    family: tuple[Name, ...]
    family_female: tuple[Name, ...]  # empty when family names do not change with sex
    double_surname: bool

    def lineage(self, rng: random.Random) -> tuple[int, ...]:
        """A family's surname, as positions in ``family``: the children of a household share
        it. Spanish custom gives two (the father's and the mother's family name)."""
        count = 2 if self.double_surname else 1
        return tuple(rng.sample(range(len(self.family)), count))

    def names_for(
        self, rng: random.Random, sex: str, lineage: tuple[int, ...]
    ) -> list[NameInput]:
        """The primary name in Latin letters, the same in the original script where there is
        one, and sometimes an alias spelled another way."""
        female = sex == Sex.FEMALE or (sex == Sex.UNSPECIFIED and rng.random() < 0.5)
        given = rng.choice(self.female if female else self.male)
        surname_list = self.family_female if female and self.family_female else self.family
        surname = [surname_list[i] for i in lineage]
        # Most registrations use the usual spelling; some were made from a document that
        # transliterates differently.
        usual = rng.random() < 0.75
        names = [
            NameInput(
                surname=" ".join(_spelling(rng, part, usual) for part in surname),
                given_names=_spelling(rng, given, usual),
                script=LATIN,
            )
        ]
        if self.script != LATIN:
            names.append(
                NameInput(
                    surname=" ".join(part.native for part in surname),
                    given_names=given.native,
                    script=self.script,
                )
            )
        variants = [n for n in (given, *surname) if len(n.spellings) > 1]
        if variants and rng.random() < 0.2:
            alias_given = given.spellings[-1] if len(given.spellings) > 1 else given.spellings[0]
            names.append(
                NameInput(
                    surname=" ".join(part.spellings[-1] for part in surname),
                    given_names=alias_given,
                    kind=PersonName.Kind.ALIAS,
                    script=LATIN,
                )
            )
        return names


def _spelling(rng: random.Random, name: Name, usual: bool) -> str:
    return name.spellings[0] if usual else rng.choice(name.spellings)


def _names(entries: list[list[str]], where: str) -> tuple[Name, ...]:
    names = []
    for entry in entries:
        if not 1 <= len(entry) <= 2 or not entry[0]:
            raise ValueError(
                f"{DATA_FILE.name}: {where}: {entry!r} is not [latin] or [latin, native]"
            )
        names.append(Name(tuple(entry[0].split("/")), entry[1] if len(entry) == 2 else ""))
    return tuple(names)


def _book(code: str, table: dict[str, Any]) -> NameBook:
    book = NameBook(
        citizenship=code,
        script=table["script"],
        languages=tuple(table["languages"]),
        places=tuple(table["places"]),
        male=_names(table["male"], f"{code}.male"),
        female=_names(table["female"], f"{code}.female"),
        family=_names(table["family"], f"{code}.family"),
        family_female=_names(table.get("family_female", []), f"{code}.family_female"),
        double_surname=bool(table.get("double_surname", False)),
    )
    if book.family_female and len(book.family_female) != len(book.family):
        raise ValueError(f"{DATA_FILE.name}: {code}.family_female must match {code}.family")
    everyone = book.male + book.female + book.family + book.family_female
    if any(bool(n.native) == (book.script == LATIN) for n in everyone):
        raise ValueError(
            f"{DATA_FILE.name}: {code}: give every name in script {book.script} its original "
            "form, and none for Latin"
        )
    return book


@cache
def name_books() -> dict[str, NameBook]:
    """The name books by citizenship, read once."""
    tables = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
    return {code: _book(code, table) for code, table in tables.items()}
