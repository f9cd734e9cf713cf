"""The case list: filter, search by name, case number or date of birth, sort and page through
the cases the user may see.

The filters that say nothing about a person travel in the query string, so a list can be
bookmarked; names and dates of birth travel in a POST body only. Every list shown is kept in
the access log with what was searched for. A row costs no query of its own: what it shows is
fetched with the page (``find_cases`` and the prefetch below), so a page of 50 cases out of
100,000 takes the same handful of queries as a page of 3.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from retour import display
from retour.accounts.scoping import personal_data_member_state
from retour.audit.log import record_access
from retour.cases.models import Origin, ReturnCase
from retour.cases.search import find_cases
from retour.cases.stages import Stage
from retour.people.models import Person, PersonName, Vulnerability
from retour.reference.models import Country
from retour.web.cases.forms_search import CaseFilterForm, CaseSearchForm, case_filters
from retour.web.form_support import signed_in
from retour.web.persons import date_of_birth

PAGE_SIZE = 50
CHANNEL = "web"


@dataclass(frozen=True)
class CaseRow:
    url: str
    number: str
    names: list[str]  # the person's names, the one in Latin script first
    date_of_birth: str
    stage: str
    origin: str
    citizenship: str
    authority: str
    officer: str
    opened_on: date
    overdue: bool
    vulnerabilities: list[str]


def _names(person: Person) -> list[str]:
    names = list(person.names.all())
    primary = [n for n in names if n.kind == PersonName.Kind.PRIMARY] or names[:1]
    return [str(n) for n in sorted(primary, key=lambda n: (n.script != "Latn", n.pk))]


def _citizenship(person: Person, countries: Mapping[str, Country]) -> str:
    shown = []
    for nationality in sorted(
        person.nationalities.all(), key=lambda n: (n.status != "confirmed", n.country_id)
    ):
        name = display.country_name(countries.get(nationality.country_id)) or nationality.country_id
        if nationality.status == "claimed":
            name = _("%(country)s (claimed)") % {"country": name}
        shown.append(name)
    return ", ".join(shown)


def case_row(case: ReturnCase, countries: Mapping[str, Country]) -> CaseRow:
    person = case.person
    officer = case.assigned_officer
    return CaseRow(
        url=reverse("case", args=[case.pk]),
        number=case.number,
        names=_names(person),
        date_of_birth=date_of_birth(person),
        stage=display.label(Stage, case.stage),
        origin=display.label(Origin, case.origin),
        citizenship=_citizenship(person, countries),
        authority=case.responsible_authority.name,
        officer=(officer.get_full_name() or officer.username) if officer else "",
        opened_on=timezone.localdate(case.opened_at),
        overdue=case.overdue,  # type: ignore[attr-defined]
        vulnerabilities=[
            display.label(Vulnerability.Kind, v.kind)
            for v in person.active_vulnerabilities  # type: ignore[attr-defined]
        ],
    )


def _pages(page: Page[Any]) -> list[int | None]:
    """The page numbers to offer: the first, the last and two either side of this one;
    None where numbers are left out."""
    wanted = {1, page.paginator.num_pages, *range(page.number - 2, page.number + 3)}
    shown: list[int | None] = []
    for number in sorted(n for n in wanted if 1 <= n <= page.paginator.num_pages):
        if shown and shown[-1] is not None and number > shown[-1] + 1:
            shown.append(None)
        shown.append(number)
    return shown


@require_http_methods(["GET", "POST"])
@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    crumbs = [(_("Home"), reverse("home")), (_("Cases"), None)]
    if personal_data_member_state(user) is None:
        return render(request, "web/cases/list_none.html", {"breadcrumbs": crumbs})
    countries = {c.code: c for c in Country.objects.all()}
    filter_form = CaseFilterForm(request.GET, user=user, countries=countries.values())
    parameters = request.POST if request.method == "POST" else request.GET
    search_form = CaseSearchForm(request.POST if request.method == "POST" else {})
    filters = case_filters(filter_form, search_form)
    page, rows = None, []
    if filters is not None:
        found = find_cases(user, filters).prefetch_related(Prefetch(
            "person__vulnerabilities",
            queryset=Vulnerability.objects.filter(ended_on__isnull=True),
            to_attr="active_vulnerabilities",
        ))
        page = Paginator(found, PAGE_SIZE).get_page(parameters.get("page"))
        cases = list(page.object_list)
        record_access(
            user, "search", "return_case", [c.pk for c in cases],
            person_ids=[c.person_id for c in cases], search_terms=filters.search_terms(),
            channel=CHANNEL,
        )
        rows = [case_row(c, countries) for c in cases]
    context = {
        "filter_form": filter_form,
        "search_form": search_form,
        "page": page,
        "pages": _pages(page) if page else [],
        "rows": rows,
        # Pages of a search by name or date of birth are asked for by POST, like the search.
        "searched": bool(search_form.is_valid() and search_form.filters()),
        "breadcrumbs": crumbs,
    }
    if request.headers.get("HX-Request"):
        return render(request, "web/cases/list_swap.html", context)
    return render(request, "web/cases/list.html", context)
