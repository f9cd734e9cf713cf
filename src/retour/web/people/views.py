"""Registering a person (the persons who may be the same shown first), opening a
return case for them, and recording a vulnerability found later, from one of their cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from retour import clock, display
from retour.accounts.roles import Capability
from retour.audit.log import record_access
from retour.cases import actions as case_actions
from retour.cases.models import ReturnCase
from retour.cases.stages import Stage
from retour.errors import InvalidInput, PermissionRefused
from retour.identification import reviews
from retour.identification.matching.candidates import (
    Candidate,
    PersonQuery,
    QueryName,
    find_candidates,
)
from retour.people import actions as people_actions
from retour.people.actions import NewPerson
from retour.people.models import Person, Vulnerability
from retour.people.names import search_key
from retour.web.cases.views_case import case_crumbs, visible_case
from retour.web.form_support import apply_refusal, signed_in
from retour.web.forms_actions import CHANNEL
from retour.web.match_reasons import FieldScore, field_scores
from retour.web.people.forms import NewCaseForm, NewPersonForm, RecordVulnerabilityForm
from retour.web.persons import ShownPerson, keep_health_reason, persons_shown, shown_person
from retour.web.views import refused_page


@dataclass(frozen=True)
class CandidateRow:
    """A person already registered who may be the one being registered, and why. A person
    outside the user's need to know shows who they are and which authority knows them (holds
    their case, or registered them), not their file (no link, vulnerabilities or relatives)."""

    person: ShownPerson
    dossier_url: str | None
    cases: list[ReturnCase]
    held_by: list[str]
    score: float
    reasons: list[FieldScore]


def _query(data: NewPerson) -> PersonQuery:
    """The person as typed at intake, as a matching query (no documents yet)."""
    return PersonQuery(
        names=[QueryName(n.surname, n.given_names, n.script) for n in data.names],
        birth_year=data.birth_year, birth_month=data.birth_month, birth_day=data.birth_day,
        sex=data.sex, nationalities=list(data.claimed_nationalities),
    )


def _candidate_rows(user: Any, candidates: list[Candidate]) -> list[CandidateRow]:
    ids = [c.person.pk for c in candidates]
    found = {p.pk: p for p in persons_shown(user, matching=True).filter(pk__in=ids)}
    visible = set(Person.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    cases = list(ReturnCase.objects.visible_to(user).filter(person__in=visible).order_by(
        "opened_at"))
    holders: dict[Any, set[str]] = {}
    for person_id, holder in (ReturnCase.objects.filter(person__in=ids).exclude(
            person__in=visible).values_list("person_id", "responsible_authority__name")):
        holders.setdefault(person_id, set()).add(holder)
    for person_id, registrar in (Person.objects.filter(pk__in=ids).exclude(pk__in=visible)
                                 .values_list("pk", "registered_by__name")):
        holders.setdefault(person_id, {registrar})  # no case yet: who registered them
    return [
        CandidateRow(
            person=shown_person(found[c.person.pk], user,
                                identity_only=c.person.pk not in visible),
            dossier_url=(reverse("person-dossier", args=[c.person.pk])
                         if c.person.pk in visible else None),
            cases=[case for case in cases if case.person_id == c.person.pk],
            held_by=sorted(holders.get(c.person.pk, ())),
            score=c.comparison.total, reasons=field_scores(c.comparison.reasons),
        )
        for c in candidates
    ]


@require_http_methods(["GET", "POST"])
@login_required
def new_person(request: HttpRequest) -> HttpResponse:
    """Register a person; first, the persons of the member state who may be the same one
    (``matching.find_candidates``) are shown with the reasons, and nothing is saved until the
    officer opens one of them or confirms. Confirmed, the pairs go to the review queue where
    an officer decides them with a reason (``reviews.queue_possible_matches``): records are
    never merged (GDPR Art. 5(1)(d), Art. 22)."""
    user = signed_in(request)
    title = _("Register a person")
    if not user.can(Capability.REGISTER_PERSON):
        return refused_page(request, title, _("Your role does not allow registering persons."))
    candidates: list[Candidate] = []
    status = 200
    if request.method == "POST":
        form = NewPersonForm(request.POST)
        if form.is_valid():
            data = form.new_person()
            candidates = find_candidates(user, _query(data), threshold=reviews.REVIEW_THRESHOLD)
            shown_before = form.cleaned_data["checked_against"]
            unconfirmed = [c for c in candidates if str(c.person.pk) not in form.confirmed_ids()]
            if not unconfirmed:
                try:
                    with transaction.atomic():
                        person = people_actions.register_person(user, data, channel=CHANNEL)
                        queued = reviews.queue_possible_matches(
                            user, person.pk, reason="possible match shown at registration",
                            channel=CHANNEL) if candidates else []
                except InvalidInput as exc:
                    apply_refusal(form, exc.errors, form.field_for)
                    status = 422
                except PermissionRefused as exc:
                    return refused_page(request, title, str(exc))
                else:
                    messages.success(request, _("The person is registered."))
                    if queued:
                        messages.info(request, ngettext(
                            "%(count)d possible match is waiting for review.",
                            "%(count)d possible matches are waiting for review.", len(queued),
                        ) % {"count": len(queued)})
                    return redirect("person-new-case", person_id=person.pk)
            else:
                ids = [c.person.pk for c in candidates]
                # As the API logs a match: what identifies the search, not the whole record.
                record_access(
                    user, "search", "person", ids, person_ids=ids,
                    search_terms={
                        "names": [search_key(n.given_names, n.surname) for n in data.names],
                        "birth_year": data.birth_year,
                    },
                    reason="check for a person already registered", channel=CHANNEL,
                )
                resubmit = request.POST.copy()
                resubmit["checked_against"] = ",".join(str(i) for i in ids)
                form = NewPersonForm(resubmit)
                form.is_valid()
                if shown_before:
                    form.add_error(
                        "different_person",
                        _("Confirm that this is a different person, or open the case of the "
                          "person already registered."),
                    )
                status = 409
        else:
            status = 422
    else:
        form = NewPersonForm()
    context = {
        "form": form,
        "candidates": _candidate_rows(user, candidates) if status == 409 else [],
        "breadcrumbs": [(_("Home"), reverse("home")), (title, None)],
    }
    return render(request, "web/people/new_person.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def new_case(request: HttpRequest, person_id: Any) -> HttpResponse:
    user = signed_in(request)
    row = persons_shown(user).filter(pk=person_id).first()
    if row is None:
        raise Http404
    title = _("Open a return case")
    if not user.can(Capability.OPEN_CASE):
        return refused_page(request, title, _("Your role does not allow opening return cases."))
    status = 200
    if request.method == "POST":
        form = NewCaseForm(request.POST, person=row)
        if form.is_valid():
            try:
                case = case_actions.open_case(
                    user, row.pk, **form.cleaned_data, channel=CHANNEL
                )
            except InvalidInput as exc:
                apply_refusal(form, exc.errors)
                status = 422
            except PermissionRefused as exc:
                return refused_page(request, title, str(exc))
            else:
                messages.success(request, _("The case is opened."))
                return redirect("case", case_id=case.pk)
        else:
            status = 422
    else:
        own = {"responsible_authority": user.authority.code} if user.authority else {}
        form = NewCaseForm(person=row, initial=own)
    person = shown_person(row, user)
    record_access(
        user, "read", "person", [row.pk], person_ids=person.shown_person_ids, channel=CHANNEL
    )
    cases = ReturnCase.objects.visible_to(user).filter(person=row).order_by("-opened_at")
    context = {
        "form": form,
        "person": person,
        "cases": [(c, display.label(Stage, c.stage)) for c in cases],
        "breadcrumbs": [(_("Home"), reverse("home")), (title, None)],
    }
    return render(request, "web/people/new_case.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def record_vulnerability(request: HttpRequest, case_id: Any) -> HttpResponse:
    """A vulnerability of the person of a case, found after registration (Directive
    2008/115/EC Art. 3(9)); the action notes it in every open case of the person."""
    user = signed_in(request)
    case = visible_case(user, case_id)
    title = _("Record a vulnerability")
    crumbs = case_crumbs(case, (title, None))
    if not user.can(Capability.REGISTER_PERSON):
        return refused_page(
            request, title, _("Your role does not allow recording vulnerabilities."), crumbs
        )
    status = 200
    if request.method == "POST":
        form = RecordVulnerabilityForm(request.POST)
        if form.is_valid():
            try:
                vulnerability = case_actions.record_vulnerability(
                    user, case.person_id, **form.cleaned_data, channel=CHANNEL
                )
            except InvalidInput as exc:
                apply_refusal(form, exc.errors)
                status = 422
            except PermissionRefused as exc:
                return refused_page(request, title, str(exc), crumbs)
            else:
                kind = display.label(Vulnerability.Kind, vulnerability.kind)
                messages.success(
                    request, _("The vulnerability “%(kind)s” is recorded.") % {"kind": kind}
                )
                # Whoever just recorded it reads it back for the reason they recorded it.
                keep_health_reason(request, case.pk, form.cleaned_data.get("reason")
                                   or "recorded the vulnerability")
                return redirect("case", case_id=case.pk)
        else:
            status = 422
    else:
        form = RecordVulnerabilityForm(initial={"noted_on": clock.today()})
    person = shown_person(persons_shown(user).get(pk=case.person_id), user)
    record_access(
        user, "read", "person", [person.id], person_ids=person.shown_person_ids, channel=CHANNEL
    )
    context = {"case": case, "person": person, "form": form, "breadcrumbs": crumbs}
    return render(request, "web/case/vulnerability.html", context, status=status)
