"""Random casework: sequences of every case action with plausible (and implausible) inputs,
by users with and without permission, while time passes. Refusals are fine; after every
step the cases must still be consistent, and a refusal must have written nothing.

Each example runs inside a savepoint that is rolled back in ``teardown``, so every example
starts from an empty case table (checked when the first case is opened), on SQLite and
PostgreSQL alike; the personas and the reference data live outside the savepoint.

``pytest --hypothesis-show-statistics`` does not reach inside this test; the ``event`` calls
still name each action and whether it went through, for a debugging session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from retour import clock
from retour.accounts.models import User
from retour.cases import actions as case_actions
from retour.cases import guards
from retour.cases.actions.decisions import (
    APPEAL_OUTCOMES,
    EXTENSION_REASONS,
    POSTPONEMENT_GROUNDS,
    SHORTENED_DEPARTURE_REASONS,
)
from retour.cases.models import (
    CaseMilestones,
    Decision,
    Handover,
    Origin,
    Outcome,
    ReturnCase,
    Task,
)
from retour.cases.procedure import allowed_actions, refusal, transition, transitions
from retour.cases.stages import Stage
from retour.cases.tests.support import footprint, noon
from retour.cooperation.models import NonCooperation
from retour.counselling.models import ReintegrationReferral
from retour.detention.models import DetentionPeriod
from retour.errors import ActionError
from retour.people.models import Vulnerability
from retour.seam import actions as seam_actions
from retour.testing.actions import actions
from retour.testing.factories import person_for
from retour.testing.projections import assert_same_as_replayed

K = Decision.Kind
PLAYERS = ("anna", "pieter", "sanne", "ruud", "lotte", "lucas", "eva")

@dataclass(frozen=True)
class Pick:
    """A decision of the case chosen when the action runs: the ``index``-th of ``kinds``
    (modulo their number), or an id that does not exist when there is none or index is 9."""

    kinds: tuple[str, ...]
    index: int


def pick(*kinds: str) -> st.SearchStrategy[Pick]:
    return st.builds(Pick, st.just(kinds), st.integers(min_value=0, max_value=9))


def one_of_weighted(usual: st.SearchStrategy[Any], odd: st.SearchStrategy[Any]) -> Any:
    """Mostly ``usual``, one time in eight ``odd`` (one_of picks a branch evenly)."""
    return st.one_of(*[usual] * 7, odd)


# Dates are drawn as days before the machine's "today" (negative: in the future) and become
# dates when the action runs; most are plausible, some must be refused.
past = st.sampled_from([0, 0, 0, 1, 2, 5, 12, -1])
ahead = st.sampled_from([0, -3, -14, 2])
texts = one_of_weighted(st.just("as discussed with the person"), st.sampled_from(["", "  "]))
destinations = one_of_weighted(st.just("MA"), st.sampled_from(["DZ", "DE", "NL", "XX"]))


def _departure_period(days: int) -> st.SearchStrategy[dict[str, Any]]:
    fitting = st.just("") if days >= 7 else st.sampled_from(list(SHORTENED_DEPARTURE_REASONS))
    ground = one_of_weighted(fitting, st.sampled_from(["", "no_ticket", "risk_of_absconding"]))
    return st.fixed_dictionaries(
        {"voluntary_departure_days": st.just(days), "shortened_departure_reason": ground}
    )


def _with(base: dict[str, Any], extra: st.SearchStrategy[dict[str, Any]]) -> Any:
    return st.tuples(st.fixed_dictionaries(base), extra).map(lambda pair: {**pair[0], **pair[1]})


_departure = {"departed_on": past, "destination": destinations, "assisted": st.booleans()}
ARGUMENTS: dict[str, Any] = {
    "record_end_of_legal_stay": st.fixed_dictionaries({"decided_on": past}),
    "record_best_interests_assessment": st.fixed_dictionaries(
        {"decided_on": past, "summary": texts}
    ),
    "issue_return_decision": _with(
        {"decided_on": past, "notified_on": st.sampled_from([None, None, 0, -1])},
        st.sampled_from([30, 14, 7, 3, 0, 31, -1]).flatmap(_departure_period),
    ),
    "extend_voluntary_departure": st.fixed_dictionaries({
        "decided_on": past, "extension_days": st.sampled_from([7, 30, 0]),
        "extension_reason": one_of_weighted(st.sampled_from(list(EXTENSION_REASONS)),
                                            st.just("bored")),
        "reason": texts,
    }),
    "expire_voluntary_departure": st.just({}),
    "issue_entry_ban": st.fixed_dictionaries({
        "decided_on": past, "ban_years": st.sampled_from([1, 2, 5, 0, 7]),
        "ban_months": st.sampled_from([0, 0, 6, 12]), "serious_threat": st.booleans(),
        "reason": texts,
    }),
    "lodge_appeal": st.fixed_dictionaries({
        "contested_decision_id": pick(K.RETURN_DECISION, K.ENTRY_BAN),
        "lodged_on": past, "suspensive": st.booleans(),
    }),
    "decide_appeal": st.fixed_dictionaries({
        "appeal_id": pick(K.APPEAL), "decided_on": past,
        "outcome": one_of_weighted(st.sampled_from(APPEAL_OUTCOMES), st.just("postponed")),
    }),
    "postpone_removal": st.fixed_dictionaries({
        "ground": one_of_weighted(st.sampled_from(list(POSTPONEMENT_GROUNDS)),
                                  st.just("weather")),
        "decided_on": past, "ends_on": st.sampled_from([None, None, -30, 1]), "reason": texts,
    }),
    "end_postponement": st.fixed_dictionaries(
        {"postponement_id": pick(K.POSTPONEMENT), "ended_on": past, "reason": texts}
    ),
    "verify_reception": st.fixed_dictionaries({"decided_on": past, "arrangement": texts}),
    "schedule_removal": st.fixed_dictionaries({"planned_on": ahead}),
    "cancel_removal": st.fixed_dictionaries({"reason": texts}),
    "record_removal": st.fixed_dictionaries(_departure),
    "record_voluntary_departure": st.fixed_dictionaries(_departure),
    "record_absconding": st.fixed_dictionaries({"absconded_on": past}),
    "record_whereabouts_known": st.fixed_dictionaries({"located_on": past}),
    "withdraw_return_decision": st.fixed_dictionaries({"decided_on": past, "reason": texts}),
    "close_case": st.fixed_dictionaries(
        {"outcome": st.sampled_from(Outcome.values), "reason": texts}
    ),
    "send_handover": st.fixed_dictionaries({
        "to_authority": one_of_weighted(st.just("nl-avim"),
                                        st.sampled_from(["nl-dtv", "nl-kmar", "be-dvz"])),
        "note": texts,
    }),
    "accept_handover": st.fixed_dictionaries({"reason": texts}),
    "return_handover": st.fixed_dictionaries({"reason": texts}),
    "assign_case": st.fixed_dictionaries(
        {"officer_username": st.sampled_from([None, "anna", "pieter", "sanne", "ruud"])}
    ),
    "record_non_cooperation": st.fixed_dictionaries({
        "kind": one_of_weighted(st.sampled_from(NonCooperation.Kind.values), st.just("rude")),
        "occurred_on": past, "evidence": texts,
        "consequence": st.sampled_from(NonCooperation.Consequence.values),
    }),
    "order_detention": st.fixed_dictionaries({
        "ordered_on": past,
        "ground": one_of_weighted(st.sampled_from(DetentionPeriod.Ground.values),
                                  st.just("suspicion")),
        "facility": texts, "reason": texts,
    }),
    "end_detention": st.fixed_dictionaries({
        "ended_on": past,
        "reason": one_of_weighted(st.sampled_from(DetentionPeriod.EndReason.values),
                                  st.just("bored")),
    }),
    "refer_to_reintegration": st.fixed_dictionaries({"referred_on": past, "programme": texts}),
    "record_reintegration_outcome": st.fixed_dictionaries({
        "outcome_on": past,
        "outcome": one_of_weighted(st.sampled_from(ReintegrationReferral.Outcome.values),
                                   st.just("maybe")),
    }),
    "record_vulnerability": st.fixed_dictionaries(
        {"kind": st.sampled_from(Vulnerability.Kind.values), "noted_on": past}
    ),
    "open_case": st.fixed_dictionaries({"origin": st.sampled_from(Origin.values)}),
}
ON_THE_PERSON = ("record_vulnerability", "open_case")
ACTIONS = [t.action for t in transitions()] + list(ON_THE_PERSON)


class Casework(RuleBasedStateMachine):
    players: dict[str, User] = {}

    def __init__(self) -> None:
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.case_id: Any = None
        self.person_id: Any = None
        self.today = date(2026, 1, 5)
        self.stage = ""
        self.member_state = ""

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    def case(self) -> ReturnCase:
        return ReturnCase.objects.select_related("person").get(pk=self.case_id)

    def resolve(self, value: Any) -> Any:
        """A drawn argument as the action takes it."""
        if isinstance(value, Pick):
            ids = list(
                Decision.objects.filter(case_id=self.case_id, kind__in=value.kinds)
                .order_by("id").values_list("id", flat=True)
            )
            return ids[value.index % len(ids)] if ids and value.index != 9 else 0
        return value

    def arguments(self, drawn: dict[str, Any]) -> dict[str, Any]:
        resolved = {name: self.resolve(value) for name, value in drawn.items()}
        for name, value in resolved.items():
            if name.endswith("_on") and isinstance(value, int):
                resolved[name] = self.today - timedelta(days=value)
        return resolved

    def call(self, action: str, user: User, drawn: dict[str, Any]) -> Callable[[], Any]:
        kwargs = self.arguments(drawn)
        if action == "expire_voluntary_departure":
            return lambda: actions.expire_voluntary_departure(self.case_id)
        target = self.person_id if action in ON_THE_PERSON else self.case_id
        return lambda: getattr(actions, action)(user, target, **kwargs)

    def act(self, action: str, call: Callable[[], Any]) -> bool:
        """Run one action at the machine's "today"; a refusal must leave no trace."""
        before = footprint(self.case_id)
        cases_before = ReturnCase.objects.count()
        with clock.frozen_at(noon(self.today)):
            try:
                result = call()
            except ActionError:
                assert footprint(self.case_id) == before, f"refused {action} wrote something"
                assert ReturnCase.objects.count() == cases_before
                event(f"{action}: refused")
                return False
        event(f"{action}: done")
        if action == "open_case":
            assert self.stage == Stage.CLOSED, "a second open case for the person"
            self.case_id = result.pk
        self.stage = self.case().stage
        return True

    def perform(self, action: str, who: str, drawn: dict[str, Any]) -> None:
        """Attempt ``action`` and check, when it went through, the law it had to respect."""
        user = self.players[who]
        case = self.case()
        removal = action in ("schedule_removal", "record_removal")
        answer = action in ("accept_handover", "return_handover")
        blocked = (removal and (
            guards.no_suspensive_matter(case) or guards.reception_verified_for_minor(case)
        )) or (action == "record_best_interests_assessment" and guards.concerns_a_minor(case))
        pending = case.handovers.filter(status=Handover.Status.PENDING).first() if answer else None
        if not self.act(action, self.call(action, user, drawn)):
            return
        assert not blocked, f"{action} went through although {blocked}"
        if action == "expire_voluntary_departure":
            ends_on = case.voluntary_departure_ends_on
            assert ends_on is not None and ends_on < self.today
        if answer:
            assert pending is not None and user.authority_id == pending.to_authority_id
        if action == "accept_handover":
            assert not self.case().tasks.filter(status=Task.Status.OPEN).exclude(
                authority_id=user.authority_id
            ).exists(), "open tasks stayed behind with the sender"
        if action == "send_handover":
            assert user.authority_id == case.responsible_authority_id

    # -- rules -----------------------------------------------------------------------------

    @initialize(
        start=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
        origin=st.sampled_from(Origin.values),
        minor=st.booleans(),
        head_start=st.sampled_from(["none", "decision", "removal"]),
        departure_days=st.sampled_from([0, 30]),
    )
    def open_first_case(
        self, start: date, origin: str, minor: bool, head_start: str, departure_days: int
    ) -> None:
        """Open a case and, two times in three, take it straight to its return decision or
        to a scheduled removal, so that 25 steps reach appeals, postponements, removal and
        departure more often."""
        assert not ReturnCase.objects.exists(), "an earlier example's case leaked"
        self.today = start
        anna = self.players["anna"]
        with clock.frozen_at(noon(start)):
            person = person_for(anna, unaccompanied_minor=minor)
            extra = {"origin_member_state": "BE"} if origin == Origin.MUTUAL_RECOGNITION else {}
            case = actions.open_case(anna, person.pk, origin=origin, **extra)
            if head_start != "none":
                self.decide(anna, case, minor, 0 if head_start == "removal" else departure_days)
            if head_start == "removal":
                if minor:
                    actions.verify_reception(anna, case.pk, decided_on=start, arrangement="aunt")
                actions.schedule_removal(anna, case.pk, planned_on=start + timedelta(days=7))
        self.case_id, self.person_id = case.pk, person.pk
        self.member_state = case.member_state_id
        self.stage = self.case().stage

    @staticmethod
    def decide(user: User, case: ReturnCase, minor: bool, departure_days: int) -> None:
        today = clock.today()
        if guards.legal_stay_ended_first(case):
            actions.record_end_of_legal_stay(user, case.pk, decided_on=today)
        if minor:
            actions.record_best_interests_assessment(
                user, case.pk, decided_on=today, summary="heard with the guardian"
            )
        actions.issue_return_decision(
            user, case.pk, decided_on=today, voluntary_departure_days=departure_days,
            shortened_departure_reason="" if departure_days else "risk_of_absconding",
        )

    def allowed_now(self, *, moving: bool) -> list[str]:
        """The actions the table and its guards allow on the case now; when ``moving``, only
        those that may take it to another open stage."""
        case = self.case()
        everyone = frozenset().union(*(u.capabilities for u in self.players.values()))
        pointless = self.pointless(case)
        possible = [
            t.action for t in allowed_actions(case, everyone)
            if not moving
            or ((t.target or t.target_note) and t.target != Stage.CLOSED
                and t.action not in pointless)
        ]
        if refusal(transition("expire_voluntary_departure"), case) is None:
            possible.append("expire_voluntary_departure")
        if case.stage == Stage.CLOSED:
            possible.append("open_case")
        elif not moving:
            possible.append("record_vulnerability")
        return possible

    @staticmethod
    def pointless(case: ReturnCase) -> set[str]:
        """Moves the table allows but that have nothing to act on (left to the other rules)."""
        pending = set(case.decisions.filter(
            status__in=[Decision.Status.PENDING, Decision.Status.IN_FORCE]
        ).values_list("kind", flat=True))
        needs = {"decide_appeal": K.APPEAL, "end_postponement": K.POSTPONEMENT}
        return {action for action, kind in needs.items() if kind not in pending}

    def step(self, possible: list[str], data: st.DataObject) -> None:
        """One of ``possible``, by someone whose role holds it (the input may still be wrong,
        and a hand-over may be answered by the wrong authority)."""
        if not possible:
            return
        action = data.draw(st.sampled_from(possible), label="action")
        declared = {t.action: t for t in transitions()}
        capability = declared[action].capability if action in declared else None
        able = [
            name for name, user in self.players.items()
            if (capability is None or user.can(capability))
            and user.member_state_code == self.member_state
        ]
        who = data.draw(st.sampled_from(able), label="who")
        self.perform(action, who, data.draw(ARGUMENTS[action], label="arguments"))

    # Hypothesis picks among the rules evenly: half of the steps move the case on, the other
    # half do any other allowed action, try anything anywhere, or let time pass.

    @rule(data=st.data())
    def move_the_case_on(self, data: st.DataObject) -> None:
        self.step(self.allowed_now(moving=True), data)

    @rule(kind=st.sampled_from(["allowed", "anything", "time"]), data=st.data())
    def do_something_else(self, kind: str, data: st.DataObject) -> None:
        if kind == "allowed":
            self.step(self.allowed_now(moving=False), data)
        elif kind == "anything":
            action = data.draw(st.sampled_from(ACTIONS), label="action")
            who = data.draw(st.sampled_from(PLAYERS), label="who")
            self.perform(action, who, data.draw(ARGUMENTS[action], label="arguments"))
        else:
            self.time_passes(data.draw(st.sampled_from([1, 3, 8, 31]), label="days"))

    def time_passes(self, days: int) -> None:
        """Days go by and the daily job hands lapsed voluntary departures to forced return."""
        self.today += timedelta(days=days)
        self.act("expire_due_voluntary_departures", actions.expire_due_voluntary_departures)

    # -- invariants ------------------------------------------------------------------------

    @precondition(lambda machine: machine.case_id is not None)
    @invariant()
    def every_case_is_consistent(self) -> None:
        for case in ReturnCase.objects.select_related("responsible_authority"):
            self.check(case)

    def check(self, case: ReturnCase) -> None:
        assert case.stage in Stage.values
        assert case.responsible_authority.member_state_id == case.member_state_id
        assert case.handovers.filter(status=Handover.Status.PENDING).count() <= 1

        sequences = list(case.events.values_list("sequence", flat=True))
        assert sequences == list(range(1, len(sequences) + 1)), sequences
        # Opening writes event 1 at version 1; every later action, whether through perform()
        # or (recording a vulnerability) beside it, bumps the version and appends one event.
        assert case.version == len(sequences)

        # Every projection (the milestone row and each app's) is the fold of the log.
        assert_same_as_replayed(case)
        assert CaseMilestones.objects.get(case=case).stage == case.stage

        if case.stage == Stage.CLOSED:
            assert case.outcome and case.closed_at is not None
            assert not case.tasks.filter(status=Task.Status.OPEN).exists()
        else:
            assert case.outcome == "" and case.closed_at is None

        if case.stage == Stage.REMOVAL_SCHEDULED:
            assert guards.no_suspensive_matter(case) is None
            assert guards.reception_verified_for_minor(case) is None
        assert (case.removal_planned_on is not None) == (case.stage == Stage.REMOVAL_SCHEDULED)
        if case.stage == Stage.VOLUNTARY_DEPARTURE:
            assert case.voluntary_departure_ends_on is not None
        assert bool(case.stage_before_suspension) == (case.stage == Stage.SUSPENDED)
        open_periods = case.detention_periods.filter(ended_on__isnull=True)
        assert open_periods.count() <= 1
        assert case.reintegration_referrals.filter(outcome="").count() <= 1
        if case.milestones.return_type == "enforced":
            assert not open_periods.exists(), "the removal left detention open"


def test_random_casework_keeps_the_cases_consistent(
    anna, pieter, sanne, ruud, lotte, lucas, eva
):
    players = {"anna": anna, "pieter": pieter, "sanne": sanne, "ruud": ruud, "lotte": lotte,
               "lucas": lucas, "eva": eva}
    machine = type("CaseworkWithPersonas", (Casework,), {"players": players})
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=50, stateful_step_count=25, deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


def test_the_machine_plays_every_action():
    """The daily job is played as time passes; every other action has its arguments here:
    the case core's, and those other apps declare on the case."""
    declared = {a.name for a in seam_actions.on("case")}
    assert set(ARGUMENTS) | {"expire_due_voluntary_departures"} == (
        set(case_actions.__all__) | declared
    )
    assert set(ARGUMENTS) == set(ACTIONS)
