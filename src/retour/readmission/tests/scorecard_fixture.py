"""A small world for the cooperation scorecard, built through the actions, whose figures for
2026Q1 are worked out by hand in ``test_scorecard.py``.

Netherlands (anna), to Pakistan (reply limit 30 calendar days, tacit acceptance):
- NL-1 submitted 5 Jan, accepted 15 Jan (10 days, in time); document asked 20 Jan, issued
  27 Jan (7 days);
- NL-2 submitted 10 Jan, no reply: tacitly accepted on its limit, 9 Feb; document issued
  20 Feb without a request for it (11 days from the acceptance);
- NL-3 submitted 1 Feb, rejected 1 Mar (28 days, in time: due 3 Mar);
- NL-4 submitted 20 Feb, pending, due 22 Mar (after "today", 2 Mar: not owed yet);
- NL-0 submitted 20 Dec 2025 (previous quarter), accepted 2 Jan, document asked 5 Jan,
  issued 10 Jan (5 days): only the document counts in 2026Q1;
- a Pakistani removed on 20 Jan (return decision 8 Jan) and one who left voluntarily on
  2 Feb (return decision that day);
- a mission of Pakistan on 10 Feb: one person identified, one not identified, one awaiting.
Netherlands to Morocco: NL-M submitted 15 Jan, withdrawn 16 Jan.
Belgium (lucas) to Pakistan: BE-1 submitted 12 Jan, accepted 25 Feb (44 days, late: due
11 Feb).

Every case above has a return decision on the day it was made (so 2025's NL-0 not in 2026Q1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from retour.cases import actions
from retour.cases.tests import support as s
from retour.identification.actions import NewEvidence, record_identity_evidence
from retour.identification.missions import (
    NewMission,
    plan_mission,
    present_person,
    record_presentation_outcome,
)
from retour.readmission import actions as ra
from retour.readmission.models import ReadmissionRequest


@dataclass(frozen=True)
class World:
    requests: dict[str, ReadmissionRequest]
    removed: Any  # the case of the Pakistani removed
    left: Any  # the case of the Pakistani who left voluntarily
    presented: dict[str, Any]  # outcome → case


def _case(user: Any, country: str, day: date) -> Any:
    """A case with a return decision of ``day`` and a language analysis pointing to
    ``country``, whose person claims that nationality."""
    with s.on(day):
        case = s.voluntary_departure(user, claimed_nationalities=[country])
        record_identity_evidence(
            user,
            case.person_id,
            NewEvidence(
                kind="language_analysis", taken_on=day, nationality=country, summary="analysed"
            ),
        )
    return case


def _submitted(user: Any, country: str, day: date) -> ReadmissionRequest:
    case = _case(user, country, day)
    with s.on(day):
        request = ra.draft_readmission_request(user, case.pk, third_country=country)
        return ra.submit_readmission_request(user, request.pk, submitted_on=day)


def _reply(
    user: Any, request: ReadmissionRequest, outcome: str, day: date, **more: Any
) -> ReadmissionRequest:
    with s.on(day):
        return ra.record_readmission_reply(
            user, request.pk, outcome=outcome, replied_on=day, **more
        )


def _document(
    user: Any, request: ReadmissionRequest, issued_on: date, requested_on: date | None = None
) -> ReadmissionRequest:
    if requested_on is not None:
        with s.on(requested_on):
            ra.request_travel_document(user, request.pk, requested_on=requested_on)
    with s.on(issued_on):
        return ra.record_travel_document(
            user,
            request.pk,
            kind="laissez_passer",
            number=f"LP-{request.pk}",
            issued_on=issued_on,
            valid_until=issued_on + timedelta(days=200),
        )


def build(anna: Any, lucas: Any) -> World:
    nl0 = _submitted(anna, "PK", date(2025, 12, 20))
    _reply(anna, nl0, "accepted", date(2026, 1, 2))
    _document(anna, nl0, date(2026, 1, 10), requested_on=date(2026, 1, 5))

    nl1 = _submitted(anna, "PK", date(2026, 1, 5))
    _reply(anna, nl1, "accepted", date(2026, 1, 15))
    _document(anna, nl1, date(2026, 1, 27), requested_on=date(2026, 1, 20))

    nl2 = _submitted(anna, "PK", date(2026, 1, 10))
    assert nl2.reply_due_on == date(2026, 2, 9)
    with s.on(date(2026, 2, 10)):
        ra.record_tacit_acceptance(nl2.pk)
    _document(anna, nl2, date(2026, 2, 20))

    nl3 = _submitted(anna, "PK", date(2026, 2, 1))
    _reply(anna, nl3, "rejected", date(2026, 3, 1), reasons="not a national")

    nl4 = _submitted(anna, "PK", date(2026, 2, 20))

    nlm = _submitted(anna, "MA", date(2026, 1, 15))
    with s.on(date(2026, 1, 16)):
        ra.withdraw_readmission_request(anna, nlm.pk, reason="sent to the wrong country")

    be1 = _submitted(lucas, "PK", date(2026, 1, 12))
    _reply(lucas, be1, "accepted", date(2026, 2, 25))

    with s.on(date(2026, 1, 8)):
        removed = s.removal_scheduled(anna, claimed_nationalities=["PK"])
    with s.on(date(2026, 1, 20)):
        actions.record_removal(anna, removed.pk, departed_on=date(2026, 1, 20), destination="PK")
    with s.on(date(2026, 2, 2)):
        left = s.voluntary_departure(anna, claimed_nationalities=["PK"])
        actions.record_voluntary_departure(
            anna, left.pk, departed_on=date(2026, 2, 2), destination="PK"
        )

    presented = {}
    mission_day = date(2026, 2, 10)
    with s.on(date(2026, 2, 1)):
        mission = plan_mission(
            anna,
            NewMission(
                country="PK",
                kind="consular_interview",
                starts_on=mission_day,
                ends_on=mission_day,
                place="Consulate of Pakistan, The Hague",
            ),
        )
    for outcome, request in (("identified", nl3), ("not_identified", nl4), ("pending", nl2)):
        case = request.case
        with s.on(date(2026, 2, 1)):
            presentation = present_person(
                anna, mission.pk, case.person_id, availability="reporting", case_id=case.pk
            )
        if outcome != "pending":
            with s.on(mission_day):
                record_presentation_outcome(
                    anna, presentation.pk, outcome=outcome, outcome_on=mission_day
                )
        presented[outcome] = case
    requests = {
        "NL-0": nl0,
        "NL-1": nl1,
        "NL-2": nl2,
        "NL-3": nl3,
        "NL-4": nl4,
        "NL-M": nlm,
        "BE-1": be1,
    }
    for request in requests.values():
        request.refresh_from_db()
    return World(requests, removed, left, presented)
