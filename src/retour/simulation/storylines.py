"""The storylines: plausible paths through the return procedure, each ending in a known stage.

Weights give the demo caseload its mix: every stage is present, most cases are open, the
closed ones show each outcome. A storyline marked not for unaccompanied minors takes a step
the law rarely or never allows for them (no voluntary-departure period at all, for one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from retour.cases.models import Outcome
from retour.cases.stages import Stage
from retour.simulation.story import WITH_LEGAL_STAY, Story


@dataclass(frozen=True)
class Storyline:
    name: str
    weight: float
    stage: Stage  # the stage the case is in at the end of the story
    build: Callable[[Story], None]
    for_unaccompanied_minors: bool = True
    for_families: bool = True


def _registered(s: Story) -> None:
    s.open()
    s.keep_recent(21)


def _legal_stay_ended(s: Story) -> None:
    s.open(with_legal_stay=True)
    s.end_legal_stay()
    if s.unaccompanied:
        s.assess_best_interests()
    s.keep_recent(21)


def _voluntary_departure(s: Story) -> None:
    s.open()
    s.return_decision()
    if s.rng.random() < 0.15:
        s.extend_departure()
    if s.rng.random() < 0.1:
        s.appeal(suspensive=False)
    assert s.departure_ends is not None
    s.pin(s.departure_ends)


def _forced_return_preparation(s: Story) -> None:
    s.open()
    s.forced_return()
    asked = s.rng.random()
    if asked < 0.5:  # waiting for the reply, or told no
        s.readmission(reply=None if asked < 0.4 else "rejected")
    roll = s.rng.random()
    if roll < 0.4:
        s.hand_over_to_police()
    elif roll < 0.5:  # sent, not yet answered: the receiver has two days
        s.hand_over_to_police(accepted=False)
        s.keep_recent(3)
        return
    if s.rng.random() < 0.2:  # detained, then released without a removal in sight
        s.detain()
        s.release(s.rng.choice(("no_prospect_of_removal", "no_prospect_of_removal",
                                "released_by_court")))
    s.keep_recent(365)


def _removal_scheduled(s: Story) -> None:
    s.open()
    s.forced_return()
    if s.rng.random() < 0.5:
        s.hand_over_to_police()
    s.readmission()
    s.schedule_removal()
    assert s.removal_day is not None
    s.pin(s.removal_day)


def _departed_voluntarily(s: Story) -> None:
    s.open()
    s.return_decision()
    if s.rng.random() < 0.4:
        s.refer_to_reintegration()
    s.depart_voluntarily()
    s.keep_recent(21)


def _removed(s: Story) -> None:
    s.open()
    s.forced_return()
    s.hand_over_to_police()
    s.readmission()
    if s.rng.random() < 0.5:  # detained until the removal, which ends the detention
        s.detain()
    s.schedule_removal()
    s.remove()
    s.keep_recent(21)


def _suspended_by_appeal(s: Story) -> None:
    s.open()
    s.return_decision(0)
    s.appeal(suspensive=True)
    s.keep_recent(240)


def _suspended_by_postponement(s: Story) -> None:
    s.open()
    s.forced_return()
    roll = s.rng.random()
    if roll < 0.5:
        s.fall_ill()
        s.postpone("physical_or_mental_state", lasting=s.rng.randint(30, 120))
    elif roll < 0.85:
        if s.rng.random() < 0.5:
            s.schedule_removal()  # called off by the postponement
        s.postpone("technical_reasons", lasting=s.rng.randint(14, 60))
    else:
        s.postpone("non_refoulement", lasting=None)
        s.keep_recent(365)
        return
    s.pin(max(d.params["ends_on"].offset for d in s.drafts if d.action == "postpone_removal"))


def _absconded(s: Story) -> None:
    s.open()
    s.forced_return()
    if s.rng.random() < 0.3:
        s.hand_over_to_police()
    if s.rng.random() < 0.3:
        s.readmission(reply=None)
    s.abscond()
    s.keep_recent(540)


def _returned_voluntarily(s: Story) -> None:
    s.open()
    if s.rng.random() < 0.8:
        s.return_decision()
        if s.rng.random() < 0.1:
            s.extend_departure()
    else:  # too late for the period, but still of their own accord
        s.forced_return()
    if s.rng.random() < 0.4:
        s.refer_to_reintegration()
    s.depart_voluntarily()
    s.close(Outcome.RETURNED_VOLUNTARILY)


def _closed_after_removal(s: Story) -> None:
    s.open()
    s.forced_return()
    if s.rng.random() < 0.5:
        s.hand_over_to_police()
    detour = s.rng.random()
    if detour < 0.2 and s.can_appeal():
        s.appeal(suspensive=True)
        s.rule_on_appeal("dismissed")
    elif detour < 0.3:
        s.postpone("technical_reasons", lasting=None)
        s.end_postponement()
    elif detour < 0.4:
        s.abscond()
        s.locate()
    s.readmission()
    if s.rng.random() < 0.4:  # detained until the removal, which ends the detention
        s.detain()
    s.schedule_removal()
    if s.rng.random() < 0.1:
        s.cancel_removal()
        s.schedule_removal()
    s.remove()
    s.close(Outcome.REMOVED)


def _left_to_other_member_state(s: Story) -> None:
    s.open()
    s.return_decision()
    s.depart_voluntarily(destination=s.rng.choice(
        [c for c in ("DE", "FR", "BE", "NL", "ES", "IT") if c != s.desk.member_state]
    ))
    s.close(Outcome.LEFT_TO_OTHER_MEMBER_STATE, "Holds a residence permit of that member state.")


def _closed_absconded(s: Story) -> None:
    s.open()
    s.forced_return()
    s.abscond()
    s.wait(30, 200)
    s.close(Outcome.ABSCONDED, "Whereabouts unknown for a long time.")


def _legal_stay_granted(s: Story) -> None:
    s.open(with_legal_stay=s.rng.random() < 0.5)
    if s.rng.random() < 0.4:
        if s.origin in WITH_LEGAL_STAY:
            s.end_legal_stay()
        s.wait(10, 90)
    else:
        s.return_decision()
        s.withdraw_return_decision("A residence permit was granted on the ground of family life.")
    s.close(Outcome.LEGAL_STAY_GRANTED)


def _appeal_granted(s: Story) -> None:
    s.open()
    suspensive = s.rng.random() < 0.6
    s.return_decision(0 if suspensive else None)
    s.appeal(suspensive=suspensive)
    s.rule_on_appeal("granted")
    s.close(Outcome.OTHER, "The court annulled the return decision; no new decision followed.")


def _decision_withdrawn(s: Story) -> None:
    s.open()
    s.return_decision()
    s.withdraw_return_decision("The person turned out to be a family member of a Union citizen.")
    s.close(Outcome.DECISION_WITHDRAWN)


def _deceased(s: Story) -> None:
    s.open()
    s.return_decision()
    s.close(Outcome.DECEASED)


STORYLINES: tuple[Storyline, ...] = (
    Storyline("registered", 3, Stage.REGISTERED, _registered),
    Storyline("legal_stay_ended", 3, Stage.LEGAL_STAY_ENDED, _legal_stay_ended),
    Storyline("voluntary_departure", 9, Stage.VOLUNTARY_DEPARTURE, _voluntary_departure),
    Storyline("forced_return_preparation", 10, Stage.FORCED_RETURN_PREPARATION,
              _forced_return_preparation),
    Storyline("removal_scheduled", 4, Stage.REMOVAL_SCHEDULED, _removal_scheduled),
    Storyline("departed_voluntarily", 3, Stage.DEPARTED, _departed_voluntarily),
    Storyline("removed", 2, Stage.DEPARTED, _removed),
    Storyline("suspended_by_appeal", 3, Stage.SUSPENDED, _suspended_by_appeal,
              for_unaccompanied_minors=False),
    Storyline("suspended_by_postponement", 2, Stage.SUSPENDED, _suspended_by_postponement),
    Storyline("absconded", 5, Stage.ABSCONDED, _absconded),
    Storyline("returned_voluntarily", 12, Stage.CLOSED, _returned_voluntarily),
    Storyline("closed_after_removal", 9, Stage.CLOSED, _closed_after_removal),
    Storyline("left_to_other_member_state", 2, Stage.CLOSED, _left_to_other_member_state),
    Storyline("closed_absconded", 5, Stage.CLOSED, _closed_absconded),
    Storyline("legal_stay_granted", 3, Stage.CLOSED, _legal_stay_granted),
    Storyline("appeal_granted", 2, Stage.CLOSED, _appeal_granted,
              for_unaccompanied_minors=False),
    Storyline("decision_withdrawn", 1, Stage.CLOSED, _decision_withdrawn),
    Storyline("deceased", 0.3, Stage.CLOSED, _deceased, for_unaccompanied_minors=False,
              for_families=False),
)
