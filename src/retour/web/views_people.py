"""Registering a person (warning first when they may already be registered), opening a
return case for them, and recording a vulnerability found later, from one of their cases."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from retour import clock
from retour.accounts.roles import Capability
from retour.audit.log import record_access
from retour.cases import actions as case_actions
from retour.cases.models import ReturnCase
from retour.errors import InvalidInput, PermissionRefused
from retour.people import actions as people_actions
from retour.people.actions import NameInput
from retour.people.models import Person, PersonName
from retour.people.names import search_key
from retour.web import labels as L
from retour.web.form_support import apply_refusal, signed_in
from retour.web.forms_actions import CHANNEL
from retour.web.forms_people import NewCaseForm, NewPersonForm, RecordVulnerabilityForm
from retour.web.persons import ShownPerson, persons_shown, shown_person
from retour.web.views_case import case_crumbs, visible_case


def similar_persons(user: Any, names: list[NameInput], birth_year: int | None) -> list[Person]:
    """Persons of the user's member state born the same year (or, like the new person, in an
    unknown year) with a name of the same words in any order, or the same surname."""
    wanted = [
        (frozenset(search_key(n.given_names, n.surname).split()), search_key(n.surname))
        for n in names
    ]
    # The database narrows the names down by containment; the exact comparison of words
    # follows here.
    narrowed = Q(pk__in=[])
    for words, surname in wanted:
        if words:
            narrowed |= Q(*(Q(search_key__icontains=w) for w in words))
        if surname:
            narrowed |= Q(search_key__icontains=surname)
    born = Person.objects.visible_to(user).filter(
        Q(birth_year=birth_year) if birth_year is not None else Q(birth_year__isnull=True)
    )
    candidates = PersonName.objects.filter(narrowed, person__in=born)
    matching = {
        name.person_id
        for name in candidates.only("person_id", "surname", "search_key")
        for words, surname in wanted
        if frozenset(name.search_key.split()) == words
        or (surname and search_key(name.surname) == surname)
    }
    return list(persons_shown(user).filter(pk__in=matching).order_by("created_at"))


def refused_page(
    request: HttpRequest, title: str, reason: str,
    crumbs: list[tuple[str, str | None]] | None = None,
) -> HttpResponse:
    crumbs = crumbs or [(_("Home"), reverse("home")), (title, None)]
    return render(
        request, "web/people/refused.html",
        {"title": title, "reason": reason, "breadcrumbs": crumbs}, status=403,
    )


def _with_cases(user: Any, persons: list[Person]) -> list[tuple[ShownPerson, list[ReturnCase]]]:
    cases = ReturnCase.objects.visible_to(user).filter(person__in=persons).order_by("opened_at")
    return [(shown_person(p, user), [c for c in cases if c.person_id == p.pk]) for p in persons]


@require_http_methods(["GET", "POST"])
@login_required
def new_person(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    title = _("Register a person")
    if not user.can(Capability.REGISTER_PERSON):
        return refused_page(request, title, _("Your role does not allow registering persons."))
    similar: list[Person] = []
    status = 200
    if request.method == "POST":
        form = NewPersonForm(request.POST)
        if form.is_valid():
            data = form.new_person()
            similar = similar_persons(user, data.names, data.birth_year)
            shown_before = form.cleaned_data["checked_against"]
            unconfirmed = [p for p in similar if str(p.pk) not in form.confirmed_ids()]
            if not unconfirmed:
                try:
                    person = people_actions.register_person(user, data, channel=CHANNEL)
                except InvalidInput as exc:
                    apply_refusal(form, exc.errors, form.field_for)
                    status = 422
                except PermissionRefused as exc:
                    return refused_page(request, title, str(exc))
                else:
                    messages.success(request, _("The person is registered."))
                    return redirect("person-new-case", person_id=person.pk)
            else:
                record_access(
                    user, "search", "person", [p.pk for p in similar],
                    person_ids=[p.pk for p in similar],
                    search_terms={
                        "names": [search_key(n.given_names, n.surname) for n in data.names],
                        "birth_year": data.birth_year,
                    },
                    reason="check for a person already registered", channel=CHANNEL,
                )
                resubmit = request.POST.copy()
                resubmit["checked_against"] = ",".join(str(p.pk) for p in similar)
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
        "similar": _with_cases(user, similar) if status == 409 else [],
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
        "cases": [(c, L.label(L.STAGES, c.stage)) for c in cases],
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
                kind = L.label(L.VULNERABILITIES, vulnerability.kind)
                messages.success(
                    request, _("The vulnerability “%(kind)s” is recorded.") % {"kind": kind}
                )
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
