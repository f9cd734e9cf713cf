"""The builder of a case's story: dated steps through the real actions of the procedure.

A story is written in days counted from the day the case is opened, then placed in time:
early enough that every step lies in the past, late enough that a case still waiting for
something (a voluntary-departure period running, a removal planned) is still waiting on the
simulated today. The steps name the action functions of ``retour.cases.actions`` and their
arguments; ``retour.simulation.replay`` performs them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from retour.cases.models import Origin
from retour.people.models import Vulnerability

WORKDAY_START = 8 * 60  # minutes after midnight
WORKDAY_END = 17 * 60
HISTORY_DAYS = 730  # how far back the simulated caseload reaches

ORIGIN_WEIGHTS = {
    Origin.NEGATIVE_ASYLUM_DECISION: 45,
    Origin.RESIDENCE_PERMIT_ENDED: 10,
    Origin.IRREGULAR_STAY_DETECTED: 25,
    Origin.EES_OVERSTAY: 7,
    Origin.BORDER_APPREHENSION: 11,
    Origin.MUTUAL_RECOGNITION: 2,
}
# A decision ending a legal stay comes first for these origins (M7).
WITH_LEGAL_STAY = frozenset({Origin.NEGATIVE_ASYLUM_DECISION, Origin.RESIDENCE_PERMIT_ENDED})
# The police find the person and open the case themselves.
OPENED_BY_POLICE = frozenset({Origin.IRREGULAR_STAY_DETECTED, Origin.BORDER_APPREHENSION})
# Where persons are detained for removal, per member state (any other: a generic name).
DETENTION_FACILITIES = {
    "NL": ("Detentiecentrum Rotterdam", "Detentiecentrum Zeist"),
    "BE": ("Centre fermé de Vottem", "Centre fermé 127bis, Steenokkerzeel"),
}
# Member states whose return decisions another member state recognises (Directive 2001/40/EC).
RECOGNISED_FROM = ("IT", "ES", "AT", "GR", "DE", "FR", "BE", "NL")


@dataclass(frozen=True)
class Desk:
    """Who does what in one member state."""

    member_state: str
    return_authority: str  # opens cases and takes the decisions
    police: str  # finds persons, carries out removals
    assessing_body: str  # assesses a child's best interests, apart from the enforcing authority
    counselling_service: str = ""  # return counselling for reintegration; "": the return authority


@dataclass(frozen=True)
class Rules:
    """The periods of the member state's law the stories keep to, read from the legal
    parameters in force (never assumed here)."""

    voluntary_departure_min: int
    voluntary_departure_max: int
    entry_ban_max_years: int
    appeal_days: int
    return_decision_due_days: int


@dataclass(frozen=True)
class Day:
    """A date in a story: days after the opening day (negative: before it)."""

    offset: int


@dataclass(frozen=True)
class Step:
    """One action at one moment. ``by`` is the authority whose officer acts (None: the
    system). A step on cases concerns every member's case; a step on a person (a
    vulnerability) names the household ``member``."""

    at: datetime
    action: str
    by: str | None
    params: dict[str, Any]
    member: int | None = None


@dataclass
class _Draft:
    day: int
    minute: int
    action: str
    by: str | None
    params: dict[str, Any]
    member: int | None


_ACTOR = "actor"  # a step by whichever authority holds the case at that point


@dataclass
class Story:
    rng: random.Random
    desk: Desk
    rules: Rules
    citizenship: str
    unaccompanied: bool
    origin: str = ""
    origin_member_state: str | None = None
    day: int = 0
    minute: int = WORKDAY_START
    actor: str = ""
    drafts: list[_Draft] = field(default_factory=list)
    pins: list[int] = field(default_factory=list)
    recorded_later: set[str] = field(default_factory=set)
    legal_stay_ended: bool = False
    best_interests_assessed: bool = False
    return_decision_day: int | None = None
    departure_ends: int | None = None  # last day of the voluntary-departure period
    removal_day: int | None = None
    travel_document: bool = False  # one was issued and is not yet used
    reintegration_accepted: bool = False

    # -- time ------------------------------------------------------------------------------

    def wait(self, least: int, most: int, *, before: int | None = None) -> None:
        """Let ``least`` to ``most`` days pass, but stay before day ``before``."""
        days = self.rng.randint(least, most)
        if before is not None:
            days = min(days, max(before - 1 - self.day, 0))
        self._advance(days)

    def _advance(self, days: int) -> None:
        target = self.day + days
        if self.departure_ends is not None and target > self.departure_ends:
            # Time passes the end of the voluntary-departure period: the nightly run hands
            # the case to forced return before anything else happens to it.
            self.let_departure_period_lapse()
            days = target - self.day
        if days > 0 or self.minute < WORKDAY_START:
            self.day += days
            self.minute = self.rng.randint(WORKDAY_START, WORKDAY_END - 60)
        else:
            self.minute += self.rng.randint(2, 25)
        if self.minute >= 23 * 60:
            self._advance(1)

    def pin(self, day: int) -> None:
        """Day ``day`` of the story must fall on or after the simulated today."""
        self.pins.append(day)

    def keep_recent(self, days: int) -> None:
        """A case does not stay in its last stage more than ``days`` days (it would have
        moved on), so its last step lies within ``days`` of today."""
        self.pin(self.day + days)

    def do(self, action: str, *, by: str | None = _ACTOR, member: int | None = None,
           **params: Any) -> None:
        self.drafts.append(_Draft(self.day, self.minute, action,
                                  self.actor if by == _ACTOR else by, params, member))

    # -- placing in time -------------------------------------------------------------------

    def opening_day(self, today: date) -> date:
        """The day the case opens: every step before ``today``, every pin on or after it,
        and otherwise anywhere in the simulated history."""
        last = max(d.day for d in self.drafts)
        latest = today - timedelta(days=last + 1)
        earliest = today - timedelta(days=min(self.pins, default=HISTORY_DAYS))
        earliest = max(earliest, today - timedelta(days=HISTORY_DAYS))
        if earliest >= latest:
            return latest
        return earliest + timedelta(days=self.rng.randint(0, (latest - earliest).days))

    def steps(self, opened_on: date, zone: tzinfo) -> list[Step]:
        def dated(value: Any) -> Any:
            return opened_on + timedelta(days=value.offset) if isinstance(value, Day) else value

        steps = []
        for draft in self.drafts:
            midnight = datetime.combine(opened_on + timedelta(days=draft.day), time(), zone)
            steps.append(Step(
                at=midnight + timedelta(minutes=draft.minute),
                action=draft.action,
                by=draft.by,
                params={name: dated(value) for name, value in draft.params.items()},
                member=draft.member,
            ))
        return steps

    # -- the procedure ---------------------------------------------------------------------

    def open(self, *, with_legal_stay: bool | None = None) -> None:
        origins = [
            o for o in ORIGIN_WEIGHTS
            if with_legal_stay is None or (o in WITH_LEGAL_STAY) == with_legal_stay
        ]
        self.origin = self.rng.choices(origins, weights=[ORIGIN_WEIGHTS[o] for o in origins])[0]
        if self.origin == Origin.MUTUAL_RECOGNITION:
            self.origin_member_state = self.rng.choice(
                [c for c in RECOGNISED_FROM if c != self.desk.member_state]
            )
        self.actor = (
            self.desk.police if self.origin in OPENED_BY_POLICE else self.desk.return_authority
        )
        self.do("open_case", origin=self.origin, origin_member_state=self.origin_member_state)

    def end_legal_stay(self) -> None:
        """Record the decision that ended the legal stay: taken by the asylum service a few
        days before the return service opened the case."""
        self.wait(0, 2)
        negative_asylum = self.origin == Origin.NEGATIVE_ASYLUM_DECISION
        self.do(
            "record_end_of_legal_stay",
            decided_on=Day(-self.rng.randint(1, 5)),
            issuing_authority=self.desk.assessing_body if negative_asylum else None,
            legal_basis=(
                "Rejection of the application for international protection" if negative_asylum
                else "Refusal to renew the residence permit"
            ),
        )
        self.legal_stay_ended = True

    def assess_best_interests(self) -> None:
        self.wait(2, 20)
        self.do(
            "record_best_interests_assessment",
            decided_on=Day(self.day),
            summary=self.rng.choice((
                "Guardian and child heard; parents located in the country of origin and "
                "willing to receive the child.",
                "Interview with the child and the guardian; family tracing under way; return "
                "to the family is in the child's interest.",
            )),
            issuing_authority=self.desk.assessing_body,
        )
        self.best_interests_assessed = True

    def departure_period(self) -> int:
        """Days to leave voluntarily: usually the most the law allows, sometimes the least."""
        low, high = self.rules.voluntary_departure_min, self.rules.voluntary_departure_max
        return self.rng.choice((high, high, high, max(low, high - 2), max(low, high // 2), low))

    def return_decision(self, departure_days: int | None = None) -> None:
        """Issue the return decision, with the steps the law requires first."""
        if self.origin in WITH_LEGAL_STAY and not self.legal_stay_ended:
            self.end_legal_stay()
        if self.unaccompanied and not self.best_interests_assessed:
            self.assess_best_interests()
        self.wait(1, self.rules.return_decision_due_days + 3)
        days = self.departure_period() if departure_days is None else departure_days
        self.do(
            "issue_return_decision",
            decided_on=Day(self.day),
            voluntary_departure_days=days,
            shortened_departure_reason="" if days >= self.rules.voluntary_departure_min
            else self.rng.choice(("risk_of_absconding", "risk_of_absconding",
                                  "threat_to_public_order", "manifestly_unfounded_application")),
        )
        self.return_decision_day = self.day
        self.departure_ends = self.day + days if days else None

    def extend_departure(self) -> None:
        assert self.departure_ends is not None
        self.wait(3, 20, before=self.departure_ends)
        extension = self.rng.randint(7, 30)
        reason = self.rng.choice(("length_of_stay", "children_at_school",
                                  "family_and_social_links"))
        self.do("extend_voluntary_departure", decided_on=Day(self.day),
                extension_days=extension, extension_reason=reason)
        self.departure_ends += extension

    def let_departure_period_lapse(self) -> None:
        """The system's nightly run after the last day of the period (M8)."""
        assert self.departure_ends is not None
        self.day, self.minute = self.departure_ends + 1, self.rng.randint(60, 100)
        self.do("expire_voluntary_departure", by=None)
        self.departure_ends = None

    def forced_return(self) -> None:
        """Reach forced-return preparation: the voluntary-departure period lapsed, or none was
        granted; the then mandatory entry ban mostly follows (Art. 11(1))."""
        if self.unaccompanied or self.rng.random() < 0.6:
            self.return_decision()
            if self.rng.random() < 0.05:
                self.extend_departure()
            self.let_departure_period_lapse()
        else:
            self.return_decision(0)
        if self.rng.random() < 0.85:
            self.entry_ban()

    def entry_ban(self) -> None:
        self.wait(0, 14)
        years = self.rng.choice([y for y in (1, 2, 2, 3, 5) if y <= self.rules.entry_ban_max_years])
        self.do("issue_entry_ban", decided_on=Day(self.day), ban_years=years)

    def hand_over_to_police(self, *, accepted: bool = True) -> None:
        if self.actor == self.desk.police:
            return
        self.wait(1, 20)
        self.do("send_handover", to_authority=self.desk.police,
                note="Voluntary return did not happen: please prepare the removal.")
        if accepted:
            self.wait(0, 1)
            self.do("accept_handover", by=self.desk.police)
            self.actor = self.desk.police

    def can_appeal(self) -> bool:
        """Still within the period to appeal the return decision."""
        assert self.return_decision_day is not None
        return self.day < self.return_decision_day + self.rules.appeal_days - 1

    def appeal(self, *, suspensive: bool) -> None:
        assert self.return_decision_day is not None
        limit = self.return_decision_day + self.rules.appeal_days
        if self.departure_ends is not None:
            limit = min(limit, self.departure_ends)
        self.wait(1, 10, before=limit)
        self.do("lodge_appeal", lodged_on=Day(self.day), suspensive=suspensive)

    def rule_on_appeal(self, outcome: str) -> None:
        self.wait(30, 180)
        self.do("decide_appeal", outcome=outcome, decided_on=Day(self.day))
        if outcome == "granted":  # the return decision is annulled, its period with it
            self.departure_ends = None

    def fall_ill(self) -> None:
        """A serious illness comes to light (Art. 3(9)); the first member's own."""
        self.wait(1, 60)
        self.do("record_vulnerability", member=0, kind=Vulnerability.Kind.SERIOUS_ILLNESS,
                noted_on=Day(self.day))
        self.recorded_later.add(Vulnerability.Kind.SERIOUS_ILLNESS)

    def postpone(self, ground: str, *, lasting: int | None) -> None:
        self.wait(0, 10, before=self.removal_day)
        self.removal_day = None  # a planned removal is called off
        reasons = {
            "physical_or_mental_state": "Medical advice: not fit to travel for now.",
            "technical_reasons": "No travel document yet: the embassy has not answered.",
            "non_refoulement": "New facts on the situation in the country of return.",
        }
        self.do("postpone_removal", ground=ground, decided_on=Day(self.day),
                ends_on=Day(self.day + lasting) if lasting else None, reason=reasons[ground])

    def end_postponement(self) -> None:
        self.wait(20, 90)
        self.do("end_postponement", ended_on=Day(self.day),
                reason="The ground for the postponement no longer applies.")

    def schedule_removal(self) -> None:
        if self.unaccompanied:
            self.wait(5, 40)
            self.do("verify_reception", decided_on=Day(self.day),
                    arrangement="Received by a parent at the airport, confirmed by the "
                                "guardianship authority of the country of return.")
        self.wait(10, 90)
        self.removal_day = self.day + self.rng.randint(5, 35)
        self.do("schedule_removal", planned_on=Day(self.removal_day))

    def detain(self) -> None:
        """Order detention for the purpose of removal (Art. 15(1)); the note says why less
        coercive measures do not suffice, as the order of a minor must (Art. 17(1)) and
        every member of a household shares the step."""
        self.wait(0, 5, before=self.removal_day)
        ground = self.rng.choice(("risk_of_absconding", "risk_of_absconding", "hampers_return"))
        facilities = DETENTION_FACILITIES.get(self.desk.member_state, ("Detention centre",))
        self.do("order_detention", ordered_on=Day(self.day), ground=ground,
                facility=self.rng.choice(facilities),
                reason="No fixed address and a reporting duty not complied with: a less "
                       "coercive measure does not suffice.")

    def release(self, reason: str) -> None:
        """End detention other than by removal, weeks or months after it was ordered."""
        self.wait(20, 150)
        notes = {
            "no_prospect_of_removal": "No reply from the country of return: no reasonable "
                                      "prospect of removal for now.",
            "released_by_court": "The court found the detention insufficiently motivated.",
        }
        self.do("end_detention", ended_on=Day(self.day), reason=reason, note=notes[reason])

    def cancel_removal(self) -> None:
        assert self.removal_day is not None
        self.wait(1, 5, before=self.removal_day)
        self.do("cancel_removal", reason="The flight was cancelled by the carrier.")
        self.removal_day = None

    def remove(self) -> None:
        assert self.removal_day is not None
        self._advance(self.removal_day - self.day)
        self.do("record_removal", departed_on=Day(self.day), destination=self.citizenship)
        if self.travel_document:
            self.wait(0, 0)
            self.do("record_travel_document_use", used_on=Day(self.day))

    def refer_to_reintegration(self) -> None:
        """Refer the person to a reintegration programme during return counselling; most
        accept (and then leave with assistance), some decline."""
        self.wait(1, 10, before=self.departure_ends)
        self.do("refer_to_reintegration", referred_on=Day(self.day),
                programme=self.rng.choice(("Frontex JRS", "national AVRR programme")),
                counselling_service=self.desk.counselling_service)
        self.wait(2, 14, before=self.departure_ends)
        self.reintegration_accepted = self.rng.random() < 0.8
        self.do("record_reintegration_outcome", outcome_on=Day(self.day),
                outcome="accepted" if self.reintegration_accepted else "declined")

    def depart_voluntarily(self, *, destination: str | None = None) -> None:
        if self.departure_ends is not None:
            self.wait(3, 30, before=self.departure_ends + 1)
        else:
            self.wait(5, 60)
        self.do("record_voluntary_departure", departed_on=Day(self.day),
                destination=destination or self.citizenship,
                assisted=self.reintegration_accepted or self.rng.random() < 0.45)
        self.departure_ends = None

    def abscond(self) -> None:
        self.wait(5, 120, before=self.departure_ends)
        self.do("record_absconding", absconded_on=Day(self.day))
        self.departure_ends = None

    def locate(self) -> None:
        self.wait(20, 200)
        self.do("record_whereabouts_known", located_on=Day(self.day))

    def readmission(self, *, reply: str | None = "accepted", travel_document: bool = True,
                    before: int | None = None) -> None:
        """Identify the person and ask the country of nationality to readmit them (M3, M12):
        a language analysis pointing to it, the request drafted and submitted, and, if a
        ``reply`` comes, the travel document asked for and issued after an acceptance."""
        self.wait(1, 20, before=before)
        self.do("record_identity_evidence", kind="language_analysis", taken_on=Day(self.day),
                nationality=self.citizenship, summary="Language analysis by the national "
                "language service: spoken variety consistent with the claimed origin.")
        self.wait(0, 10, before=before)
        self.do("draft_readmission_request", third_country=self.citizenship)
        self.wait(0, 0)
        self.do("submit_readmission_request", submitted_on=Day(self.day))
        if reply is None:
            return
        self.wait(3, 40, before=before)
        self.do("record_readmission_reply", outcome=reply, replied_on=Day(self.day),
                reasons="Nationality not established by the evidence provided."
                if reply == "rejected" else "")
        if reply != "accepted" or not travel_document:
            return
        self.wait(0, 3, before=before)
        self.do("request_travel_document", requested_on=Day(self.day))
        self.wait(1, 20, before=before)
        self.do("record_travel_document", kind="laissez_passer",
                number=f"LP{self.rng.randint(100000, 999999)}", issued_on=Day(self.day),
                valid_until=Day(self.day + 240))
        self.travel_document = True

    def withdraw_return_decision(self, reason: str) -> None:
        self.wait(10, 120, before=self.departure_ends)
        self.do("withdraw_return_decision", decided_on=Day(self.day), reason=reason)
        self.departure_ends = None

    def close(self, outcome: str, reason: str = "") -> None:
        self.wait(1, 20)
        self.do("close_case", outcome=outcome, reason=reason)
