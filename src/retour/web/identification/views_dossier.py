"""A person's identification dossier, and recording identity evidence other than a document.

The dossier page says, per country of return (the nationalities the person claims or has
confirmed, and any other country the officer chooses), whether what is recorded proves the
person's nationality, is prima facie evidence of it, or is not enough, under that country's
evidence rules (``retour.identification.dossier``; e.g. EU–Pakistan readmission agreement,
Council Decision 2010/649/EU, Annexes I and II): what counts and why, what is missing, and
whether the rules were checked against the instrument's text. Evidence is recorded only
through ``record_identity_evidence``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from retour import clock, display
from retour.accounts.roles import Capability
from retour.audit.log import record_access
from retour.cases.models import ReturnCase
from retour.cases.stages import OPEN_STAGES, Stage
from retour.errors import InvalidInput, PermissionRefused
from retour.identification import dossier
from retour.identification.actions import record_identity_evidence
from retour.identification.dossier import CountsAs, DossierStatus
from retour.identification.models import IdentityDocument, IdentityEvidence
from retour.people.display import display_name
from retour.people.models import Nationality, Person
from retour.reference.models import Country
from retour.web.form_support import apply_refusal, signed_in
from retour.web.forms_actions import CHANNEL
from retour.web.identification.forms_dossier import DossierCountryForm, RecordEvidenceForm
from retour.web.persons import date_of_birth
from retour.web.views import refused_page


@dataclass(frozen=True)
class CountedRow:
    """A document or another piece of evidence and what it counts as for the country."""

    what: str
    detail: str  # a document's number, an evidence's reference
    dates: list[tuple[str, date]]
    counts_as: str  # the code: the page marks proof apart
    counts_as_words: str
    why: str


@dataclass(frozen=True)
class CountryDossier:
    code: str
    country: str
    nationality: str  # claimed or confirmed; empty for a country the officer chose
    status: str  # the code: the page colours the badge by it
    status_words: str
    rows: list[CountedRow]
    missing: list[str]
    source: str
    verified: bool


@dataclass(frozen=True)
class EvidenceRow:
    kind: str
    taken_on: date
    nationality: str
    reference: str
    quality: str
    summary: str
    recorded_by: str


def _person(user: Any, person_id: Any) -> Person:
    """The person with what the dossier reads; a person out of the user's scope is a 404,
    like one that does not exist."""
    person: Person | None = (
        Person.objects.visible_to(user)
        .prefetch_related("names", "nationalities__country", "documents__issuing_country",
                          "identity_evidence__nationality", "identity_evidence__recorded_by")
        .filter(pk=person_id).first()
    )
    if person is None:
        raise Http404
    return person


def _crumbs(person: Person, *more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    here = reverse("person-dossier", args=[person.pk]) if more else None
    return [(_("Home"), reverse("home")), (_("Identification dossier"), here), *more]


def _document_row(document: IdentityDocument, item: dossier.Item) -> CountedRow:
    dates = [(_("issued"), document.issued_on), (_("valid until"), document.expires_on)]
    return CountedRow(
        what=display.label(IdentityDocument.Kind, document.kind), detail=document.number,
        dates=[(words, on) for words, on in dates if on is not None],
        counts_as=item.counts_as, counts_as_words=display.label(CountsAs, item.counts_as),
        why=item.why,
    )


def _evidence_row(evidence: IdentityEvidence, item: dossier.Item) -> CountedRow:
    return CountedRow(
        what=display.label(IdentityEvidence.Kind, evidence.kind), detail=evidence.reference,
        dates=[(_("taken on"), evidence.taken_on)],
        counts_as=item.counts_as, counts_as_words=display.label(CountsAs, item.counts_as),
        why=item.why,
    )


def country_dossier(person: Person, country: Country, nationality: str) -> CountryDossier:
    """The dossier of ``person`` for return to ``country`` as it stands today, in words."""
    result = dossier.evaluate(person, country.code, clock.today())
    documents = {str(d.pk): d for d in person.documents.all()}
    evidence = {str(e.pk): e for e in person.identity_evidence.all()}
    name = display.country_name(country)
    return CountryDossier(
        code=country.code, country=name, nationality=nationality, status=result.status,
        status_words=display.label(DossierStatus, result.status),
        rows=[_document_row(documents[i.id], i) if i.source == "document"
              else _evidence_row(evidence[i.id], i) for i in result.items],
        missing=dossier.what_is_missing(
            result.status, result.rule, name,
            lambda kind: display.label(IdentityDocument.Kind, kind),
        ),
        source=result.rule.source, verified=result.rule.verified,
    )


def _dossiers(person: Person, chosen: Country | None) -> list[CountryDossier]:
    """One per nationality claimed or confirmed (confirmed first), then the chosen country."""
    shown = [
        country_dossier(person, n.country, display.label(Nationality.Status, n.status))
        for n in sorted(person.nationalities.all(),
                        key=lambda n: (n.status != "confirmed", n.country_id))
    ]
    if chosen is not None and chosen.code not in {d.code for d in shown}:
        shown.append(country_dossier(person, chosen, ""))
    return shown


def _evidence_rows(person: Person) -> list[EvidenceRow]:
    return [
        EvidenceRow(
            kind=display.label(IdentityEvidence.Kind, e.kind), taken_on=e.taken_on,
            nationality=display.country_name(e.nationality),
            reference=e.reference, quality=display.label(IdentityEvidence.Quality, e.quality),
            summary=e.summary,
            recorded_by=e.recorded_by.get_full_name() or e.recorded_by.username,
        )
        for e in person.identity_evidence.all()
    ]


@require_GET
@login_required
def dossier_page(request: HttpRequest, person_id: Any) -> HttpResponse:
    user = signed_in(request)
    person = _person(user, person_id)
    form = DossierCountryForm(request.GET if "country" in request.GET else None)
    chosen = None
    if form.is_valid():
        chosen = Country.objects.get(code=form.cleaned_data["country"])
    cases = list(ReturnCase.objects.visible_to(user).filter(person=person).order_by("opened_at"))
    open_cases = [c for c in cases if c.stage in OPEN_STAGES]
    dossiers = _dossiers(person, chosen)
    context = {
        "person": person,
        "name": display_name(person.names.all()),
        "date_of_birth": date_of_birth(person),
        "dossiers": dossiers,
        "evidence": _evidence_rows(person),
        "form": form,
        "cases": [(c, display.label(Stage, c.stage)) for c in cases],
        # Documents are recorded from a case, where the history notes them.
        "document_case": open_cases[-1] if open_cases else None,
        "breadcrumbs": _crumbs(person),
    }
    # What the page shows of the person: the dossier, and each document and piece of evidence
    # it reads (as the API and the case page name them).
    record_access(user, "read", "identification_dossier", [person.pk], person_ids=[person.pk],
                  search_terms={"countries": [d.code for d in dossiers]},
                  channel=CHANNEL)
    for object_type, shown in (("identity_document", person.documents.all()),
                               ("identity_evidence", person.identity_evidence.all())):
        if shown:
            record_access(user, "read", object_type, [o.pk for o in shown],
                          person_ids=[person.pk], channel=CHANNEL)
    status = 422 if form.is_bound and not form.is_valid() else 200
    return render(request, "web/identification/dossier.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def record_evidence(request: HttpRequest, person_id: Any) -> HttpResponse:
    """Evidence of identity or nationality other than a document (interviews, language
    analysis, the identity declared, a biometric reference, a witness statement), recorded
    for the person and noted in the history of each of their open cases."""
    user = signed_in(request)
    person = _person(user, person_id)
    title = _("Record other identity evidence")
    crumbs = _crumbs(person, (title, None))
    if not user.can(Capability.IDENTIFY):
        return refused_page(request, title,
                            _("Your role does not allow recording identity evidence."), crumbs)
    status = 200
    if request.method == "POST":
        form = RecordEvidenceForm(request.POST)
        status = 422
        if form.is_valid():
            try:
                evidence = record_identity_evidence(
                    user, person.pk, form.new_evidence(), reason=form.cleaned_data["reason"],
                    channel=CHANNEL,
                )
            except InvalidInput as exc:
                apply_refusal(form, exc.errors)
            except PermissionRefused as exc:
                return refused_page(request, title, str(exc), crumbs)
            else:
                messages.success(request, _("The evidence “%(kind)s” is recorded.") % {
                    "kind": display.label(IdentityEvidence.Kind, evidence.kind)})
                return redirect("person-dossier", person_id=person.pk)
    else:
        form = RecordEvidenceForm(initial={"taken_on": clock.today()})
    record_access(user, "read", "person", [person.pk], person_ids=[person.pk], channel=CHANNEL)
    context = {
        "person": person,
        "name": display_name(person.names.all()),
        "date_of_birth": date_of_birth(person),
        "form": form,
        "breadcrumbs": crumbs,
    }
    return render(request, "web/identification/evidence.html", context, status=status)
