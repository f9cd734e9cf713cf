"""Identification interviews and missions: planning them, presenting persons, recording the
outcome, and the list of persons ready to be presented to a country."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from django.db.models import Count, Prefetch
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from retour import clock
from retour.api.access import CHANNEL, ReadReason, log_read
from retour.api.auth import caller
from retour.api.errors import responses
from retour.api.schemas import CaseRef, PersonRef
from retour.api.types import ModelChoices
from retour.identification import missions
from retour.identification.models import IdentificationMission, MissionPresentation
from retour.people.display import display_name
from retour.seam.inputs import CountryCode, ProcedureDate, Text

router = Router(tags=["identification missions"])

Kind = IdentificationMission.Kind
Availability = MissionPresentation.Availability
Outcome = MissionPresentation.Outcome


class MissionIn(Schema):
    country: CountryCode = Field(description="The country whose consulate or delegation "
                                             "interviews.")
    kind: Annotated[Kind, ModelChoices()]
    starts_on: ProcedureDate
    ends_on: ProcedureDate
    place: Annotated[Text, Field(min_length=1, max_length=200)]
    interpreter_languages: list[Annotated[Text, Field(max_length=35)]] = Field(
        [], max_length=10, description="BCP 47 language tags, e.g. ur or fa-AF.")
    interpreter: Annotated[Text, Field(max_length=200)] = Field(
        "", description="The interpreter's name or agency.")
    notes: Text = ""
    reason: Text = ""


class PresentationOut(Schema):
    id: UUID
    mission_id: UUID
    person: PersonRef
    case: CaseRef | None
    availability: Annotated[Availability, ModelChoices()]
    outcome: Annotated[Outcome, ModelChoices()]
    outcome_on: date | None
    notes: str
    evidence_id: UUID | None = Field(
        description="The consular interview recorded as identity evidence when identified.")


class MissionOut(Schema):
    id: UUID
    member_state: str
    country: str
    kind: Annotated[Kind, ModelChoices()]
    starts_on: date
    ends_on: date
    place: str
    interpreter_languages: list[str]
    interpreter: str
    notes: str
    organised_by: str = Field(description="The code of the organising authority.")
    status: Annotated[IdentificationMission.Status, ModelChoices()]
    presentations: list[PresentationOut] = Field(
        description="The persons presented whose cases you may see.")
    presented_by_others: int = Field(0, description=(
        "How many more persons other authorities presented: counted, not named."))


def _presentation_out(p: MissionPresentation) -> PresentationOut:
    return PresentationOut(
        id=p.pk, mission_id=p.mission_id,
        person=PersonRef(id=p.person_id, name=display_name(p.person.names.all())),
        case=CaseRef(id=p.case.pk, number=p.case.number, stage=p.case.stage) if p.case else None,
        availability=Availability(p.availability), outcome=Outcome(p.outcome),
        outcome_on=p.outcome_on, notes=p.notes, evidence_id=p.evidence_id,
    )


def _mission_out(
    m: IdentificationMission, presentations: list[PresentationOut], presented: int = 0,
) -> MissionOut:
    return MissionOut(
        id=m.pk, member_state=m.member_state_id, country=m.country_id, kind=Kind(m.kind),
        starts_on=m.starts_on, ends_on=m.ends_on, place=m.place,
        interpreter_languages=m.interpreter_languages, interpreter=m.interpreter, notes=m.notes,
        organised_by=m.organised_by.code, status=IdentificationMission.Status(m.status),
        presentations=presentations, presented_by_others=max(presented - len(presentations), 0),
    )


@router.post("/missions", response=responses(201, MissionOut, [400, 403, 422]),
             operation_id="plan_mission")
def plan_mission(request: HttpRequest, body: MissionIn) -> Status[MissionOut]:
    """Plan a consular interview, a delegation's identification mission or a video interview
    for your member state, organised by your authority."""
    data = missions.NewMission(**body.model_dump(exclude={"reason"}))
    mission = missions.plan_mission(caller(request), data, reason=body.reason, channel=CHANNEL)
    return Status(201, _mission_out(mission, []))


@router.get("/missions", response=responses(200, list[MissionOut], [403, 422]),
            operation_id="list_missions")
def list_missions(
    request: HttpRequest, country: CountryCode | None = None, reason: ReadReason = "",
) -> list[MissionOut]:
    """Your member state's missions, earliest first, with the persons presented to each whose
    cases you may see (the others counted); ``country`` narrows them to one country's."""
    user = caller(request)
    seen = MissionPresentation.objects.visible_to(user).select_related("case").prefetch_related(
        "person__names")
    found = (missions.missions_of(user)
             .select_related("organised_by")
             .annotate(presented=Count("presentations"))
             .prefetch_related(Prefetch("presentations", queryset=seen)))
    if country:
        found = found.filter(country_id=country)
    answer = [(m, [_presentation_out(p) for p in m.presentations.all()]) for m in found]
    presentations = [p for _, shown in answer for p in shown]
    if presentations:
        log_read(user, "read", "mission_presentation", [p.id for p in presentations],
                 person_ids={p.person.id for p in presentations}, reason=reason)
    return [_mission_out(m, shown, m.presented) for m, shown in answer]


class PresentIn(Schema):
    person_id: UUID
    availability: Annotated[Availability, ModelChoices()]
    case_id: UUID | None = Field(None, description="The case for which the person is "
                                                   "presented, if one.")
    reason: Text = ""


def _reloaded(presentation: MissionPresentation) -> PresentationOut:
    shown = (MissionPresentation.objects.select_related("case")
             .prefetch_related("person__names").get(pk=presentation.pk))
    return _presentation_out(shown)


@router.post("/missions/{mission_id}/presentations",
             response=responses(201, PresentationOut, [400, 403, 404, 422]),
             operation_id="present_person")
def present_person(
    request: HttpRequest, mission_id: UUID, body: PresentIn,
) -> Status[PresentationOut]:
    """Put a person on a mission's list; they must claim (or have confirmed) the nationality
    of the mission's country. The person's open cases record it."""
    presentation = missions.present_person(
        caller(request), mission_id, body.person_id, availability=body.availability,
        case_id=body.case_id, reason=body.reason, channel=CHANNEL)
    return Status(201, _reloaded(presentation))


class OutcomeIn(Schema):
    outcome: Annotated[Outcome, ModelChoices()] = Field(description="Anything but pending.")
    outcome_on: ProcedureDate
    notes: Text = ""
    reason: Text = ""


@router.post("/presentations/{presentation_id}/outcome",
             response=responses(200, PresentationOut, [400, 403, 404, 422]),
             operation_id="record_presentation_outcome")
def record_presentation_outcome(
    request: HttpRequest, presentation_id: UUID, body: OutcomeIn,
) -> PresentationOut:
    """Record what the country's officials concluded. "identified" also records their
    interview as identity evidence; "did_not_appear" does not record non-cooperation (that is
    the officer's decision on the case)."""
    presentation = missions.record_presentation_outcome(
        caller(request), presentation_id, outcome=body.outcome, outcome_on=body.outcome_on,
        notes=body.notes, reason=body.reason, channel=CHANNEL)
    return _reloaded(presentation)


class ReadyOut(Schema):
    person: PersonRef
    case: CaseRef
    case_opened_at: datetime
    dossier_status: str = Field(description="prima_facie or incomplete")
    missing: list[str]
    availability: str = Field(description="in_detention, reporting, at_liberty, "
                                          "whereabouts_unknown or unknown")


@router.get("/missions/planning", response=responses(200, list[ReadyOut], [403, 422]),
            operation_id="mission_planning")
def mission_planning(
    request: HttpRequest, country: CountryCode, reason: ReadReason = "",
) -> list[ReadyOut]:
    """The persons ready to be presented to ``country``'s officials: an open case, its
    nationality claimed or confirmed, a dossier for it not complete, not awaiting the outcome
    of another of its missions; oldest case first."""
    user = caller(request)
    ready = missions.persons_ready_for(user, country, clock.today())
    log_read(user, "read", "mission_planning", [r.case.pk for r in ready],
             person_ids=[r.person.pk for r in ready], reason=reason,
             search_terms={"country": country})
    return [
        ReadyOut(
            person=PersonRef(id=r.person.pk, name=display_name(r.person.names.all())),
            case=CaseRef(id=r.case.pk, number=r.case.number, stage=r.case.stage),
            case_opened_at=r.case.opened_at, dossier_status=r.dossier.status,
            missing=r.dossier.missing, availability=r.availability,
        )
        for r in ready
    ]
