"""Persons: register, read, record vulnerabilities and family ties."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from retour.api.access import CHANNEL, ReadReason, log_read
from retour.api.auth import caller
from retour.api.errors import responses
from retour.api.present import load_person, person_detail
from retour.api.schemas import PersonDetail
from retour.api.types import ModelChoices
from retour.cases import actions as case_actions
from retour.people import actions
from retour.people.models import FamilyLink, PersonName, Sex, Vulnerability
from retour.seam.inputs import CountryCode, Line, Matches, SmallNumber, Text

router = Router(tags=["people"])


class NameIn(Schema):
    surname: Annotated[Line, Field(max_length=200)]
    given_names: Annotated[Line, Field(max_length=200)] = ""
    kind: Annotated[PersonName.Kind, ModelChoices()] = PersonName.Kind.PRIMARY
    script: Annotated[str, Matches(r"^([A-Z][a-z]{3})?$", "an ISO 15924 code such as Latn")] = (
        Field("", description="ISO 15924 code (Latn, Arab, Cyrl…); guessed when left empty.")
    )


class NewPersonIn(Schema):
    """The fields of ``retour.people.actions.NewPerson``, and the reason for the register."""

    names: list[NameIn] = Field(max_length=50)
    sex: Sex
    birth_year: SmallNumber | None = None
    birth_month: int | None = Field(None, ge=1, le=12)
    birth_day: int | None = Field(None, ge=1, le=31)
    birth_date_estimated: bool = False
    place_of_birth: Annotated[Line, Field(max_length=200)] = ""
    country_of_birth: CountryCode | None = None
    claimed_nationalities: list[CountryCode] = Field([], max_length=20)
    confirmed_nationalities: list[CountryCode] = Field([], max_length=20)
    languages: list[Annotated[Text, Field(max_length=35)]] = Field(
        [], max_length=20, description="BCP 47 language tags, e.g. ar, fa-AF."
    )
    vulnerabilities: list[Annotated[Vulnerability.Kind, ModelChoices()]] = Field(
        [], max_length=20
    )
    reason: Text = ""

    def new_person(self) -> actions.NewPerson:
        fields = self.model_dump(exclude={"names", "reason"})
        names = [actions.NameInput(**name.model_dump()) for name in self.names]
        return actions.NewPerson(names=names, **fields)


class VulnerabilityIn(Schema):
    kind: Annotated[Vulnerability.Kind, ModelChoices()]
    noted_on: date
    details: Text = Field(
        "", description="What it rests on (a medical report, an age assessment): health data, "
        "kept encrypted and never in the history; readable only with a recorded reason.")
    reason: Text = ""


class FamilyLinkIn(Schema):
    relative_id: UUID
    relation: FamilyLink.Relation = Field(
        description="The person of the path is <relation> the relative, e.g. parent_of."
    )


def _created(request: HttpRequest, person_id: UUID, reason: str = "") -> Status[PersonDetail]:
    user = caller(request)
    return Status(201, person_detail(load_person(user, person_id), user, health_reason=reason))


@router.post(
    "/people", response=responses(201, PersonDetail, [400, 403, 422]),
    operation_id="register_person",
)
def register_person(request: HttpRequest, body: NewPersonIn) -> Status[PersonDetail]:
    """Register a third-country national in your member state."""
    person = actions.register_person(
        caller(request), body.new_person(), reason=body.reason, channel=CHANNEL
    )
    return _created(request, person.pk)


@router.get(
    "/people/{person_id}", response=responses(200, PersonDetail, [404, 422]),
    operation_id="get_person",
)
def get_person(request: HttpRequest, person_id: UUID, reason: ReadReason = "") -> PersonDetail:
    """The person with names, nationalities, vulnerabilities, family ties and cases; the
    health-related vulnerabilities only when the request gives its reason (the
    `X-Retour-Reason` header, kept in the access log) and the role needs them."""
    user = caller(request)
    detail = person_detail(load_person(user, person_id), user, health_reason=reason)
    shown = {detail.id} | {
        p.id for link in detail.family_links for p in (link.person, link.relative)
    }
    log_read(user, "read", "person", [person_id], person_ids=sorted(shown, key=str), reason=reason)
    return detail


@router.post(
    "/people/{person_id}/vulnerabilities",
    response=responses(201, PersonDetail, [400, 403, 404, 422]),
    operation_id="record_vulnerability",
)
def record_vulnerability(
    request: HttpRequest, person_id: UUID, body: VulnerabilityIn
) -> Status[PersonDetail]:
    """Record a vulnerability (Directive 2008/115/EC Art. 3(9)); the person's open cases
    record it too."""
    case_actions.record_vulnerability(
        caller(request), person_id, kind=body.kind, noted_on=body.noted_on,
        details=body.details, reason=body.reason, channel=CHANNEL,
    )
    # The reason for recording it is the reason for reading it back.
    return _created(request, person_id, body.reason)


@router.post(
    "/people/{person_id}/family-links",
    response=responses(201, PersonDetail, [400, 403, 404, 422]),
    operation_id="link_family_members",
)
def link_family_members(
    request: HttpRequest, person_id: UUID, body: FamilyLinkIn
) -> Status[PersonDetail]:
    """Record a family tie between two persons of your member state."""
    actions.link_family_members(
        caller(request), person_id, body.relative_id, body.relation, channel=CHANNEL,
    )
    return _created(request, person_id)
