"""The plan of a synthetic caseload, without a database: deterministic, complete, plausible."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from retour.cases.stages import Stage
from retour.people.models import PersonName
from retour.simulation.names import LATIN, name_books
from retour.simulation.plan import plan
from retour.simulation.population import Kind
from retour.simulation.story import Desk, Rules

TODAY = date(2026, 6, 1)
ZONE = ZoneInfo("Europe/Brussels")
DESKS = [
    Desk("NL", "nl-dtv", "nl-avim", "nl-ind"),
    Desk("SE", "se-migrationsverket", "se-polisen", "se-migrationsverket"),
]
RULES = {
    "NL": Rules(7, 28, 5, 28, 7),
    "SE": Rules(7, 30, 5, 21, 7),
}


def _plan(seed: int, cases: int = 300) -> list:
    return plan(seed=seed, cases=cases, today=TODAY, desks=DESKS, rules=RULES, zone=ZONE)


def test_the_same_seed_gives_the_same_plan_and_another_seed_another():
    first, again, other = _plan(7), _plan(7), _plan(8)
    assert first == again
    assert [h.persons for h in first] != [h.persons for h in other]
    assert [h.steps for h in first] != [h.steps for h in other]


def test_one_case_per_person_and_exactly_the_number_asked_for():
    for cases in (1, 2, 57):
        households = _plan(3, cases)
        assert sum(len(h.persons) for h in households) == cases
        for household in households:
            opening = household.steps[0]
            assert opening.action == "open_case"
            assert household.member_state in {"NL", "SE"}


def test_every_stage_and_kind_of_household_is_planned():
    households = _plan(11)
    assert {h.stage for h in households} == set(Stage)
    assert set(Counter(h.kind for h in households)) == {
        Kind.SINGLE, Kind.COUPLE, Kind.FAMILY, Kind.UNACCOMPANIED_MINOR
    }
    closing = Counter(
        s.params["outcome"] for h in households for s in h.steps if s.action == "close_case"
    )
    assert len(closing) >= 6


def test_histories_lie_in_the_past_two_years_in_order_of_time():
    start_of_today = datetime.combine(TODAY, time(), ZONE)
    for household in _plan(5):
        moments = [s.at for s in household.steps]
        assert moments == sorted(moments) and len(set(moments)) == len(moments)
        assert moments[-1] < start_of_today
        assert (TODAY - moments[0].date()).days <= 730 + 1
        for step in household.steps:
            for value in step.params.values():
                if isinstance(value, date) and step.action not in (
                    "schedule_removal", "postpone_removal",  # plan a date ahead
                    "record_travel_document",  # valid until a date ahead
                ):
                    assert value <= step.at.date()


def test_voluntary_departure_still_runs_on_the_simulated_today():
    """A case planned to end in the voluntary-departure stage has a period that has not
    ended yet (else the nightly run would have moved it to forced return)."""
    for household in _plan(9):
        if household.stage != Stage.VOLUNTARY_DEPARTURE:
            continue
        decision = next(s for s in household.steps if s.action == "issue_return_decision")
        extensions = sum(s.params["extension_days"] for s in household.steps
                         if s.action == "extend_voluntary_departure")
        days = decision.params["voluntary_departure_days"] + extensions
        assert (decision.params["decided_on"] - TODAY).days + days >= 0


def test_names_come_in_the_scripts_of_the_citizenship():
    households = _plan(13, 400)
    scripts_of: dict[str, set[str]] = {}
    for household in households:
        for person in household.persons:
            primary = [n for n in person.names if n.kind == PersonName.Kind.PRIMARY]
            scripts_of.setdefault(household.citizenship, set()).update(n.script for n in primary)
            assert primary[0].script == LATIN and primary[0].surname
    assert scripts_of["MA"] == {"Latn", "Arab"}
    assert scripts_of["GE"] == {"Latn", "Geor"}
    cyrillic = [scripts_of[c] for c in ("RU", "UA") if c in scripts_of]
    assert cyrillic and all(scripts == {"Latn", "Cyrl"} for scripts in cyrillic)
    assert scripts_of["AL"] == {"Latn"}


def test_every_name_book_has_names_for_both_sexes_and_families():
    books = name_books()
    assert len(books) >= 25
    for book in books.values():
        assert book.male and book.female and book.family and book.places and book.languages
