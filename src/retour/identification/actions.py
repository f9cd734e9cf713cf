"""Recording identity and travel documents: the one write path for documents."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

from retour import bulk, clock
from retour.accounts.roles import Capability
from retour.cases.actions._core import note_on_open_cases
from retour.errors import InvalidInput, one_of
from retour.identification import dossier
from retour.identification.models import IdentityDocument, IdentityEvidence
from retour.identification.mrz import Mrz, NotAnMrz, parse
from retour.identification.reading import as_field_errors, describe_code
from retour.people.models import Person
from retour.reference.models import Country
from retour.seam import pipeline
from retour.seam.actions import declare, implements
from retour.seam.pipeline import Done, Step

K = IdentityDocument.Kind
# Documents that always carry a number (a birth certificate or "other" may not).
_NUMBERED = {K.PASSPORT, K.IDENTITY_CARD, K.LAISSEZ_PASSER, K.EU_TRAVEL_DOCUMENT,
             K.RESIDENCE_PERMIT, K.DRIVING_LICENCE}


# The check digits of a zone (``mrz.Mrz.check_digits``), as a refusal names them.
CHECK_NAMES = {
    "document_number": gettext_lazy("document number"),
    "birth_date": gettext_lazy("date of birth"),
    "expiry_date": gettext_lazy("date of expiry"),
    "optional_data": gettext_lazy("personal number"),
    "composite": gettext_lazy("composite check digit"),
}

# What a refusal says the role may not do, for every action of identification work.
IDENTIFICATION_WORK = gettext_noop("record identification work")


def on_open_cases(
    user: Any, persons: Iterable[Person], reason: str
) -> Callable[[str, dict[str, Any]], None]:
    """Where else an event about ``persons`` is recorded: on each of their open cases
    (``note_on_open_cases``), for ``Done.also``."""

    def note(event_type: str, payload: dict[str, Any]) -> None:
        for person in persons:
            note_on_open_cases(user, person, event_type, reason, payload)

    return note


def _of_the_person(name: str, model: type[Any], object_type: str, label: Any) -> None:
    pipeline.subject(
        name, model, label=label, object_type=object_type, related=("person",),
        member_state=lambda record: record.person.member_state_id,
        persons=lambda record: [record.person_id],
    )


_of_the_person("identity_document", IdentityDocument, "identity_document",
               pgettext_lazy("access log", "identity document"))
_of_the_person("identity_evidence", IdentityEvidence, "identity_evidence",
               pgettext_lazy("access log", "identity evidence"))
declare("person", (
    Step("record_identity_document", gettext_noop("Record document"), Capability.IDENTIFY,
         makes="identity_document", refused=IDENTIFICATION_WORK,
         audit="record identity document"),
    Step("record_identity_evidence", gettext_noop("Record other identity evidence"),
         Capability.IDENTIFY, makes="identity_evidence", refused=IDENTIFICATION_WORK,
         audit="record identity evidence"),
))


@dataclass
class NewDocument:
    kind: str
    form: str
    number: str = ""
    issuing_country: str = ""  # ISO 3166-1 alpha-2
    issued_on: date | None = None
    expires_on: date | None = None
    kept_at: str = ""
    zone: list[str] = field(default_factory=list)
    # The officer has seen the failed check digits and records the zone anyway.
    confirm_unverified: bool = False


def _read_zone(data: NewDocument, errors: dict[str, str]) -> Mrz | None:
    lines = [line for line in data.zone if line.strip()]
    if not lines:
        return None
    try:
        zone = parse(lines, today=clock.today())
    except NotAnMrz as exc:
        errors.update(as_field_errors(exc, field="zone"))
        return None
    if not zone.valid and not data.confirm_unverified:
        failed = [
            _("%(check)s (printed %(found)s, computed %(computed)s)") % {
                "check": CHECK_NAMES.get(name, name), "found": c.found, "computed": c.computed}
            for name, c in zone.check_digits.items() if not c.valid
        ]
        errors["zone"] = _(
            "the zone does not check: %(failed)s. Correct it, or confirm that it is recorded "
            "as unverified"
        ) % {"failed": "; ".join(failed) or _("a date that is not in the calendar")}
    return zone


def _agree(errors: dict[str, str], name: str, given: Any, read: Any) -> Any:
    """The value given, or the zone's if none was; a disagreement is an error on the field."""
    if read in (None, ""):
        return given
    if given in (None, "") or given == read:
        return read
    shown = read.isoformat() if isinstance(read, date) else getattr(read, "code", read)
    errors[name] = _("the machine-readable zone says %(value)s") % {"value": shown}
    return given


def _validate(data: NewDocument) -> tuple[dict[str, Any], Mrz | None]:
    errors: dict[str, str] = {}
    if data.kind not in K.values:
        errors["kind"] = one_of(K.values)
    if data.form not in IdentityDocument.Form.values:
        errors["form"] = one_of(IdentityDocument.Form.values)
    zone = _read_zone(data, errors)
    number = data.number.strip().upper()
    country = None
    if data.issuing_country:
        country = Country.objects.by_code([data.issuing_country]).get(
            data.issuing_country.upper())
        if country is None:
            errors["issuing_country"] = _("unknown country code '%(code)s'") % {
                "code": data.issuing_country}
    issuing_code = ""
    expires_on = data.expires_on
    if zone is not None:
        number = _agree(errors, "number", number, zone.document_number)
        described = describe_code(zone.issuing_state)
        issuing_code = described["code"]
        read_country = Country.objects.by_code([described["country"]]).get(
            described["country"]) if described["country"] else None
        country = _agree(errors, "issuing_country", country, read_country)
        expires_on = _agree(errors, "expires_on", expires_on, zone.expiry_date.value)
    # Without a readable zone, what it would have said is unknown: its error comes alone.
    zone_unreadable = any(name.startswith("zone") for name in errors)
    if data.kind in _NUMBERED and not number and not zone_unreadable:
        errors["number"] = _("a %(kind)s has a number") % {"kind": K(data.kind).label}
    if data.issued_on and data.issued_on > clock.today():
        errors["issued_on"] = _("%(date)s is in the future") % {"date": data.issued_on}
    if data.issued_on and expires_on and expires_on < data.issued_on:
        errors["expires_on"] = _("cannot be before the date of issue")
    if errors:
        raise InvalidInput(errors)
    return {"number": number, "issuing_country": country, "issuing_code": issuing_code,
            "expires_on": expires_on}, zone


@implements(events=("identity_document_recorded",))
def record_identity_document(
    user: Any, person_id: Any, data: NewDocument, *, reason: str = "", channel: str = "",
) -> IdentityDocument:
    """Record a document of the person. A machine-readable zone, if given, is parsed and
    checked (ICAO Doc 9303); fields left empty are taken from it, fields that disagree with it
    are refused. A zone whose check digits fail is stored only when the officer confirms it,
    marked unverified; lines that are not a zone are never stored."""

    def change(person: Person) -> Done:
        values, zone = _validate(data)
        status = IdentityDocument.ZoneStatus.NONE
        if zone is not None:
            status = (IdentityDocument.ZoneStatus.VERIFIED if zone.valid
                      else IdentityDocument.ZoneStatus.UNVERIFIED)
        document = bulk.add(person, "documents", IdentityDocument(
            person=person, kind=data.kind, form=data.form, issued_on=data.issued_on,
            kept_at=data.kept_at.strip(), zone="\n".join(zone.lines) if zone else "",
            zone_status=status, recorded_by=user, recorded_at=clock.now(), **values,
        ))
        return Done(document, {
            "document": {
                "id": str(document.pk), "kind": document.kind, "form": document.form,
                "issuing_country": document.issuing_country_id or document.issuing_code,
                "expires_on": document.expires_on.isoformat() if document.expires_on else None,
                "zone_status": document.zone_status,
            },
            **_identified(person, document.issuing_country_id),
        }, also=on_open_cases(user, [person], reason))

    document: IdentityDocument = pipeline.take(user, "record_identity_document", person_id,
                                               change, reason=reason, channel=channel)
    return document


@dataclass
class NewEvidence:
    kind: str
    taken_on: date
    nationality: str = ""  # ISO 3166-1 alpha-2: the nationality the evidence points to
    reference: str = ""
    quality: str = ""
    summary: str = ""


def _identified(person: Any, points_to: str | None) -> dict[str, Any]:
    """The countries (the person's nationalities and the one the new evidence points to) for
    which the dossier is now complete (proof of nationality under that country's rules), for
    the case events: the statistics count a case as identified from the first such event."""
    today = clock.today()
    countries = {n.country_id for n in bulk.select(person, "nationalities")}
    if points_to:
        countries.add(points_to)
    complete = [c for c in sorted(countries)
                if dossier.evaluate(person, c, today).status == "complete"]
    return {"identified_for": complete} if complete else {}


@implements(events=("identity_evidence_recorded",))
def record_identity_evidence(
    user: Any, person_id: Any, data: NewEvidence, *, reason: str = "", channel: str = "",
) -> IdentityEvidence:
    """Record evidence of identity or nationality other than a document: an interview,
    a language analysis, the identity declared, biometric data taken (only the reference to the
    national biometric system, its date and quality: no images here)."""

    def change(person: Person) -> Done:
        errors: dict[str, str] = {}
        if data.kind not in IdentityEvidence.Kind.values:
            errors["kind"] = one_of(IdentityEvidence.Kind.values)
        if data.taken_on > clock.today():
            errors["taken_on"] = _("%(date)s is in the future") % {
                "date": data.taken_on.isoformat()}
        if data.quality and data.quality not in IdentityEvidence.Quality.values:
            errors["quality"] = one_of(IdentityEvidence.Quality.values)
        if data.kind == IdentityEvidence.Kind.BIOMETRICS and not data.reference.strip():
            errors["reference"] = _("give the reference in the national biometric system")
        country = None
        if data.nationality:
            country = Country.objects.by_code([data.nationality]).get(data.nationality.upper())
            if country is None:
                errors["nationality"] = _("unknown country code '%(code)s'") % {
                    "code": data.nationality}
        if errors:
            raise InvalidInput(errors)
        evidence = bulk.add(person, "identity_evidence", IdentityEvidence(
            person=person, kind=data.kind, taken_on=data.taken_on, nationality=country,
            reference=data.reference.strip(), quality=data.quality,
            summary=data.summary.strip(), recorded_by=user, recorded_at=clock.now(),
        ))
        return Done(evidence, {
            "evidence": {"id": str(evidence.pk), "kind": evidence.kind,
                         "taken_on": evidence.taken_on.isoformat(),
                         "nationality": evidence.nationality_id},
            **_identified(person, evidence.nationality_id),
        }, also=on_open_cases(user, [person], reason))

    evidence: IdentityEvidence = pipeline.take(user, "record_identity_evidence", person_id,
                                               change, reason=reason, channel=channel)
    return evidence
