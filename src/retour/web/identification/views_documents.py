"""Recording an identity or travel document of the person of a case, and reading its
machine-readable zone before it is recorded.

"Read the zone" shows what a zone says (ICAO Doc 9303: kind of document, names, number,
nationality, dates, each check digit) while the officer types it; with JavaScript it swaps the
preview in with htmx, without it the button posts the whole form and the page comes back with
the preview and the input kept. Nothing is stored until the form is submitted, and then only
through ``record_identity_document``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from retour import clock, display
from retour.accounts.roles import Capability
from retour.audit.log import record_access
from retour.errors import InvalidInput, PermissionRefused
from retour.identification.actions import CHECK_NAMES, record_identity_document
from retour.identification.models import IdentityDocument
from retour.identification.mrz import parse
from retour.identification.reading import NotAnMrz, read_mrz
from retour.people.display import display_name
from retour.people.models import Sex
from retour.reference.models import Country
from retour.web.cases.views_case import case_crumbs, visible_case
from retour.web.form_support import apply_refusal, signed_in
from retour.web.forms_actions import CHANNEL
from retour.web.identification.forms_documents import RecordDocumentForm, ZoneForm
from retour.web.persons import date_of_birth
from retour.web.views import refused_page

# What the first letter of the document code says (``mrz.DOCUMENT_KINDS``).
ZONE_DOCUMENT_KINDS = {
    "passport": gettext_lazy("passport"),
    "visa": gettext_lazy("visa"),
    "identity document": gettext_lazy("identity document"),
    "other": gettext_lazy("other document"),
}
_SEX_CODES = {"male": "M", "female": "F", "unspecified": "X"}


@dataclass(frozen=True)
class CheckShown:
    name: str
    valid: bool
    found: str
    computed: str


@dataclass(frozen=True)
class ZonePreview:
    """What a zone says, or (``problems``) why it is not a zone."""

    problems: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    valid: bool = False
    checks: list[CheckShown] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _state(described: dict[str, Any], countries: dict[str, Country]) -> str:
    """A three-letter code of the zone with what it stands for."""
    if described["country"] in countries:
        name = display.country_name(countries[described["country"]])
    else:
        name = described["name"] or _("not a known code")
    return f"{name} ({described['code']})"


def _zone_date(value: dict[str, Any]) -> str:
    """A date of the zone as far as it is printed (a date of birth may lack day or month)."""
    if value["date"]:
        return date_format(date.fromisoformat(value["date"]))
    if value["year"] is None:
        return _("unknown")
    if value["month"] is not None and value["day"] is not None:
        return _("%(printed)s (not a date in the calendar)") % {"printed": value["raw"]}
    if value["month"] is not None and 1 <= value["month"] <= 12:
        return date_format(date(value["year"], value["month"], 1), "YEAR_MONTH_FORMAT")
    return str(value["year"])


def zone_preview(lines: list[str]) -> ZonePreview:
    """The zone as ``read_mrz`` reads it, in the words of the page."""
    try:
        read = read_mrz(lines)
    except NotAnMrz as exc:
        return ZonePreview(problems=[str(p) for p in exc.problems] or [str(exc)])
    codes = {read[k]["country"] for k in ("issuing_state", "nationality")} - {None}
    countries = {c.code: c for c in Country.objects.filter(code__in=codes)}
    kind = display.label(ZONE_DOCUMENT_KINDS, read["document_kind"])
    facts = [
        (_("Document"), f"{kind} ({read['document_code']}, {read['format']})"),
        (_("Issuing state"), _state(read["issuing_state"], countries)),
        (_("Surname"), read["primary_identifier"]),
        (_("Given names"), read["secondary_identifier"]),
        (_("Document number"), read["document_number"]),
        (_("Nationality"), _state(read["nationality"], countries)),
        (_("Date of birth"), _zone_date(read["birth_date"])),
        (_("Sex"), display.label(Sex, _SEX_CODES[read["sex"]])),
        (_("Valid until"), _zone_date(read["expiry_date"])),
    ]
    checks = [
        CheckShown(str(CHECK_NAMES.get(name, name)), c["valid"], c["found"], c["computed"])
        for name, c in read["check_digits"].items()
    ]
    return ZonePreview(facts=facts, valid=read["valid"], checks=checks,
                       warnings=read["warnings"])


def _preview_of(form: ZoneForm) -> ZonePreview | None:
    """The preview of the zone the form holds; None when nothing was typed."""
    if not form.is_valid():
        return ZonePreview(problems=[str(e) for e in form.errors["zone"]])
    lines = form.lines()
    return zone_preview(lines) if lines else None


def _check_digits_fail(lines: list[str]) -> bool:
    """Whether the lines are a zone whose check digits fail (the one refusal an officer may
    overrule by recording the zone as unverified), rather than no zone at all."""
    try:
        return not parse(lines, today=clock.today()).valid
    except NotAnMrz:
        return False


@require_POST
@login_required
def read_zone(request: HttpRequest, case_id: Any) -> HttpResponse:
    """The preview of the zone posted, for the htmx swap on the form page."""
    user = signed_in(request)
    case = visible_case(user, case_id)
    if not user.can(Capability.IDENTIFY):
        return refused_page(request, _("Record a document"),
                        _("Your role does not allow recording documents."))
    # No access-log entry: the preview shows only what the officer typed or pasted, not data
    # of the person stored in Retour; the case is loaded to keep the reading within the cases
    # the officer may work on, and nothing of it is shown.
    preview = _preview_of(ZoneForm(request.POST))
    return render(request, "web/case/document_zone.html", {"case": case, "preview": preview,
                                                           "zone_read": True})


@require_http_methods(["GET", "POST"])
@login_required
def record_document(request: HttpRequest, case_id: Any) -> HttpResponse:
    """An identity or travel document of the person of a case; the action notes it in every
    open case of the person. Documents that prove or indicate nationality are what a
    readmission request rests on (e.g. EU–Pakistan readmission agreement, Annexes I and II)."""
    user = signed_in(request)
    case = visible_case(user, case_id)
    title = _("Record a document")
    crumbs = case_crumbs(case, (title, None))
    if not user.can(Capability.IDENTIFY):
        return refused_page(request, title, _("Your role does not allow recording documents."),
                        crumbs)
    status, preview, zone_read = 200, None, False
    offer_unverified = request.method == "POST" and "confirm_unverified" in request.POST
    if request.method == "POST" and "read_zone" in request.POST:
        # Without JavaScript, "Read the zone" posts the whole form: the page comes back with
        # the preview and the input as typed, and nothing is recorded or refused.
        form = RecordDocumentForm(initial=request.POST.dict())
        preview, zone_read = _preview_of(ZoneForm(request.POST)), True
    elif request.method == "POST":
        form = RecordDocumentForm(request.POST)
        if form.is_valid():
            data = form.new_document()
            try:
                document = record_identity_document(
                    user, case.person_id, data, reason=form.cleaned_data["reason"],
                    channel=CHANNEL,
                )
            except InvalidInput as exc:
                apply_refusal(form, exc.errors, form.field_for)
                offer_unverified = offer_unverified or (
                    "zone" in exc.errors and _check_digits_fail(data.zone)
                )
                status = 422
            except PermissionRefused as exc:
                return refused_page(request, title, str(exc), crumbs)
            else:
                kind = display.label(IdentityDocument.Kind, document.kind)
                messages.success(request, _("The document “%(kind)s” is recorded.") % {
                    "kind": kind})
                return redirect("case", case_id=case.pk)
        else:
            status = 422
    else:
        form = RecordDocumentForm()
    person = case.person
    record_access(user, "read", "person", [person.pk], person_ids=[person.pk], channel=CHANNEL)
    context = {
        "case": case,
        "name": display_name(person.names.all()),
        "date_of_birth": date_of_birth(person),
        "form": form,
        "preview": preview,
        "zone_read": zone_read,
        "offer_unverified": offer_unverified,
        "breadcrumbs": crumbs,
    }
    return render(request, "web/case/document.html", context, status=status)
