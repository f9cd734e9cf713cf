"""Health details of a case's person, shown once the user has said why they need them.

The reason is the access-log entry of the read that shows them (GDPR Art. 9 and 5(2)); it is
kept in the user's session for that case for a short time, so that the case page can be
worked on without asking again at every click, and each read meanwhile carries it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from retour.audit.log import record_access
from retour.people.health import may_see_health
from retour.web.cases.views_case import case_crumbs, visible_case
from retour.web.form_support import RetourForm, signed_in, text_field
from retour.web.forms_actions import CHANNEL
from retour.web.persons import keep_health_reason


class HealthReasonForm(RetourForm):
    reason = text_field(
        gettext_lazy("Why do you need to see this?"), required=True, max_length=200,
        help_text=gettext_lazy("For example: fitness to travel for the planned removal. "
                               "Your reason is kept in the access log."),
    )
    reason.error_messages["required"] = gettext_lazy(
        "Say why you need to see the health details.")


@require_http_methods(["GET", "POST"])
@login_required
def health_reason(request: HttpRequest, case_id: Any) -> HttpResponse:
    user = signed_in(request)
    case = visible_case(user, case_id)
    if not may_see_health(user):
        raise Http404
    form = HealthReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        record_access(user, "read", "vulnerability", [case.person_id],
                      person_ids=[case.person_id], reason=reason, channel=CHANNEL)
        keep_health_reason(request, case.pk, reason)
        return redirect(f"{reverse('case', args=[case.pk])}#attention-title")
    context = {
        "case": case, "form": form,
        "breadcrumbs": case_crumbs(case, (_("Health details"), None)),
    }
    return render(request, "web/people/health_reason.html", context,
                  status=422 if request.method == "POST" else 200)
