"""The audit view for auditors and data protection officers: find a person, then see who read,
searched, changed or exported their data, when, through which channel and why; filter by user
and period; download the list as CSV.

Only a role with ``view_audit_log`` opens these pages (deny by default); the person is found
through the case search everyone uses (``find_cases``, scoped) and loaded through
``visible_to``, and is named in addresses by UUID only. Auditors are audited too: each search,
each view of a history and each export is an entry of the access log itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from retour import clock, display
from retour.accounts.models import Authority, User
from retour.accounts.roles import Capability
from retour.accounts.signin.session import recent_authentication_required
from retour.audit.log import record_access
from retour.audit.models import AccessLogEntry
from retour.audit.queries import AccessFilters, entries_about, usernames_about
from retour.cases.models import ReturnCase
from retour.cases.search import CaseFilters, find_cases
from retour.identification.models import IdentityDocument, IdentityEvidence
from retour.people.display import display_name
from retour.people.models import Person
from retour.web.audit.forms import AccessFilterForm
from retour.web.cases.forms_search import CaseSearchForm
from retour.web.csv_export import cell, csv_response
from retour.web.form_support import signed_in
from retour.web.persons import date_of_birth

CHANNEL = "web"
PAGE_SIZE = 50
CASES_SEARCHED = 100  # a search finding more asks to be narrowed down
# Why the auditor's own reads are in the log, in the log's language (like the actions' reasons).
REASON = "audit of access to personal data"

# The log's codes in words, in a context of their own: "case" may be said differently
# elsewhere. (The operations have their words on ``AccessLogEntry.Operation``; the kinds of
# record and the channels are free text in the log, written by the code that logs.)
OBJECT_TYPES = {
    "person": pgettext_lazy("access log", "person"),
    "return_case": pgettext_lazy("access log", "case"),
    "family_link": pgettext_lazy("access log", "family link"),
    "task": pgettext_lazy("access log", "task"),
    "access_log": pgettext_lazy("access log", "access history"),
    "identity_document": pgettext_lazy("access log", "identity document"),
    "identity_evidence": pgettext_lazy("access log", "identity evidence"),
    "identification_dossier": pgettext_lazy("access log", "identification dossier"),
    "identification_mission": pgettext_lazy("access log", "identification mission"),
    "mission_presentation": pgettext_lazy("access log", "presentation to a mission"),
    "match_review": pgettext_lazy("access log", "review of a possible match"),
    "mission_planning": pgettext_lazy("access log", "mission planning list"),
    "readmission_request": pgettext_lazy("access log", "readmission request"),
}
CHANNELS = {
    "web": pgettext_lazy("access log", "web"),
    "api": pgettext_lazy("access log", "API"),
    "cli": pgettext_lazy("access log", "command line"),
    "system": pgettext_lazy("access log", "system"),
    "simulation": pgettext_lazy("access log", "simulation"),
}

@dataclass(frozen=True)
class FoundPerson:
    url: str
    name: str
    date_of_birth: str
    cases: list[str]  # numbers of the cases the search found


@dataclass(frozen=True)
class AuditedPerson:
    """The person whose history is shown, and what of theirs an entry can name."""

    person: Person
    name: str
    date_of_birth: str
    case_numbers: list[str]
    records: dict[str, str]  # id as the log stores it → how the page names it


@dataclass(frozen=True)
class AccessRow:
    sequence: int
    at: datetime
    username: str
    user: str
    authority: str
    operation: str
    records: str
    search_terms: str
    reason: str
    channel: str


def _crumbs(*more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Home"), reverse("home")), *more]


def _refused(request: HttpRequest) -> HttpResponse | None:
    """The refusal page for a user whose roles do not include reading the access log."""
    if signed_in(request).can(Capability.VIEW_AUDIT_LOG):
        return None
    title = _("Access log")
    return render(
        request, "web/people/refused.html",
        {
            "title": title,
            "reason": _("Your role does not allow reading the access log."),
            "breadcrumbs": _crumbs((title, None)),
        },
        status=403,
    )


def _found_persons(cases: Iterable[ReturnCase]) -> list[FoundPerson]:
    """One row per person, in the order the search found their first case."""
    found: dict[uuid.UUID, FoundPerson] = {}
    for case in cases:
        person = case.person
        if person.pk not in found:
            found[person.pk] = FoundPerson(
                url=reverse("audit-person", args=[person.pk]),
                name=display_name(person.names.all()),
                date_of_birth=date_of_birth(person),
                cases=[],
            )
        found[person.pk].cases.append(case.number)
    return list(found.values())


@require_http_methods(["GET", "POST"])
@login_required
def audit_start(request: HttpRequest) -> HttpResponse:
    """Find the person whose access history to read, by name, case number or date of birth
    (sent as POST, so none of it ends up in an address)."""
    if (refused := _refused(request)) is not None:
        return refused
    user = signed_in(request)
    form = CaseSearchForm(request.POST if request.method == "POST" else None)
    found: list[FoundPerson] | None = None
    more = False
    if form.is_valid() and form.filters():
        filters = CaseFilters(**form.filters())
        cases = list(find_cases(user, filters)[: CASES_SEARCHED + 1])
        more, cases = len(cases) > CASES_SEARCHED, cases[:CASES_SEARCHED]
        record_access(
            user, "search", "return_case", [c.pk for c in cases],
            person_ids=[c.person_id for c in cases], search_terms=filters.search_terms(),
            reason=REASON, channel=CHANNEL,
        )
        found = _found_persons(cases)
    context = {
        "search_form": form,
        "found": found,
        "more": more,
        "cases_searched": CASES_SEARCHED,
        "breadcrumbs": _crumbs((_("Access log"), None)),
    }
    if request.headers.get("HX-Request"):
        return render(request, "web/audit/start_swap.html", context)
    return render(request, "web/audit/start.html", context)


def _audited_person(user: User, person_id: Any) -> AuditedPerson:
    person = Person.objects.visible_to(user).prefetch_related("names").filter(pk=person_id).first()
    if person is None:
        raise Http404
    cases = ReturnCase.objects.visible_to(user).filter(person=person).order_by("opened_at")
    records = {str(person.pk): _("this person")}
    records.update((str(case.pk), case.number) for case in cases)
    # The person's documents and evidence are theirs too: named by kind, not counted as
    # someone else's records.
    for document in IdentityDocument.objects.visible_to(user).filter(person=person):
        records[str(document.pk)] = display.label(IdentityDocument.Kind, document.kind)
    for evidence in IdentityEvidence.objects.visible_to(user).filter(person=person):
        records[str(evidence.pk)] = display.label(IdentityEvidence.Kind, evidence.kind)
    return AuditedPerson(
        person=person,
        name=display_name(person.names.all()),
        date_of_birth=date_of_birth(person),
        case_numbers=[case.number for case in cases],
        records=records,
    )


def _full_names(usernames: Iterable[str]) -> dict[str, str]:
    return {
        u.username: u.get_full_name() for u in User.objects.filter(username__in=set(usernames))
    }


def _filter_form(request: HttpRequest, user: User, person: Person) -> AccessFilterForm:
    usernames = usernames_about(user, person)
    names = _full_names(usernames)
    # Everyone in the log: users by name, "system" and former accounts by username.
    users = [(u, f"{names[u]} ({u})" if names.get(u) else u) for u in usernames]
    chosen = {name: value for name, value in request.GET.items() if name != "page"}
    return AccessFilterForm(chosen or None, users=users)


def _chosen(form: AccessFilterForm) -> AccessFilters | None:
    """The filters chosen (none chosen: the whole history), or None if the form has errors."""
    if not form.is_bound:
        return AccessFilters()
    return form.filters() if form.is_valid() else None


def _records(entry: AccessLogEntry, subject: AuditedPerson) -> str:
    """What the entry touched, naming only this person's own records: the history may be
    handed to the person, and others' data must stay out of it (GDPR Art. 15(4))."""
    kind = display.label(OBJECT_TYPES, entry.object_type)
    own = [subject.records[i] for i in entry.object_ids if i in subject.records]
    others = len(entry.object_ids) - len(own)
    if not own:
        return f"{kind} ({others})" if others else kind
    named = f"{kind}: {', '.join(own)}"
    if others:
        return _("%(records)s + %(count)d more") % {"records": named, "count": others}
    return named


def _access_rows(entries: Iterable[AccessLogEntry], subject: AuditedPerson) -> list[AccessRow]:
    entries = list(entries)
    names = _full_names(e.username for e in entries)
    authorities = dict(
        Authority.objects.filter(code__in={e.authority for e in entries})
        .values_list("code", "name")
    )
    return [
        AccessRow(
            sequence=entry.sequence,
            at=timezone.localtime(entry.at),
            username=entry.username,
            user=names.get(entry.username) or entry.username,
            authority=authorities.get(entry.authority, entry.authority),
            operation=display.label(AccessLogEntry.Operation, entry.operation),
            records=_records(entry, subject),
            # As the user typed them, under the field names the log keeps.
            search_terms="; ".join(f"{k}: {v}" for k, v in entry.search_terms.items()),
            reason=entry.reason,
            channel=display.label(CHANNELS, entry.channel),
        )
        for entry in entries
    ]


def _filtered_query(request: HttpRequest) -> str:
    """The filters of the request, without the page, for the CSV link."""
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    return f"?{query}" if query else ""


def _log_history_read(
    user: User, operation: str, subject: AuditedPerson, filters: AccessFilters | None
) -> AccessLogEntry:
    # The person's id names what was read: with the filters and the entry's own place in the
    # chain, the same list can be drawn from the log again later.
    return record_access(
        user, operation, "access_log", [subject.person.pk], person_ids=[subject.person.pk],
        search_terms=filters.search_terms() if filters else {}, reason=REASON, channel=CHANNEL,
    )


@require_GET
@login_required
def person_access(request: HttpRequest, person_id: Any) -> HttpResponse:
    if (refused := _refused(request)) is not None:
        return refused
    user = signed_in(request)
    subject = _audited_person(user, person_id)
    form = _filter_form(request, user, subject.person)
    filters = _chosen(form)
    page, rows = None, []
    if filters is not None:
        entries = entries_about(user, subject.person, filters)
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = _access_rows(page.object_list, subject)
    _log_history_read(user, "read", subject, filters)
    context = {
        "subject": subject,
        "form": form,
        "page": page,
        "rows": rows,
        "page_url": reverse("audit-person", args=[subject.person.pk]),
        "csv_url": reverse("audit-person-csv", args=[subject.person.pk])
        + _filtered_query(request),
        "breadcrumbs": _crumbs((_("Access log"), reverse("audit")), (_("Access history"), None)),
    }
    if request.headers.get("HX-Request"):
        # htmx swaps in successful answers only; the field errors come with this one.
        return render(request, "web/audit/person_swap.html", context)
    return render(request, "web/audit/person.html", context, status=422 if filters is None else 200)


@require_GET
@login_required
@recent_authentication_required
def person_access_csv(request: HttpRequest, person_id: Any) -> HttpResponse:
    """The filtered history as CSV (RFC 4180, UTF-8 with a byte-order mark: without it Excel
    reads the file in the computer's legacy code page and garbles names in Arabic, Cyrillic or
    with diacritics). The file name says when and by which log entry it was exported, and
    nothing about the person."""
    if (refused := _refused(request)) is not None:
        return refused
    user = signed_in(request)
    subject = _audited_person(user, person_id)
    filters = _chosen(_filter_form(request, user, subject.person))
    if filters is None:
        # The page explains the errors next to the fields.
        return HttpResponseRedirect(
            reverse("audit-person", args=[subject.person.pk]) + _filtered_query(request)
        )
    export = _log_history_read(user, "export", subject, filters)
    # The list as it stood before this export, as a page shows the log before its own view.
    entries = entries_about(user, subject.person, filters).filter(sequence__lt=export.sequence)
    name = f"retour-access-log-{clock.today().isoformat()}-{export.sequence}.csv"
    response, writer = csv_response(name)
    writer.writerow([
        _("Entry"), _("Time"), _("Username"), _("User"), _("Authority"), _("Operation"),
        _("Records"), _("Search terms"), _("Reason"), _("Channel"),
    ])
    for row in _access_rows(entries, subject):
        writer.writerow([
            row.sequence, row.at.isoformat(timespec="seconds"),
            *(cell(text) for text in (
                row.username, row.user, row.authority, row.operation, row.records,
                row.search_terms, row.reason, row.channel,
            )),
        ])
    return response
