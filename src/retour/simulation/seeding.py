"""Seeding a database with a synthetic caseload: plan it, then replay it through the actions.

Each run adds cases: run it twice and there are twice as many (with the same seed, the same
synthetic persons appear twice). The reference data must be loaded first
(``retour load_reference``); the simulation's officers are made on first use.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time
from time import perf_counter

from django.db import transaction
from django.utils import timezone

from retour import clock
from retour.accounts.models import Authority
from retour.cases.models import CaseEvent
from retour.people.models import Person
from retour.reference.legal import MissingLegalParameter, require_parameter
from retour.reference.models import Country, LegalParameter
from retour.reference.periods import add_period
from retour.simulation.actors import simulation_users
from retour.simulation.plan import Household, plan
from retour.simulation.registered_again import RegisteredAgain, register_again
from retour.simulation.replay import Replay
from retour.simulation.story import Desk, Rules

K = Authority.Kind
# Which kind of authority plays which part, in order of preference.
RETURN_KINDS = (K.RETURN_SERVICE, K.IMMIGRATION_SERVICE, K.ASYLUM_SERVICE)
POLICE_KINDS = (K.POLICE, K.BORDER_GUARD)
ASSESSING_KINDS = (K.ASYLUM_SERVICE, K.IMMIGRATION_SERVICE, K.RETURN_SERVICE)
# The share of seeded persons registered a second time (registered_again.py).
REGISTERED_AGAIN = 0.01


class SeedingRefused(RuntimeError):
    """Seeding cannot start; the message says what to do."""


@dataclass
class SeedReport:
    households: list[Household]
    cases: Counter[tuple[str, str]]  # (member state, stage) -> cases
    outcomes: Counter[str]
    events: int
    planning_seconds: float
    replay_seconds: float
    registered_again: list[RegisteredAgain]

    @property
    def case_count(self) -> int:
        return sum(self.cases.values())

    @property
    def person_count(self) -> int:
        return sum(len(h.persons) for h in self.households)


def require_reference_data() -> None:
    if not (
        Country.objects.member_states().exists()
        and LegalParameter.objects.exists()
        and Authority.objects.exists()
    ):
        raise SeedingRefused(
            "the reference data (countries, legal parameters, authorities) is not loaded: "
            "run `retour load_reference` first"
        )


def desks(member_states: list[str] | None = None) -> list[Desk]:
    """The member states that can be simulated: those with an authority to decide and one to
    remove (from the authorities data file), optionally only the ones asked for."""
    by_state: dict[str, dict[str, list[str]]] = {}
    for authority in Authority.objects.exclude(member_state=None).order_by("code"):
        state = str(authority.member_state_id)
        by_state.setdefault(state, {}).setdefault(authority.kind, []).append(authority.code)
    wanted = [s.upper() for s in member_states] if member_states else sorted(by_state)
    unknown = [s for s in wanted if s not in by_state]
    if unknown:
        raise SeedingRefused(f"no authorities for member state(s) {', '.join(unknown)}")
    found = []
    for state in wanted:
        kinds = by_state[state]
        decider, police = _first(kinds, RETURN_KINDS), _first(kinds, POLICE_KINDS)
        if decider is None or police is None:
            if member_states:
                raise SeedingRefused(
                    f"{state} needs a return, immigration or asylum service and a police or "
                    "border guard authority in the authorities data"
                )
            continue
        found.append(Desk(state, decider, police, _first(kinds, ASSESSING_KINDS) or decider,
                          _first(kinds, (Authority.Kind.COUNSELLING_SERVICE,)) or ""))
    if not found:
        raise SeedingRefused("no member state has the authorities a simulation needs")
    return found


def _first(kinds: dict[str, list[str]], preference: tuple[str, ...]) -> str | None:
    return next((kinds[k][0] for k in preference if k in kinds), None)


def rules_in_force(member_state: str, on: date) -> Rules:
    """The member state's periods on ``on``, from the legal parameters."""
    def days(code: str) -> int:
        try:
            parameter = require_parameter(code, on, member_state)
        except MissingLegalParameter as exc:
            raise SeedingRefused(str(exc)) from None
        return (add_period(on, parameter.value, parameter.unit) - on).days

    return Rules(
        voluntary_departure_min=days("voluntary_departure.minimum"),
        voluntary_departure_max=days("voluntary_departure.maximum"),
        entry_ban_max_years=max(1, days("entry_ban.maximum") // 365),
        appeal_days=days("appeal.period"),
        return_decision_due_days=days("return_decision.target_after_end_of_legal_stay"),
    )


def seed(
    *, cases: int, seed: int, today: date | None = None, member_states: list[str] | None = None,
) -> SeedReport:
    """Add ``cases`` synthetic cases, lived up to the day before ``today`` (default: today)."""
    if cases < 1:
        raise SeedingRefused("the number of cases must be at least 1")
    require_reference_data()
    today = today or clock.today()
    started = perf_counter()
    found = desks(member_states)
    rules = {d.member_state: rules_in_force(d.member_state, today) for d in found}
    households = plan(seed=seed, cases=cases, today=today, desks=found, rules=rules,
                      zone=timezone.get_current_timezone())
    planned = perf_counter()
    # All or nothing: a seeder killed half-way must not leave officers without cases, or
    # cases without the persons registered again (the replay's bulk session becomes a
    # savepoint inside this transaction).
    with transaction.atomic():
        officers = simulation_users({code for d in found for code in
                                     (d.return_authority, d.police, d.assessing_body)})
        events_before = CaseEvent.objects.count()
        replay = Replay(households, officers)
        results = replay.run()
        registered = [pid for progress in replay.progress for pid in progress.person_ids]
        persons = Person.objects.in_bulk(registered)
        with clock.frozen_at(datetime.combine(today, time(8), timezone.get_current_timezone())):
            again = register_again([persons[pid] for pid in registered], seed=seed,
                                   share=REGISTERED_AGAIN)
        events = CaseEvent.objects.count() - events_before
    finished = perf_counter()
    return SeedReport(
        households=households,
        cases=Counter((r.member_state, r.stage) for r in results.values()),
        outcomes=Counter(r.outcome for r in results.values() if r.outcome),
        events=events,
        planning_seconds=planned - started,
        replay_seconds=finished - planned,
        registered_again=again,
    )
