"""Identification interviews and missions: planning a consular interview or a delegation's
identification mission, presenting persons to it, recording what the country concluded; and
the planning list of persons ready to be presented to a country.

Readmission agreements let the requested state interview a person when no document proves
nationality (e.g. EU–Pakistan readmission agreement, Council Decision 2010/649/EU, Annex II);
where the evidence rules say so, its identification proves nationality (``dossier``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext_lazy

from retour import bulk, clock
from retour.accounts.roles import Capability
from retour.accounts.scoping import personal_data_member_state
from retour.cases.actions._core import load_case
from retour.cases.models import ReturnCase
from retour.cases.stages import OPEN_STAGES, Stage
from retour.errors import InvalidInput, NotVisible, PermissionRefused, one_of
from retour.identification import dossier
from retour.identification.actions import (
    IDENTIFICATION_WORK,
    NewEvidence,
    on_open_cases,
    record_identity_evidence,
)
from retour.identification.models import (
    IdentificationMission,
    IdentityEvidence,
    MissionPresentation,
)
from retour.people.actions import LANGUAGE_TAG, visible_person
from retour.people.models import Nationality, Person
from retour.reference.models import Country
from retour.seam import pipeline
from retour.seam.actions import declare, implements
from retour.seam.pipeline import Done, Step

Availability = MissionPresentation.Availability
Outcome = MissionPresentation.Outcome
# The planning list's availability of a person about whom nothing is recorded.
UNKNOWN = "unknown"


def _require_identify(user: Any) -> None:
    if not user.can(Capability.IDENTIFY):
        raise PermissionRefused(
            _("your role does not allow: %(action)s") % {"action": _(IDENTIFICATION_WORK)}
        )


def missions_of(user: Any) -> Any:
    """The missions of the user's member state, for those who do identification work (the
    persons presented to them are read with them)."""
    _require_identify(user)
    return IdentificationMission.objects.visible_to(user)


pipeline.subject(
    "identification_mission", IdentificationMission,
    label=pgettext_lazy("access log", "identification mission"),
    member_state=lambda mission: mission.member_state_id, object_type="identification_mission",
    persons=lambda mission: [p.person_id for p in bulk.select(mission, "presentations")],
    related=("country",), not_found="mission not found",
)
pipeline.subject(
    "mission_presentation", MissionPresentation,
    label=pgettext_lazy("access log", "presentation to a mission"),
    member_state=lambda presentation: presentation.person.member_state_id,
    object_type="mission_presentation", persons=lambda presentation: [presentation.person_id],
    # The mission is locked with it: its status changes with the first outcome.
    related=("mission", "person"), locks=("self", "mission"),
    not_found="presentation not found",
)
declare("identification_mission", (
    Step("plan_mission", gettext_noop("Plan a mission"), Capability.IDENTIFY,
         refused=IDENTIFICATION_WORK, audit="plan identification mission"),
    Step("present_person", gettext_noop("Present a person"), Capability.IDENTIFY,
         makes="mission_presentation", refused=IDENTIFICATION_WORK,
         audit="present person to mission"),
    Step("cancel_mission", gettext_noop("Cancel the mission"), Capability.IDENTIFY,
         refused=IDENTIFICATION_WORK),
))
declare("mission_presentation", (
    Step("record_presentation_outcome", gettext_noop("Record outcome"), Capability.IDENTIFY,
         refused=IDENTIFICATION_WORK, audit="record mission outcome"),
))


def _country(code: str, name: str, errors: dict[str, str]) -> Country | None:
    country = Country.objects.by_code([code]).get(code.upper()) if code else None
    if country is None:
        errors[name] = _("unknown country code '%(code)s'") % {"code": code}
    return country


def visible_mission(user: Any, mission_id: Any, *, for_update: bool = False) -> Any:
    """The mission if ``user`` may see it: the same error whether it is elsewhere or nowhere."""
    missions = IdentificationMission.objects.visible_to(user)
    if for_update:
        missions = missions.select_for_update()
    try:
        return missions.select_related("country").get(pk=mission_id)
    except (IdentificationMission.DoesNotExist, ValidationError, ValueError, TypeError):
        raise NotVisible("mission not found") from None


def _mission_values(mission: IdentificationMission) -> dict[str, Any]:
    return {"id": str(mission.pk), "kind": mission.kind, "country": mission.country_id,
            "starts_on": mission.starts_on.isoformat()}


@dataclass
class NewMission:
    country: str  # ISO 3166-1 alpha-2: the country whose officials interview
    kind: str
    starts_on: date
    ends_on: date
    place: str
    interpreter_languages: list[str] = field(default_factory=list)
    interpreter: str = ""  # name or agency
    notes: str = ""


@implements(events=("identification_mission_planned",))
def plan_mission(
    user: Any, data: NewMission, *, reason: str = "", channel: str = "",
) -> IdentificationMission:
    """Plan a consular interview or an identification mission for the user's member state,
    organised by the user's authority."""

    def change(_nothing: None) -> Done:
        member_state = personal_data_member_state(user)
        if member_state is None:
            raise PermissionRefused(_("your role does not allow: %(action)s") % {
                "action": _("see persons and their cases")})
        errors: dict[str, str] = {}
        country = _country(data.country, "country", errors)
        if country is not None and country.pk == member_state:
            errors["country"] = _("must be a third country, not your own member state")
        if data.kind not in IdentificationMission.Kind.values:
            errors["kind"] = one_of(IdentificationMission.Kind.values)
        if data.ends_on < data.starts_on:
            errors["ends_on"] = _("cannot be before the first day")
        if not data.place.strip():
            errors["place"] = _("say where the interviews take place")
        for tag in data.interpreter_languages:
            if not LANGUAGE_TAG.fullmatch(tag):
                errors["interpreter_languages"] = _(
                    "'%(tag)s' is not a language tag such as 'ar' or 'fa-AF'"
                ) % {"tag": tag}
        if errors or country is None:
            raise InvalidInput(errors)
        mission = bulk.create(IdentificationMission(
            member_state_id=member_state, country=country, kind=data.kind,
            starts_on=data.starts_on, ends_on=data.ends_on, place=data.place.strip(),
            interpreter_languages=list(dict.fromkeys(data.interpreter_languages)),
            interpreter=data.interpreter.strip(), notes=data.notes.strip(),
            organised_by=user.authority, created_by=user, created_at=clock.now(),
        ))
        # No person is named yet; the access-log entry records who planned what.
        return Done(mission, {
            "mission": _mission_values(mission), "ends_on": mission.ends_on.isoformat(),
            "organised_by": mission.organised_by.code,
        }, person_ids=[])

    mission: IdentificationMission = pipeline.take(user, "plan_mission", None, change,
                                                   reason=reason, channel=channel)
    return mission


def _claims(person: Person, country: str) -> bool:
    return bool(bulk.select(person, "nationalities", country_id=country,
                            status__in=Nationality.Status.values))


@implements(events=("presented_to_mission",))
def present_person(
    user: Any, mission_id: Any, person_id: Any, *, availability: str, case_id: Any = None,
    reason: str = "", channel: str = "",
) -> MissionPresentation:
    """Put a person on the list of a mission. The person must be of the mission's member state
    and claim (or have confirmed) the nationality of the mission's country: a country
    interviews only those said to be its nationals."""

    def change(mission: IdentificationMission) -> Done:
        person = visible_person(user, person_id, for_update=True)
        errors: dict[str, str] = {}
        if mission.status == IdentificationMission.Status.CANCELLED:
            errors["mission_id"] = _("the mission was cancelled")
        if availability not in Availability.values:
            errors["availability"] = one_of(Availability.values)
        if not _claims(person, mission.country_id):
            errors["person_id"] = _(
                "the person has no claimed or confirmed nationality of %(country)s"
            ) % {"country": mission.country_id}
        elif bulk.select(mission, "presentations", person=person):
            errors["person_id"] = _("the person is already on this mission's list")
        case = None
        if case_id is not None:
            try:
                case = load_case(user, case_id)
            except NotVisible:
                errors["case_id"] = _("case not found")
            else:
                if case.person_id != person.pk:
                    errors["case_id"] = _("the case is not the person's")
        if errors:
            raise InvalidInput(errors)
        presentation = bulk.add(mission, "presentations", MissionPresentation(
            mission=mission, person=person, case=case, availability=availability,
            presented_by=user, presented_at=clock.now(),
        ))
        return Done(presentation,
                    {"mission": _mission_values(mission), "availability": availability},
                    also=on_open_cases(user, [person], reason))

    presentation: MissionPresentation = pipeline.take(
        user, "present_person", mission_id, change, reason=reason, channel=channel)
    return presentation


@implements(events=("mission_outcome_recorded",))
def record_presentation_outcome(
    user: Any, presentation_id: Any, *, outcome: str, outcome_on: date, notes: str = "",
    reason: str = "", channel: str = "",
) -> MissionPresentation:
    """Record what the country's officials concluded about a person presented to them.

    "identified" also records a consular interview pointing to the mission's country as
    identity evidence, so the dossier counts it as the rules for that country say (proof where
    the interview replaces missing evidence). "did_not_appear" may point to a lack of
    cooperation (Directive 2008/115/EC Art. 15(6)(a)), but it is not recorded as
    non-cooperation here: the person may have been ill, not summoned or not transported, and
    recording non-cooperation is the officer's own decision on the case. An outcome means the
    mission was held."""

    def change(presentation: MissionPresentation) -> Done:
        mission = presentation.mission
        errors: dict[str, str] = {}
        if outcome not in Outcome.values or outcome == Outcome.PENDING:
            errors["outcome"] = one_of(v for v in Outcome.values if v != Outcome.PENDING)
        if outcome_on > clock.today():
            errors["outcome_on"] = _("%(date)s is in the future") % {
                "date": outcome_on.isoformat()}
        elif outcome_on < mission.starts_on:
            errors["outcome_on"] = _("cannot be before the mission starts (%(date)s)") % {
                "date": mission.starts_on.isoformat()}
        if mission.status == IdentificationMission.Status.CANCELLED:
            errors["outcome"] = _("the mission was cancelled")
        elif presentation.outcome != Outcome.PENDING:
            errors["outcome"] = _("an outcome was recorded already")
        if errors:
            raise InvalidInput(errors)
        if outcome == Outcome.IDENTIFIED:
            presentation.evidence = record_identity_evidence(
                user, presentation.person_id, NewEvidence(
                    kind=IdentityEvidence.Kind.CONSULAR_INTERVIEW, taken_on=outcome_on,
                    nationality=mission.country_id, summary=notes,
                    reference=f"identification mission {mission.pk}",
                ), reason=reason, channel=channel)
        presentation.outcome = outcome
        presentation.outcome_on = outcome_on
        presentation.notes = notes.strip()
        bulk.save(presentation, "outcome", "outcome_on", "notes", "evidence")
        if mission.status == IdentificationMission.Status.PLANNED:
            mission.status = IdentificationMission.Status.HELD
            bulk.save(mission, "status")
        person = visible_person(user, presentation.person_id, for_update=True)
        return Done(presentation, {
            "mission": {"id": str(mission.pk), "country": mission.country_id},
            "outcome": outcome, "outcome_on": outcome_on.isoformat(),
        }, also=on_open_cases(user, [person], reason))

    presentation: MissionPresentation = pipeline.take(
        user, "record_presentation_outcome", presentation_id, change, reason=reason,
        channel=channel)
    return presentation


@implements(events=("mission_cancelled",))
def cancel_mission(
    user: Any, mission_id: Any, *, reason: str, channel: str = "",
) -> IdentificationMission:
    """Cancel a planned mission, saying why (the country withdrew its delegation, no
    interpreter, too few persons to present …).

    Who may: an officer who may do identification work in the mission's member state, as for
    planning one and presenting persons to it. Only a planned mission can be cancelled: one
    held has outcomes that stand (recording the first outcome marks it held), and one
    cancelled stays cancelled. The persons on its list keep their presentation, outcome still
    pending, as the history of what was planned; each of their open cases notes the
    cancellation, and they are back on the planning list for the country (a cancelled
    mission's list does not hold them, ``persons_ready_for``), to be presented to the next."""
    why = reason.strip()

    def change(mission: IdentificationMission) -> Done:
        errors: dict[str, str] = {}
        if mission.status == IdentificationMission.Status.CANCELLED:
            errors["mission_id"] = _("the mission was cancelled")
        elif mission.status == IdentificationMission.Status.HELD:
            errors["mission_id"] = _("the mission was held: its outcomes stand")
        if not why:
            errors["reason"] = _("say why the mission is cancelled")
        if errors:
            raise InvalidInput(errors)
        mission.status = IdentificationMission.Status.CANCELLED
        mission.cancelled_by, mission.cancelled_at = user, clock.now()
        mission.cancellation_reason = why
        bulk.save(mission, "status", "cancelled_by", "cancelled_at", "cancellation_reason")
        persons = [visible_person(user, presentation.person_id, for_update=True)
                   for presentation in bulk.select(mission, "presentations")]
        return Done(mission, {"mission": _mission_values(mission)},
                    also=on_open_cases(user, persons, why))

    mission: IdentificationMission = pipeline.take(user, "cancel_mission", mission_id, change,
                                                   reason=why, channel=channel)
    return mission


@dataclass(frozen=True)
class ReadyPerson:
    """A person who may be presented to the country's officials, with the case that brings
    them there, their dossier for that country and where they are likely to be."""

    person: Person
    case: ReturnCase
    dossier: dossier.Dossier
    availability: str  # an Availability value, or UNKNOWN


def _availability(case: ReturnCase, earlier: list[MissionPresentation]) -> str:
    if case.stage == Stage.ABSCONDED:
        return Availability.WHEREABOUTS_UNKNOWN
    return earlier[-1].availability if earlier else UNKNOWN


def persons_ready_for(user: Any, country: str, on: date) -> list[ReadyPerson]:
    """The user's member state's persons with an open case who claim (or have confirmed) the
    nationality of ``country``, whose dossier for it is not complete on ``on``, and who are
    not on a list of that country's mission still awaiting its outcome; oldest case first,
    one row per person. Availability: whereabouts unknown while the case is in the absconded
    stage, otherwise what was recorded when last presented, else unknown. The caller logs
    the read."""
    _require_identify(user)
    country = country.upper()
    awaiting = (MissionPresentation.objects.filter(outcome=Outcome.PENDING,
                                                   mission__country_id=country)
                .exclude(mission__status=IdentificationMission.Status.CANCELLED)
                .values("person_id"))
    cases = (
        ReturnCase.objects.visible_to(user)
        .filter(stage__in=OPEN_STAGES, person__nationalities__country_id=country,
                person__nationalities__status__in=Nationality.Status.values)
        .exclude(person_id__in=awaiting)
        .select_related("person")
        # what the dossier and the list read, a query each (presentations in their order)
        .prefetch_related("person__names", "person__nationalities", "person__documents",
                          "person__identity_evidence", "person__mission_presentations")
        .order_by("opened_at", "number")
        .distinct()
    )
    rule = dossier.rule_for(country, on)
    ready: list[ReadyPerson] = []
    seen: set[Any] = set()
    for case in cases:
        if case.person_id in seen:
            continue
        seen.add(case.person_id)
        result = dossier.evaluate(case.person, country, on, rule)
        if result.status == "complete":
            continue
        earlier = list(case.person.mission_presentations.all())
        ready.append(ReadyPerson(case.person, case, result, _availability(case, earlier)))
    return ready
