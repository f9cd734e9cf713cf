"""Persons registered a second time: met again months later and registered anew, under another
spelling or from a document in their own script, before anyone looked for an earlier record.
That is what the possible-matches queue is for (BRIEF M3: one identity per person across the
authorities' records); a few seeded persons are registered again and the pairs queued, so that
a demo's queue holds the kind of work it gets in practice.

The second record is made through ``register_person`` and the pairs are queued through
``queue_possible_matches`` by the simulation's officer of the authority that registered the
person first, like the rest of the seeding; nothing is linked or merged: a person decides.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from retour.accounts.models import Authority
from retour.identification.models import MatchReview
from retour.identification.reviews import queue_possible_matches
from retour.people.actions import NameInput, NewPerson, register_person
from retour.people.models import Person, PersonName
from retour.simulation.actors import simulation_user

REASON = "registered again: check for an earlier record"
# How the same name comes out spelt differently from one registration to the next: vowels
# heard differently, consonants doubled or not, one of several transliterations.
SPELLINGS = (
    ("ou", "u"), ("oo", "u"), ("ee", "i"), ("ie", "i"), ("mm", "m"), ("ss", "s"),
    ("kh", "h"), ("ph", "f"), ("y", "i"), ("e", "a"), ("o", "u"), ("a", "e"), ("i", "e"),
)


@dataclass(frozen=True)
class RegisteredAgain:
    first: Person
    again: Person
    queued: list[MatchReview]


def respelt(name: str, chooser: random.Random) -> str:
    """``name`` with one spelling changed (``Youssef`` → ``Yussef``); the name itself when no
    rule applies."""
    lowered = name.lower()
    rules = [(old, new) for old, new in SPELLINGS if old in lowered[1:]]
    if not rules:
        return name
    old, new = chooser.choice(rules)
    at = lowered.index(old, 1)
    changed = name[:at] + new + name[at + len(old):]
    return changed[0].upper() + changed[1:]


def _again(person: Person, chooser: random.Random) -> NewPerson:
    names = list(person.names.all())
    other_script = [n for n in names if n.script not in ("", "Latn")]
    if other_script and chooser.random() < 0.5:
        # Registered from a document in the person's own script: no Latin name at all.
        written = [NameInput(n.surname, n.given_names, PersonName.Kind.PRIMARY, n.script)
                   for n in other_script[:1]]
    else:
        latin = next((n for n in names if n.script == "Latn"), names[0])
        written = [NameInput(respelt(latin.surname, chooser), latin.given_names,
                             PersonName.Kind.PRIMARY, latin.script)]
    year, month, day = person.birth_year, person.birth_month, person.birth_day
    draw = chooser.random()
    if draw < 0.3 and month and day and day <= 12:
        month, day = day, month  # day and month written the other way round
    elif draw < 0.6:
        month = day = None  # only the year was known
    return NewPerson(
        names=written, sex=person.sex, birth_year=year, birth_month=month, birth_day=day,
        birth_date_estimated=month is None,
        claimed_nationalities=[n.country_id for n in person.nationalities.all()],
        languages=list(person.languages),
    )


def register_again(persons: list[Person], *, seed: int, share: float) -> list[RegisteredAgain]:
    """Register about ``share`` of ``persons`` (at least one when there are any) a second
    time, each by the simulation's officer of the authority that registered them, and queue
    the possible matches that the new record finds."""
    chooser = random.Random(seed)
    chosen = chooser.sample(persons, min(len(persons), max(1, round(len(persons) * share))))
    officers: dict[int, object] = {}
    made = []
    for person in chosen:
        authority: Authority = person.registered_by
        officer = officers.setdefault(authority.pk, simulation_user(authority))
        again = register_person(officer, _again(person, chooser), reason=REASON)
        made.append(RegisteredAgain(
            person, again, queue_possible_matches(officer, again.pk, reason=REASON)))
    return made
