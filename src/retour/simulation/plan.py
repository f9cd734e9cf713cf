"""The plan of a synthetic caseload: households, their persons and the dated steps of their
cases, drawn from one seeded random generator and nothing else.

The plan touches no database, so the same seed, size, simulated today and member states give
the same plan, step for step; ``retour.simulation.replay`` then performs it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, tzinfo

from retour.cases.stages import Stage
from retour.people.actions import NewPerson
from retour.simulation import population
from retour.simulation.names import name_books
from retour.simulation.story import Desk, Rules, Step, Story
from retour.simulation.storylines import STORYLINES, Storyline

# Rough shares of the return caseload (return decisions issued) among the demo member states.
MEMBER_STATE_WEIGHTS = {"FR": 28, "DE": 27, "NL": 16, "BE": 15, "SE": 14}
OTHER_MEMBER_STATE_WEIGHT = 10

# Rough shares of citizenships among persons ordered to leave, and where a member state's
# caseload leans towards some of them (language, history, routes).
CITIZENSHIP_WEIGHTS = {
    "MA": 10, "DZ": 9, "TN": 5, "IQ": 5, "SY": 4, "AF": 6, "PK": 5, "BD": 4, "NG": 3, "GN": 4,
    "GM": 2, "SN": 3, "GE": 5, "AL": 5, "UA": 1, "RU": 2, "TR": 6, "ER": 2, "SO": 2, "LK": 1,
    "VN": 2, "IN": 4, "CN": 2, "CO": 3, "VE": 2,
}
LEANINGS: dict[str, dict[str, float]] = {
    "FR": {"DZ": 3, "MA": 2, "TN": 2, "GN": 1.5, "SN": 2},
    "DE": {"SY": 2, "AF": 2, "TR": 2, "GE": 2, "IQ": 1.5},
    "NL": {"MA": 2, "DZ": 1.5, "GE": 1.5},
    "BE": {"MA": 2, "DZ": 1.5, "ER": 1.5},
    "SE": {"IQ": 2, "AF": 2, "SO": 2, "ER": 2},
}


@dataclass
class Household:
    member_state: str
    citizenship: str
    kind: str
    storyline: str
    stage: Stage  # where every member's case ends up
    persons: list[NewPerson]
    links: list[tuple[int, int, str]]
    steps: list[Step]


def plan(
    *, seed: int, cases: int, today: date, desks: list[Desk], rules: dict[str, Rules],
    zone: tzinfo,
) -> list[Household]:
    """Households with ``cases`` persons in all, one case each, lived up to ``today``."""
    rng = random.Random(seed)
    books = name_books()
    ms_weights = [MEMBER_STATE_WEIGHTS.get(d.member_state, OTHER_MEMBER_STATE_WEIGHT)
                  for d in desks]
    households: list[Household] = []
    planned = 0
    while planned < cases:
        desk = rng.choices(desks, weights=ms_weights)[0]
        citizenship = _citizenship(rng, desk.member_state)
        shape = population.choose_shape(rng, cases - planned)
        storyline = _storyline(rng, shape)
        story = Story(rng, desk, rules[desk.member_state], citizenship,
                      unaccompanied=shape.kind == population.Kind.UNACCOMPANIED_MINOR)
        storyline.build(story)
        opened_on = story.opening_day(today)
        members = population.members(rng, books[citizenship], shape, opened_on,
                                     recorded_later=frozenset(story.recorded_later))
        households.append(Household(
            member_state=desk.member_state,
            citizenship=citizenship,
            kind=shape.kind,
            storyline=storyline.name,
            stage=storyline.stage,
            persons=members.persons,
            links=members.links,
            steps=story.steps(opened_on, zone),
        ))
        planned += shape.size
    return households


def _citizenship(rng: random.Random, member_state: str) -> str:
    leaning = LEANINGS.get(member_state, {})
    codes = list(CITIZENSHIP_WEIGHTS)
    weights = [CITIZENSHIP_WEIGHTS[c] * leaning.get(c, 1) for c in codes]
    return rng.choices(codes, weights=weights)[0]


def _storyline(rng: random.Random, shape: population.Shape) -> Storyline:
    if shape.kind == population.Kind.UNACCOMPANIED_MINOR:
        eligible = [s for s in STORYLINES if s.for_unaccompanied_minors]
    elif shape.size > 1:
        eligible = [s for s in STORYLINES if s.for_families]
    else:
        eligible = list(STORYLINES)
    return rng.choices(eligible, weights=[s.weight for s in eligible])[0]
