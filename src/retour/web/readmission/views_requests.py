"""Readmission requests for identification officers: the member state's requests by country
and status, overdue first; one request with the rules of its instrument version, its due
dates, evidence, travel document and obstacles, and the steps open now; drafting a request
from a case.

Views read through ``ReadmissionRequest.objects.visible_to(user)`` (another member state's
request is a 404), keep every read of a person in the access log and change nothing
themselves: each form calls its action in ``retour.readmission.actions``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from retour import clock, display
from retour.accounts.roles import Capability
from retour.audit.log import record_access
from retour.errors import InvalidInput, NotVisible, PermissionRefused, TransitionRefused
from retour.identification.models import IdentityDocument
from retour.people.display import display_name
from retour.readmission import timers as request_timers
from retour.readmission.actions import travel_document_warnings
from retour.readmission.models import Instrument, Obstacle, ReadmissionRequest
from retour.readmission.procedure import steps_open_to
from retour.seam import actions as seam_actions
from retour.web.cases.views_case import case_crumbs, visible_case
from retour.web.form_support import apply_refusal, signed_in
from retour.web.forms_actions import CHANNEL
from retour.web.identification.views_dossier import country_dossier
from retour.web.readmission.forms_requests import (
    STEP_FORMS,
    DraftRequestForm,
    RequestFilterForm,
    StepForm,
    step_form,
)
from retour.web.readmission.request_page import (
    draft_refusal,
    due_rows,
    evidence_rows,
    instrument_text,
    overdue_first,
    proposed_country,
    request_row,
    rule_rows,
)
from retour.web.views import refused_page


@dataclass(frozen=True)
class StepShown:
    action: str
    label: str
    url: str
    form: StepForm


def _crumbs(*more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        (_("Home"), reverse("home")),
        (_("Readmission requests"), reverse("readmission-requests")),
        *more,
    ]


def _may_read(user: Any) -> bool:
    return bool(user.can(Capability.VIEW_PERSONAL_DATA))


@require_GET
@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    title = _("Readmission requests")
    if not _may_read(user):
        return refused_page(request, title, _("Your role does not allow seeing persons."))
    today = clock.today()
    form = RequestFilterForm(request.GET)
    filters = form.filters()
    found = (
        ReadmissionRequest.objects.visible_to(user)
        .select_related("case__person", "third_country", "instrument")
        .prefetch_related("case__person__names")
    )
    if "country" in filters:
        found = found.filter(third_country_id=filters["country"])
    if "status" in filters:
        found = found.filter(status=filters["status"])
    requests = list(overdue_first(found, today))
    record_access(
        user,
        "search",
        "readmission_request",
        [r.pk for r in requests],
        person_ids=[r.case.person_id for r in requests],
        search_terms=filters,
        channel=CHANNEL,
    )
    kept = request_timers.of_requests(requests)
    rows = [request_row(r, today, kept[r.pk]) for r in requests]
    context = {"form": form, "rows": rows, "filtered": filters}
    if request.headers.get("HX-Request"):
        return render(request, "web/readmission/results.html", context)
    context["breadcrumbs"] = [(_("Home"), reverse("home")), (title, None)]
    return render(request, "web/readmission/list.html", context)


def _visible_request(user: Any, request_id: Any) -> ReadmissionRequest:
    found = ReadmissionRequest.objects.visible_to(user).select_related(
        "case__person", "case__member_state", "third_country", "instrument"
    )
    try:
        return found.get(pk=request_id)
    except ReadmissionRequest.DoesNotExist:
        raise Http404 from None


def _steps(
    user: Any, request: ReadmissionRequest, bound: tuple[str, StepForm] | None
) -> list[StepShown]:
    shown = []
    for step in steps_open_to(request, user.capabilities):
        if step.action not in STEP_FORMS:
            continue
        if bound and bound[0] == step.action:
            form = bound[1]
        else:
            form = step_form(step.action, request=request)
        shown.append(
            StepShown(
                step.action,
                seam_actions.get(step.action).words,
                reverse("readmission-step", args=[request.pk, seam_actions.get(step.action).slug]),
                form,
            )
        )
    return shown


def _request_page(
    request: HttpRequest,
    found: ReadmissionRequest,
    *,
    bound: tuple[str, StepForm] | None = None,
    refused: str = "",
    status: int = 200,
) -> HttpResponse:
    user = signed_in(request)
    today = clock.today()
    case = found.case
    record_access(
        user,
        "read",
        "readmission_request",
        [found.pk],
        person_ids=[case.person_id],
        channel=CHANNEL,
    )
    context = {
        "request_": found,
        "case": case,
        "name": display_name(case.person.names.all()),
        "country": display.country_name(found.third_country),
        "status": display.label(ReadmissionRequest.Status, found.status),
        "procedure": display.label(ReadmissionRequest.Procedure, found.procedure),
        "channel": display.label(ReadmissionRequest.Channel, found.channel),
        "instrument": instrument_text(found),
        "instrument_kind": display.label(
            Instrument.Kind, found.instrument.kind if found.instrument else ""
        ),
        "rules": rule_rows(found),
        "dues": due_rows(found, today),
        "evidence": evidence_rows(found),
        # Before submission: what the dossier would attach today, so that a request is not
        # sent with supporting evidence only without the officer knowing.
        "dossier_now": None if found.submitted_on else country_dossier(
            case.person, found.third_country, ""),
        "document_kind": display.label(IdentityDocument.Kind, found.travel_document_kind),
        "warnings": travel_document_warnings(found, case),
        "obstacles": [
            (display.label(Obstacle.Kind, o.kind), o)
            for o in found.obstacles.order_by("raised_on", "pk")
        ],
        "steps": _steps(user, found, bound),
        "refused": refused,
        "breadcrumbs": _crumbs((found.reference, None)),
    }
    return render(request, "web/readmission/request.html", context, status=status)


@require_GET
@login_required
def request_page(request: HttpRequest, request_id: int) -> HttpResponse:
    user = signed_in(request)
    if not _may_read(user):
        return refused_page(
            request, _("Readmission request"), _("Your role does not allow seeing persons.")
        )
    return _request_page(request, _visible_request(user, request_id))


@require_POST
@login_required
def take_step(request: HttpRequest, request_id: int, action: str) -> HttpResponse:
    name = action.replace("-", "_")
    if name not in STEP_FORMS:
        raise Http404
    user = signed_in(request)
    label = seam_actions.get(name).words
    if not user.can(Capability.IDENTIFY):
        return refused_page(request, label, _("Your role does not allow identification work."))
    found = _visible_request(user, request_id)
    form = step_form(name, request.POST, found)
    if form.is_valid():
        try:
            form.submit(user, found.pk)
        except InvalidInput as exc:
            apply_refusal(form, exc.errors)
        except TransitionRefused as exc:
            return _request_page(
                request, _visible_request(user, request_id), refused=str(exc), status=409
            )
        except PermissionRefused as exc:
            return refused_page(request, label, str(exc))
        except NotVisible:
            raise Http404 from None
        else:
            messages.success(request, _("%(action)s: done.") % {"action": label})
            return redirect("readmission-request", request_id=found.pk)
    return _request_page(request, found, bound=(name, form), status=422)


@require_http_methods(["GET", "POST"])
@login_required
def draft_request(request: HttpRequest, case_id: Any) -> HttpResponse:
    user = signed_in(request)
    case = visible_case(user, case_id)
    title = seam_actions.get("draft_readmission_request").words
    crumbs = case_crumbs(case, (title, None))
    if not user.can(Capability.IDENTIFY):
        return refused_page(
            request, title, _("Your role does not allow identification work."), crumbs
        )
    status, refused = 200, ""
    if request.method == "POST":
        form = DraftRequestForm(request.POST, subject=case)
        status = 422
        if form.is_valid():
            try:
                made = form.submit(user, case.pk)
            except InvalidInput as exc:
                apply_refusal(form, exc.errors)
            except TransitionRefused as exc:
                refused, status = str(exc), 409
            except PermissionRefused as exc:
                return refused_page(request, title, str(exc), crumbs)
            else:
                messages.success(
                    request, _("Request %(reference)s is drafted.") % {"reference": made.reference}
                )
                return redirect("readmission-request", request_id=made.pk)
    else:
        form = DraftRequestForm(initial={"third_country": proposed_country(case)}, subject=case)
        refused = draft_refusal(user, case) or ""
    record_access(
        user, "read", "return_case", [case.pk], person_ids=[case.person_id], channel=CHANNEL
    )
    return render(
        request,
        "web/readmission/draft.html",
        {
            "case": case,
            "name": display_name(case.person.names.all()),
            "form": form,
            "title": title,
            "refused": refused,
            "breadcrumbs": crumbs,
        },
        status=status,
    )
