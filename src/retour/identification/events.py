"""The event types of identification, on the log of the record they concern
(``retour.seam.models.SubjectEvent``) and noted on every open case of the persons concerned: a
document or other evidence recorded, a presentation to an identification mission and its
outcome, a mission cancelled; and, on their record's log only, a mission planned, possible
matches queued for review and a possible match decided."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour import display
from retour.identification.models import (
    IdentificationMission,
    IdentityDocument,
    IdentityEvidence,
    MatchReview,
    MissionPresentation,
)
from retour.seam.events import PERSONAL, Payload, declare
from retour.seam.history import COUNTRY, Detail, Names, Shown


def _countries(codes: Any, names: Names) -> str:
    return ", ".join(names.country(code) for code in codes or ())


class Identified(Payload):
    # The countries for which the evidence now proves the nationality (the dossier is
    # complete under that country's rules): the statistics date the identification by it.
    identified_for: Annotated[
        list[Annotated[str, COUNTRY]] | None,
        Shown(gettext_lazy("Nationality proven for"), _countries),
    ] = None


class DocumentValues(Detail):
    id: str
    kind: IdentityDocument.Kind
    form: IdentityDocument.Form
    # A country's code or one of ICAO's special codes (D, XXA, UNK, ...).
    issuing_country: Annotated[str, COUNTRY]
    expires_on: date | None = None
    zone_status: IdentityDocument.ZoneStatus

    @classmethod
    def shown(cls, value: Mapping[str, Any], names: Names) -> str:
        parts = [display.label(IdentityDocument.Kind, value.get("kind"))]
        if value.get("issuing_country"):
            parts.append(names.country(value["issuing_country"]))
        if value.get("expires_on"):
            parts.append(_("valid until %(date)s") % {"date": display.day(value["expires_on"])})
        parts.append(display.label(IdentityDocument.ZoneStatus, value.get("zone_status")))
        return "; ".join(parts)


class DocumentRecorded(Identified):
    document: Annotated[DocumentValues, Shown(gettext_lazy("Document")), PERSONAL]


class EvidenceValues(Detail):
    id: str
    kind: IdentityEvidence.Kind
    taken_on: date
    nationality: Annotated[str | None, COUNTRY] = None

    @classmethod
    def shown(cls, value: Mapping[str, Any], names: Names) -> str:
        return _("%(kind)s of %(date)s") % {
            "kind": display.label(IdentityEvidence.Kind, value.get("kind")),
            "date": display.day(value.get("taken_on")),
        }


class EvidenceRecorded(Identified):
    evidence: Annotated[EvidenceValues, Shown(gettext_lazy("Evidence")), PERSONAL]


class MissionValues(Detail):
    id: str
    country: Annotated[str, COUNTRY]
    kind: IdentificationMission.Kind | None = None
    starts_on: date | None = None

    @classmethod
    def shown(cls, value: Mapping[str, Any], names: Names) -> str:
        parts = [names.country(value.get("country"))]
        if value.get("kind"):
            parts.insert(0, display.label(IdentificationMission.Kind, value["kind"]))
        if value.get("starts_on"):
            parts.append(_("from %(date)s") % {"date": display.day(value["starts_on"])})
        return "; ".join(parts)


class MissionEvent(Payload):
    mission: Annotated[MissionValues, Shown(gettext_lazy("Identification mission"))]


class MissionPlanned(MissionEvent):
    ends_on: date
    organised_by: str  # the authority's code


class Presented(MissionEvent):
    # Where the person is (in detention, at liberty) says where to find them.
    availability: Annotated[
        MissionPresentation.Availability, Shown(gettext_lazy("Availability")), PERSONAL
    ]


class OutcomeRecorded(MissionEvent):
    outcome: Annotated[MissionPresentation.Outcome, Shown(gettext_lazy("Outcome"))]
    outcome_on: Annotated[date, Shown(gettext_lazy("Date of the outcome"))]


class MatchesQueued(Payload):
    """The reviews queued (pairs reviewed before are not queued again) and their candidates."""

    reviews: list[str]
    candidates: Annotated[list[str], PERSONAL]
    threshold: float


class MatchDecided(Payload):
    decision: MatchReview.Decision
    person: Annotated[str, PERSONAL]
    candidate: Annotated[str, PERSONAL]
    score: float


declare("identity_document_recorded", DocumentRecorded,
        label=gettext_lazy("Identity document recorded"))
declare("identity_evidence_recorded", EvidenceRecorded,
        label=gettext_lazy("Identity evidence recorded"))
declare("presented_to_mission", Presented,
        label=gettext_lazy("Presented to an identification mission"))
declare("mission_outcome_recorded", OutcomeRecorded,
        label=gettext_lazy("Identification mission outcome recorded"))
declare("mission_cancelled", MissionEvent, label=gettext_lazy("Identification mission cancelled"))
declare("identification_mission_planned", MissionPlanned,
        label=gettext_lazy("Identification mission planned"))
declare("possible_matches_queued", MatchesQueued, label=gettext_lazy("Possible matches queued"))
declare("possible_match_decided", MatchDecided, label=gettext_lazy("Possible match decided"))
