"""The quarterly report for the High-Level Network on return: a page with the figures of the
quarter and their trend and a commentary field for each indicator (``report.write_commentary``
saves them), and the report as a PDF.

Who: the roles that read aggregated statistics. A national user sees and comments on their
own member state's report; the EU coordinator, who belongs to none, reads any member state's
(``?member_state=NL``) and writes the EU report's. The figures are the report's, small counts
withheld (see ``retour.statistics.report``): aggregates only, no person, so nothing here is
access-logged.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from retour import display
from retour.accounts.models import User
from retour.accounts.roles import Capability, RoleCode
from retour.errors import InvalidInput, PermissionRefused
from retour.reference.models import Country
from retour.statistics import report
from retour.web.form_support import apply_refusal, signed_in
from retour.web.statistics.forms_report import CommentaryForm, MemberStateForm
from retour.web.views import refused_page


def _member_state(request: HttpRequest, user: User) -> str | None:
    """The member state whose report the user asks for, or None when it is not for them."""
    if not user.can(Capability.VIEW_STATISTICS):
        return None
    asked = request.GET.get("member_state", "").strip().upper()
    own = user.member_state_code
    if own is not None:
        return own if asked in ("", own) else None
    if RoleCode.EU_COORDINATOR not in user.role_codes:
        return None
    try:
        return report.check_member_state(asked or report.EU)
    except InvalidInput:
        raise Http404 from None


def _period(period: str) -> str:
    try:
        return report.parse_quarter(period)
    except ValueError:
        raise Http404 from None


def _refused(request: HttpRequest) -> HttpResponse:
    return refused_page(
        request, _("Quarterly report"), _("Your role does not allow reading this report.")
    )


def _query(member_state: str, user: User) -> str:
    """What asks for the same report again: the member state, for the EU coordinator."""
    return "" if user.member_state_code else f"?{urlencode({'member_state': member_state})}"


def _states_form(request: HttpRequest, user: User, member_state: str) -> MemberStateForm | None:
    if user.member_state_code is not None:
        return None
    states = [
        (country.code, display.country_name(country)) for country in Country.objects.member_states()
    ]
    states.sort(key=lambda state: state[1])
    form = MemberStateForm({"member_state": member_state}, states=states)
    form.is_valid()
    return form


@require_http_methods(["GET", "POST"])
@login_required
def report_page(request: HttpRequest, period: str) -> HttpResponse:
    user = signed_in(request)
    member_state = _member_state(request, user)
    if member_state is None:
        return _refused(request)
    period = _period(period)
    assembled = report.assemble(period, member_state)
    writable = report.may_write(user, member_state)
    saved = report.commentaries(period, member_state)
    indicators = [(e.code, e.name) for s in assembled.sections for e in s.entries]
    form = CommentaryForm(
        request.POST if request.method == "POST" else None, indicators=indicators, saved=saved
    )
    here = reverse("statistics-report", args=[period]) + _query(member_state, user)
    if request.method == "POST":
        if not writable:
            return refused_page(
                request,
                _("Quarterly report"),
                _("Your role does not allow writing the commentary of this report."),
            )
        if form.is_valid():
            try:
                with transaction.atomic():
                    for code, text in form.changed(saved).items():
                        report.write_commentary(user, period, member_state, code, text)
            except InvalidInput as refused:
                apply_refusal(form, refused.errors)
            except PermissionRefused as refused:
                return refused_page(request, _("Quarterly report"), str(refused))
            else:
                messages.success(request, _("The commentary is saved."))
                return HttpResponseRedirect(here)
    sections = [
        (section, [(entry, form[form.field_of(entry.code)]) for entry in section.entries])
        for section in assembled.sections
    ]
    context = {
        "report": assembled,
        "sections": sections,
        "form": form,
        "writable": writable,
        "states_form": _states_form(request, user, member_state),
        "page_url": reverse("statistics-report", args=[period]),
        "pdf_url": reverse("statistics-report-pdf", args=[period]) + _query(member_state, user),
        "breadcrumbs": [
            (_("Home"), reverse("home")), (_("Statistics"), reverse("statistics-index")),
            (_("Quarterly report"), None),
        ],
    }
    status = 422 if form.errors else 200
    return render(request, "web/statistics/report.html", context, status=status)


@require_GET
@login_required
def report_pdf(request: HttpRequest, period: str) -> HttpResponse:
    """The report as a PDF in the language of the request."""
    user = signed_in(request)
    member_state = _member_state(request, user)
    if member_state is None:
        return _refused(request)
    assembled = report.assemble(_period(period), member_state)
    if not assembled.has_figures:
        raise Http404
    response = HttpResponse(report.render_pdf(assembled), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.file_name(assembled)}"'
    return response
