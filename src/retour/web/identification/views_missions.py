"""Identification missions of the user's member state: the list with the planning list of
persons ready to be presented to a country's delegation, planning a mission, and one mission
with the persons presented to it, presenting another and recording outcomes, and cancelling a
planned mission after a confirmation that says why.

Readmission agreements let the requested state interview a person when no document proves
nationality (e.g. EU–Pakistan readmission agreement, Council Decision 2010/649/EU, Annex II).
Every change goes through ``retour.identification.missions``; every list of persons shown is
kept in the access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from retour import clock, display
from retour.accounts.roles import Capability
from retour.audit.log import record_access
from retour.errors import InvalidInput, NotVisible, PermissionRefused
from retour.identification.dossier import DossierStatus
from retour.identification.missions import (
    UNKNOWN,
    ReadyPerson,
    cancel_mission,
    persons_ready_for,
    plan_mission,
    present_person,
    record_presentation_outcome,
    visible_mission,
)
from retour.identification.models import IdentificationMission, MissionPresentation
from retour.people.display import display_name
from retour.people.models import Nationality, Person
from retour.reference.models import Country
from retour.web.form_support import apply_refusal, signed_in
from retour.web.forms_actions import CHANNEL
from retour.web.identification.forms_missions import (
    CancelMissionForm,
    CountryForm,
    OutcomeForm,
    PlanMissionForm,
    PresentForm,
)
from retour.web.persons import date_of_birth
from retour.web.views import refused_page

# The planning list's word for a person never presented (``missions.UNKNOWN``); a presentation
# says where the person is with one of ``MissionPresentation.Availability``.
NOT_RECORDED = gettext_lazy("not recorded")


def availability_words(code: str) -> str:
    if code == UNKNOWN:
        return str(NOT_RECORDED)
    return display.label(MissionPresentation.Availability, code)


@dataclass(frozen=True)
class ReadyRow:
    case_id: Any
    case_url: str
    case_number: str
    name: str
    date_of_birth: str
    nationality: str  # claimed or confirmed
    dossier: str
    availability: str
    whereabouts_unknown: bool


@dataclass(frozen=True)
class PresentationRow:
    id: Any
    name: str
    date_of_birth: str
    case_url: str
    case_number: str
    availability: str
    outcome: str
    outcome_on: date | None
    notes: str
    pending: bool
    form: OutcomeForm | None


def _crumbs(*more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Home"), reverse("home")), (_("Identification missions"), reverse("missions")),
            *more]


def _refused(request: HttpRequest, title: str, crumbs: Any = None) -> HttpResponse:
    return refused_page(request, title,
                        _("Your role does not allow identification work."), crumbs)


def _status_of(person: Person, country: str) -> str | None:
    """The person's nationality status for ``country`` (prefetched by ``persons_ready_for``)."""
    return next((n.status for n in person.nationalities.all() if n.country_id == country), None)


def _ready_rows(ready: list[ReadyPerson], country: str) -> list[ReadyRow]:
    return [
        ReadyRow(
            case_id=r.case.pk, case_url=reverse("case", args=[r.case.pk]),
            case_number=r.case.number, name=display_name(r.person.names.all()),
            date_of_birth=date_of_birth(r.person),
            nationality=display.label(Nationality.Status, _status_of(r.person, country)),
            dossier=display.label(DossierStatus, r.dossier.status),
            availability=availability_words(r.availability),
            whereabouts_unknown=r.availability == MissionPresentation.Availability
            .WHEREABOUTS_UNKNOWN,
        )
        for r in ready
    ]


def _planning(user: Any, country: str) -> list[ReadyRow]:
    """The planning list for ``country``, logged as read (as the API logs it)."""
    ready = persons_ready_for(user, country, clock.today())
    record_access(user, "read", "mission_planning", [r.case.pk for r in ready],
                  person_ids=[r.person.pk for r in ready], search_terms={"country": country},
                  channel=CHANNEL)
    return _ready_rows(ready, country.upper())


def _missions(user: Any) -> list[IdentificationMission]:
    """Upcoming and running missions first, soonest first; then the past, latest first."""
    today = clock.today()
    found = (IdentificationMission.objects.visible_to(user).select_related("country")
             .annotate(presented=Count("presentations")))
    upcoming = list(found.filter(ends_on__gte=today).order_by("starts_on", "created_at"))
    return upcoming + list(found.filter(ends_on__lt=today).order_by("-starts_on", "-created_at"))


@require_GET
@login_required
def mission_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    title = _("Identification missions")
    if not user.can(Capability.IDENTIFY):
        return _refused(request, title)
    form = CountryForm(request.GET if "country" in request.GET else None)
    rows = _planning(user, form.cleaned_data["country"]) if form.is_valid() else None
    context: dict[str, Any] = {"form": form, "rows": rows,
               "country": display.country_name(Country.objects.filter(
                   code=form.cleaned_data["country"]).first()) if rows is not None else ""}
    if request.headers.get("HX-Request"):
        return render(request, "web/missions/planning.html", context)
    context |= {
        "missions": [(m, display.country_name(m.country),
                      display.label(IdentificationMission.Kind, m.kind),
                      display.label(IdentificationMission.Status, m.status),
                      m.status == IdentificationMission.Status.CANCELLED)
                     for m in _missions(user)],
        "breadcrumbs": [(_("Home"), reverse("home")), (title, None)],
    }
    return render(request, "web/missions/list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def new_mission(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    title = _("Plan a mission")
    crumbs = _crumbs((title, None))
    if not user.can(Capability.IDENTIFY):
        return _refused(request, title, crumbs)
    status = 200
    form = PlanMissionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                mission = plan_mission(user, form.new_mission(), channel=CHANNEL)
            except InvalidInput as exc:
                apply_refusal(form, exc.errors)
            except PermissionRefused as exc:
                return refused_page(request, title, str(exc), crumbs)
            else:
                messages.success(request, _("The mission is planned."))
                return redirect("mission", mission_id=mission.pk)
    return render(request, "web/missions/new.html",
                  {"form": form, "breadcrumbs": crumbs}, status=status)


def _mission(user: Any, mission_id: Any) -> IdentificationMission:
    try:
        mission: IdentificationMission = visible_mission(user, mission_id)
    except NotVisible:
        raise Http404 from None
    return mission


def _outcome_prefix(presentation_id: Any) -> str:
    return f"o{presentation_id.hex}"


def _mission_page(
    request: HttpRequest, mission: IdentificationMission, *,
    present_form: PresentForm | None = None,
    outcome_form: tuple[Any, OutcomeForm] | None = None, status: int = 200,
) -> HttpResponse:
    """The mission with its persons; a form refused is shown again with its errors."""
    user = signed_in(request)
    # Other authorities' persons on the list are counted, not named (need to know, ADR 16).
    presentations = list(
        MissionPresentation.objects.visible_to(user).filter(mission=mission)
        .select_related("person", "case").prefetch_related("person__names")
        .order_by("presented_at"))
    not_shown = mission.presentations.count() - len(presentations)
    cancelled = mission.status == IdentificationMission.Status.CANCELLED
    rows = []
    for p in presentations:
        pending = p.outcome == MissionPresentation.Outcome.PENDING and not cancelled
        outcome = display.label(MissionPresentation.Outcome, p.outcome)
        if cancelled and p.outcome == MissionPresentation.Outcome.PENDING:
            outcome = _("none: the mission was cancelled")
        form = None
        if pending:
            form = (outcome_form[1] if outcome_form and outcome_form[0] == p.pk
                    else OutcomeForm(prefix=_outcome_prefix(p.pk)))
        rows.append(PresentationRow(
            id=p.pk, name=display_name(p.person.names.all()),
            date_of_birth=date_of_birth(p.person),
            case_url=reverse("case", args=[p.case_id]) if p.case else "",
            case_number=p.case.number if p.case else "",
            availability=availability_words(p.availability),
            outcome=outcome, outcome_on=p.outcome_on,
            notes=p.notes, pending=pending, form=form,
        ))
    if presentations:
        record_access(user, "read", "mission_presentation", [p.pk for p in presentations],
                      person_ids={p.person_id for p in presentations}, channel=CHANNEL)
    ready = [] if cancelled else _planning(user, mission.country_id)
    if present_form is None and not cancelled:
        present_form = PresentForm(ready=_ready_choices(ready))
    context = {
        "mission": mission,
        "country": display.country_name(mission.country),
        "kind": display.label(IdentificationMission.Kind, mission.kind),
        "status": display.label(IdentificationMission.Status, mission.status),
        "cancelled": cancelled,
        "cancellable": mission.status == IdentificationMission.Status.PLANNED,
        "rows": rows,
        "not_shown": not_shown,
        "ready": ready,
        "present_form": present_form,
        "breadcrumbs": _crumbs((_("Mission"), None)),
    }
    return render(request, "web/missions/mission.html", context, status=status)


def _ready_choices(ready: list[ReadyRow]) -> list[tuple[str, str]]:
    return [(str(r.case_id), f"{r.name} · {r.case_number}") for r in ready]


@require_GET
@login_required
def mission_page(request: HttpRequest, mission_id: Any) -> HttpResponse:
    user = signed_in(request)
    if not user.can(Capability.IDENTIFY):
        return _refused(request, _("Mission"))
    return _mission_page(request, _mission(user, mission_id))


@require_POST
@login_required
def present(request: HttpRequest, mission_id: Any) -> HttpResponse:
    user = signed_in(request)
    if not user.can(Capability.IDENTIFY):
        return _refused(request, _("Present a person"))
    mission = _mission(user, mission_id)
    ready = persons_ready_for(user, mission.country_id, clock.today())
    by_case = {str(r.case.pk): r for r in ready}
    form = PresentForm(request.POST,
                       ready=_ready_choices(_ready_rows(ready, mission.country_id)))
    if form.is_valid():
        chosen = by_case[form.cleaned_data["case"]]
        try:
            present_person(user, mission.pk, chosen.person.pk,
                           availability=form.cleaned_data["availability"],
                           case_id=chosen.case.pk, reason=form.cleaned_data["reason"],
                           channel=CHANNEL)
        except InvalidInput as exc:
            apply_refusal(form, exc.errors, form.field_for)
        except PermissionRefused as exc:
            return refused_page(request, _("Present a person"), str(exc))
        else:
            messages.success(request, _("The person is on the mission's list."))
            return redirect("mission", mission_id=mission.pk)
    return _mission_page(request, mission, present_form=form, status=422)


@require_POST
@login_required
def record_outcome(request: HttpRequest, mission_id: Any, presentation_id: Any) -> HttpResponse:
    user = signed_in(request)
    if not user.can(Capability.IDENTIFY):
        return _refused(request, _("Record outcome"))
    mission = _mission(user, mission_id)
    if not MissionPresentation.objects.visible_to(user).filter(
            mission=mission, pk=presentation_id).exists():
        raise Http404
    form = OutcomeForm(request.POST, prefix=_outcome_prefix(presentation_id))
    if form.is_valid():
        try:
            record_presentation_outcome(
                user, presentation_id, outcome=form.cleaned_data["outcome"],
                outcome_on=form.cleaned_data["outcome_on"], notes=form.cleaned_data["notes"],
                channel=CHANNEL)
        except InvalidInput as exc:
            apply_refusal(form, exc.errors)
        except PermissionRefused as exc:
            return refused_page(request, _("Record outcome"), str(exc))
        else:
            outcome = display.label(MissionPresentation.Outcome, form.cleaned_data["outcome"])
            messages.success(request, _("The outcome “%(outcome)s” is recorded.") % {
                "outcome": outcome})
            return redirect("mission", mission_id=mission.pk)
    return _mission_page(request, mission, outcome_form=(presentation_id, form), status=422)

@require_http_methods(["GET", "POST"])
@login_required
def cancel(request: HttpRequest, mission_id: Any) -> HttpResponse:
    """The confirmation, with the reason, before a planned mission is cancelled; the persons
    on its list go back to the planning list (``cancel_mission``)."""
    user = signed_in(request)
    title = _("Cancel the mission")
    if not user.can(Capability.IDENTIFY):
        return _refused(request, title)
    mission = _mission(user, mission_id)
    crumbs = _crumbs((_("Mission"), reverse("mission", args=[mission.pk])), (title, None))
    if request.method == "GET" and mission.status != IdentificationMission.Status.PLANNED:
        return redirect("mission", mission_id=mission.pk)
    status = 200
    form = CancelMissionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                cancel_mission(
                    user, mission.pk, reason=form.cleaned_data["reason"], channel=CHANNEL
                )
            except InvalidInput as exc:
                apply_refusal(form, exc.errors)
            except PermissionRefused as exc:
                return refused_page(request, title, str(exc), crumbs)
            else:
                messages.success(request, _("The mission is cancelled."))
                return redirect("mission", mission_id=mission.pk)
    context = {
        "mission": mission,
        "country": display.country_name(mission.country),
        "kind": display.label(IdentificationMission.Kind, mission.kind),
        "presented": mission.presentations.count(),
        "form": form,
        "breadcrumbs": crumbs,
    }
    return render(request, "web/missions/cancel.html", context, status=status)
