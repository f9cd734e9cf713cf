"""Identity and travel documents: reading a machine-readable zone, recording documents."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from retour import clock
from retour.accounts.roles import Capability
from retour.api.access import CHANNEL, ReadReason, log_read
from retour.api.auth import caller
from retour.api.errors import responses
from retour.api.types import ModelChoices
from retour.errors import InvalidInput, PermissionRefused
from retour.identification import actions, dossier
from retour.identification.models import IdentityDocument, IdentityEvidence
from retour.identification.reading import NotAnMrz, as_field_errors, read_mrz
from retour.people.actions import visible_person
from retour.seam.inputs import CountryCode, Line, Text

router = Router(tags=["documents"])


class MrzIn(Schema):
    lines: list[str] = Field(
        min_length=1, max_length=3,
        description="The lines of the zone, top to bottom (2 of 44 or 36 characters, or 3 "
                    "of 30).",
    )


class StateCode(Schema):
    code: str
    known: bool = Field(description="a country's ISO alpha-3 code or a special ICAO code")
    country: str | None = Field(description="ISO 3166-1 alpha-2, where the code stands for one")
    name: str | None
    special: bool


class MrzDateOut(Schema):
    raw: str = Field(description="YYMMDD as printed; < for an unknown day or month")
    date: str | None
    year: int | None
    month: int | None
    day: int | None


class CheckDigitOut(Schema):
    found: str
    computed: str
    valid: bool
    over: str


class MrzOut(Schema):
    format: str = Field(description="TD1, TD2, TD3, MRV-A or MRV-B")
    valid: bool = Field(description="every check digit matches and the dates exist")
    document_code: str
    document_kind: str
    issuing_state: StateCode
    primary_identifier: str
    secondary_identifier: str
    name_truncated: bool
    document_number: str
    nationality: StateCode
    birth_date: MrzDateOut
    sex: str
    expiry_date: MrzDateOut
    optional_data: str
    optional_data_2: str | None
    check_digits: dict[str, CheckDigitOut]
    lines: list[str]
    warnings: list[str]


@router.post("/documents/mrz", response=responses(200, MrzOut, [400, 403, 422]),
             operation_id="parse_mrz")
def parse_mrz(request: HttpRequest, body: MrzIn) -> dict[str, object]:
    """Parse and check a machine-readable zone (ICAO Doc 9303). Nothing is stored. A zone
    whose check digits fail is still answered (``valid`` false, each check digit reported);
    lines that are not a zone at all get 422 naming the line, position and what was
    expected."""
    if not caller(request).can(Capability.VIEW_PERSONAL_DATA):
        raise PermissionRefused(_("your role does not allow: %(action)s") % {
            "action": _("see persons and their cases")})
    try:
        return read_mrz(body.lines)
    except NotAnMrz as exc:
        raise InvalidInput(as_field_errors(exc)) from None


class DocumentIn(Schema):
    kind: Annotated[IdentityDocument.Kind, ModelChoices()]
    form: IdentityDocument.Form
    number: Annotated[Line, Field(max_length=50)] = ""
    issuing_country: CountryCode | None = None
    issued_on: date | None = None
    expires_on: date | None = None
    kept_at: Annotated[Line, Field(max_length=200)] = ""
    zone: list[Annotated[str, Field(max_length=50)]] = Field(
        [], max_length=3,
        description="The machine-readable zone, if the document has one; fields left empty "
                    "are taken from it, fields that disagree with it are refused.",
    )
    confirm_unverified: bool = Field(
        False, description="Record a zone whose check digits fail, marked unverified.")
    reason: Text = ""


class DocumentOut(Schema):
    id: UUID
    kind: Annotated[IdentityDocument.Kind, ModelChoices()]
    form: IdentityDocument.Form
    number: str
    issuing_country: str | None
    issuing_code: str
    issued_on: date | None
    expires_on: date | None
    kept_at: str
    zone: list[str]
    zone_status: IdentityDocument.ZoneStatus
    recorded_by: str
    recorded_at: datetime


def _out(document: IdentityDocument) -> DocumentOut:
    return DocumentOut(
        id=document.pk, kind=IdentityDocument.Kind(document.kind),
        form=IdentityDocument.Form(document.form), number=document.number,
        issuing_country=document.issuing_country_id, issuing_code=document.issuing_code,
        issued_on=document.issued_on, expires_on=document.expires_on, kept_at=document.kept_at,
        zone=document.zone.splitlines(),
        zone_status=IdentityDocument.ZoneStatus(document.zone_status),
        recorded_by=document.recorded_by.username, recorded_at=document.recorded_at,
    )


@router.get(
    "/people/{person_id}/documents", response=responses(200, list[DocumentOut], [404, 422]),
    operation_id="list_documents",
)
def list_documents(
    request: HttpRequest, person_id: UUID, reason: ReadReason = ""
) -> list[DocumentOut]:
    """The person's identity and travel documents, in the order they were recorded."""
    user = caller(request)
    person = visible_person(user, person_id)
    documents = list(IdentityDocument.objects.visible_to(user).filter(person=person)
                     .select_related("recorded_by"))
    log_read(user, "read", "identity_document", [d.pk for d in documents],
             person_ids=[person.pk], reason=reason)
    return [_out(d) for d in documents]


@router.post(
    "/people/{person_id}/documents",
    response=responses(201, DocumentOut, [400, 403, 404, 422]),
    operation_id="record_identity_document",
)
def record_identity_document(
    request: HttpRequest, person_id: UUID, body: DocumentIn
) -> Status[DocumentOut]:
    """Record an identity or travel document of the person; the person's open cases record
    it too."""
    data = actions.NewDocument(**body.model_dump(exclude={"reason", "issuing_country"}),
                               issuing_country=body.issuing_country or "")
    document = actions.record_identity_document(
        caller(request), person_id, data, reason=body.reason, channel=CHANNEL)
    return Status(201, _out(document))


class EvidenceIn(Schema):
    kind: Annotated[IdentityEvidence.Kind, ModelChoices()]
    taken_on: date
    nationality: CountryCode | None = None
    reference: Annotated[Line, Field(max_length=100)] = Field(
        "", description="The reference in the system that holds it (biometrics: required).")
    quality: IdentityEvidence.Quality | None = None
    summary: Text = ""
    reason: Text = ""


class EvidenceOut(Schema):
    id: UUID
    kind: Annotated[IdentityEvidence.Kind, ModelChoices()]
    taken_on: date
    nationality: str | None
    reference: str
    quality: str
    summary: str


@router.post(
    "/people/{person_id}/evidence",
    response=responses(201, EvidenceOut, [400, 403, 404, 422]),
    operation_id="record_identity_evidence",
)
def record_identity_evidence(
    request: HttpRequest, person_id: UUID, body: EvidenceIn
) -> Status[EvidenceOut]:
    """Record evidence of identity or nationality other than a document (interviews, language
    analysis, declared identity, the reference of biometric data taken)."""
    fields = body.model_dump(exclude={"reason", "nationality", "quality"})
    data = actions.NewEvidence(**fields, nationality=body.nationality or "",
                               quality=body.quality or "")
    evidence = actions.record_identity_evidence(
        caller(request), person_id, data, reason=body.reason, channel=CHANNEL)
    return Status(201, EvidenceOut(
        id=evidence.pk, kind=IdentityEvidence.Kind(evidence.kind), taken_on=evidence.taken_on,
        nationality=evidence.nationality_id, reference=evidence.reference,
        quality=evidence.quality, summary=evidence.summary,
    ))


class DossierItemOut(Schema):
    source: str = Field(description="document or evidence")
    id: str
    kind: str
    counts_as: str = Field(description="proof, prima_facie or supporting")
    why: str


class DossierOut(Schema):
    country: str
    status: str = Field(description="complete, prima_facie or incomplete")
    items: list[DossierItemOut]
    missing: list[str]
    rules_source: str
    rules_verified: bool
    warnings: list[str]


@router.get(
    "/people/{person_id}/dossier", response=responses(200, DossierOut, [404, 422]),
    operation_id="identification_dossier",
)
def identification_dossier(
    request: HttpRequest, person_id: UUID, country: CountryCode, reason: ReadReason = ""
) -> DossierOut:
    """Whether what shows the person's identity and nationality is enough for return to
    ``country`` under its evidence rules, and what is missing."""
    user = caller(request)
    person = visible_person(user, person_id)
    result = dossier.evaluate(person, country, clock.today())
    log_read(user, "read", "identification_dossier", [person.pk], person_ids=[person.pk],
             reason=reason)
    return DossierOut(
        country=result.country, status=result.status,
        items=[DossierItemOut(**vars(i)) for i in result.items], missing=result.missing,
        rules_source=result.rule.source, rules_verified=result.rule.verified,
        warnings=result.warnings,
    )
