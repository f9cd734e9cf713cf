"""The case page and a page per business action on the case.

Views read through ``.visible_to(user)`` (a case of another member state is a 404, like one
that does not exist), record every read of personal data, and change nothing themselves: each
form calls its action function, and the action's refusals come back as messages next to the
fields, a conflict notice, or the reason the procedure gives.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from retour import bulk, display
from retour.audit.log import record_access
from retour.cases.models import ReturnCase
from retour.cases.procedure import transition
from retour.cases.reading import load_case
from retour.cases.stages import Stage
from retour.errors import (
    InvalidInput,
    NotVisible,
    PermissionRefused,
    StaleVersion,
    TransitionRefused,
)
from retour.web.cases.case_page import (
    action_url,
    case_context,
    pending_handover,
    permission_refusal,
    refusal_for,
)
from retour.web.cases.timeline import ShownEvent, shown_events
from retour.web.form_support import apply_refusal, signed_in
from retour.web.forms_actions import CHANNEL, FORMS, CaseActionForm
from retour.web.persons import ShownPerson, given_health_reason, persons_shown, shown_person
from retour.web.readmission.request_page import case_readmission

# The forms the case page itself shows, with the prefix that keeps their ids apart.
CASE_PAGE_PREFIXES = {"accept_handover": "accept", "return_handover": "return"}


def visible_case(user: Any, case_id: Any, *, person_parts: bool = True) -> ReturnCase:
    try:
        return load_case(user, case_id, person_parts=person_parts)
    except NotVisible:
        raise Http404 from None


def _person(case: ReturnCase, user: Any, health_reason: str = "") -> ShownPerson:
    """The case's person as the page shows them; ``case.person`` becomes the person read
    for it, with their names, nationalities and vulnerabilities, which the procedure's
    guards read too (so they are read once)."""
    case.person = persons_shown(user).get(pk=case.person_id)
    return shown_person(case.person, user, health_reason=health_reason)


def _record_read(user: Any, case: ReturnCase, person: ShownPerson, reason: str = "") -> None:
    record_access(
        user, "read", "return_case", [case.pk], person_ids=person.shown_person_ids,
        reason=reason, channel=CHANNEL,
    )


def case_crumbs(case: ReturnCase, *more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    here = reverse("case", args=[case.pk]) if more else None
    return [
        (_("Home"), reverse("home")),
        (_("Cases"), reverse("case-list")),
        (_("Case %(number)s") % {"number": case.number}, here),
        *more,
    ]


@require_GET
@login_required
@bulk.reading()  # the guards of every step weighed read the case's rows once
def case_page(request: HttpRequest, case_id: Any) -> HttpResponse:
    user = signed_in(request)
    case = visible_case(user, case_id, person_parts=False)  # read with the person below
    # Health details the user gave a reason for: the page's read carries it (ADR 0016).
    health_reason = given_health_reason(request, case.pk)
    person = _person(case, user, health_reason)
    context = case_context(case, person, user) | case_readmission(user, case)
    if context["answers_handover"]:
        initial = {"expected_version": case.version}
        context["accept_form"] = FORMS["accept_handover"](
            initial=initial, case=case, prefix=CASE_PAGE_PREFIXES["accept_handover"]
        )
        context["return_form"] = FORMS["return_handover"](
            initial=initial, case=case, prefix=CASE_PAGE_PREFIXES["return_handover"]
        )
    _record_read(user, case, person, health_reason)
    # The documents are the person's, not the case's: an entry of their own names each one
    # read, as the API's list of documents writes it.
    if context["documents"]:
        record_access(
            user, "read", "identity_document", [d.id for d in context["documents"]],
            person_ids=[person.id], channel=CHANNEL,
        )
    return render(
        request, "web/case/case.html", {**context, "breadcrumbs": case_crumbs(case)}
    )


def _last_change(case: ReturnCase) -> ShownEvent | None:
    """The change that made the user's version stale: who, for which authority, when."""
    last = case.events.select_related("actor", "actor_authority").order_by("-sequence")[:1]
    shown = shown_events(last)
    return shown[0] if shown else None


def _resubmittable(data: QueryDict, prefix: str | None, version: int) -> QueryDict:
    """The user's input as they sent it, to resubmit against the case as it is now."""
    kept = data.copy()
    kept[f"{prefix}-expected_version" if prefix else "expected_version"] = str(version)
    return kept


@require_http_methods(["GET", "POST"])
@login_required
def case_action(request: HttpRequest, case_id: Any, action: str) -> HttpResponse:
    name = action.replace("-", "_")
    if name not in FORMS or FORMS[name].action.slug != action:
        raise Http404
    user = signed_in(request)
    case = visible_case(user, case_id)
    form_class = FORMS[name]
    # The answers to a hand-over are also posted from the case page, where their fields
    # carry a prefix (two forms on one page need distinct ids).
    prefix = CASE_PAGE_PREFIXES.get(name)
    if prefix is None or f"{prefix}-expected_version" not in request.POST:
        prefix = None
    status, refused, conflict = 200, None, None
    form: CaseActionForm
    not_theirs = permission_refusal(user, case, transition(name))
    if request.method == "POST" and not_theirs:
        # Refused before what was sent is read: it is none of this user's business.
        form = form_class(initial={"expected_version": case.version}, case=case)
        refused, status = not_theirs, 403
    elif request.method == "POST":
        form = form_class(request.POST, case=case, prefix=prefix)
        if form.is_valid():
            try:
                form.submit(user)
            except InvalidInput as exc:
                apply_refusal(form, exc.errors)
                status = 422
            except StaleVersion:
                case = visible_case(user, case_id)
                conflict = _last_change(case)
                form = form_class(
                    _resubmittable(request.POST, prefix, case.version), case=case, prefix=prefix
                )
                status = 409
            except PermissionRefused as exc:
                refused, status = str(exc), 403
            except TransitionRefused as exc:
                refused, status = str(exc), 409
            else:
                messages.success(request, _("%(action)s: done.") % {"action": form.title})
                if not ReturnCase.objects.visible_to(user).filter(pk=case.pk).exists():
                    # The step took the case out of the user's view (a hand-over returned).
                    return redirect("home")
                return redirect("case", case_id=case.pk)
        else:
            status = 422
    else:
        form = form_class(initial={"expected_version": case.version}, case=case)
        refused = refusal_for(user, case, transition(name), pending_handover(case))
    person = _person(case, user)
    _record_read(user, case, person)
    context = {
        "case": case,
        "person": person,
        "stage": display.label(Stage, case.stage),
        "form": form,
        "show_form": (request.method == "POST" and not not_theirs) or refused is None,
        "refused": refused,
        "conflict": conflict,
        "post_url": action_url(case, name),
        "breadcrumbs": case_crumbs(case, (form.title, None)),
    }
    return render(request, "web/case/action.html", context, status=status)
