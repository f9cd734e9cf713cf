"""The cooperation scorecard of third countries (BRIEF M1, M5; Visa Code Art. 25a(2)): a table
comparing the countries over a period, a page per country with the figures per member state,
both as CSV, and the cases behind a figure.

Who sees it: the roles that read aggregated statistics (statisticians, supervisors, the EU
coordinator) and those who make readmission requests (``identify``: case officers and
identification officers). A national user sees their member state's figures; the EU
coordinator, who belongs to no member state, sees every member state's, and never a case.
A figure links to the cases behind it only for a user who may see that member state's persons;
the list of those cases is kept in the access log like any search.

The figures of all member states leave each member state: small counts, and the medians and
shares over few cases, are withheld (``readmission.scorecard``, ``statistics.suppression``);
the page says so next to the tables, the CSV writes ':' as Eurostat does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from retour import clock, display
from retour.accounts.models import User
from retour.accounts.roles import Capability, RoleCode
from retour.accounts.scoping import personal_data_member_state
from retour.audit.log import record_access
from retour.cases.models import ReturnCase
from retour.readmission.scorecard import COUNTS, CountryScore, Figures, Period, cases_behind
from retour.readmission.scorecard import scorecard as compute_scorecard
from retour.reference.models import Country
from retour.statistics.eirt import HIDDEN
from retour.statistics.suppression import threshold
from retour.web.csv_export import cell, csv_response
from retour.web.form_support import signed_in
from retour.web.forms_actions import CHANNEL
from retour.web.readmission.forms_scorecard import PeriodForm, period_query
from retour.web.views import refused_page


@dataclass(frozen=True)
class Column:
    key: str  # a count of ``COUNTS`` or a property of ``Figures``
    label: Promise
    kind: str  # "count", "share" or "days"


def _count(key: str, label: Promise) -> Column:
    return Column(key, label, "count")


_REQUESTS = (
    _count("submitted", gettext_lazy("Requests submitted")),
    _count("accepted", gettext_lazy("Accepted")),
    _count("tacitly_accepted", gettext_lazy("of which tacitly")),
    _count("rejected", gettext_lazy("Rejected")),
    _count("pending", gettext_lazy("Awaiting a reply")),
    _count("withdrawn", gettext_lazy("Withdrawn")),
    Column("acceptance_rate", gettext_lazy("Acceptance rate"), "share"),
)
_REPLIES = (
    Column("reply_days_median", gettext_lazy("Median reply time (days)"), "days"),
    Column("reply_days_p90", gettext_lazy("90th percentile reply time (days)"), "days"),
    _count("replies_owed", gettext_lazy("Replies owed")),
    _count("answered_in_time", gettext_lazy("Answered within the limit")),
    Column("in_time_share", gettext_lazy("Share answered within the limit"), "share"),
)
_PRACTICAL = (
    _count("documents_issued", gettext_lazy("Travel documents issued")),
    Column("issuance_days_median", gettext_lazy("Median issuance time (days)"), "days"),
    _count("interviews", gettext_lazy("Persons interviewed")),
    _count("identified", gettext_lazy("Identified")),
    _count("not_identified", gettext_lazy("Not identified")),
    _count("needs_more_evidence", gettext_lazy("Needs more evidence")),
    _count("did_not_appear", gettext_lazy("Did not appear")),
    _count("awaiting_outcome", gettext_lazy("Awaiting the outcome")),
)
_RETURNS = (
    _count("return_decisions", gettext_lazy("Return decisions")),
    _count("forced_returns", gettext_lazy("Forced returns")),
    Column("forced_return_share", gettext_lazy("Forced returns per return decision"), "share"),
)
# The country page's tables: title, the indicator of Art. 25a(2) they serve, the columns.
SECTIONS = (
    ("requests", gettext_lazy("Readmission requests"), gettext_lazy("Art. 25a(2)(c)"), _REQUESTS),
    ("replies", gettext_lazy("Replies"), gettext_lazy("Art. 25a(2)(d)"), _REPLIES),
    (
        "practical",
        gettext_lazy("Travel documents and identification"),
        gettext_lazy("Art. 25a(2)(d)"),
        _PRACTICAL,
    ),
    (
        "returns",
        gettext_lazy("Return decisions and forced returns"),
        gettext_lazy("Art. 25a(2)(a) and (b)"),
        _RETURNS,
    ),
)
ALL_COLUMNS = tuple(column for *_meta, columns in SECTIONS for column in columns)
assert {c.key for c in ALL_COLUMNS if c.kind == "count"} == set(COUNTS)
# The comparison table keeps to the indicators themselves.
COMPARED = tuple(
    column
    for column in ALL_COLUMNS
    if column.key
    not in {
        "pending",
        "withdrawn",
        "replies_owed",
        "answered_in_time",
        "not_identified",
        "needs_more_evidence",
        "did_not_appear",
        "awaiting_outcome",
    }
)


@dataclass(frozen=True)
class Cell:
    text: str
    url: str | None = None


@dataclass(frozen=True)
class Row:
    header: str
    url: str | None  # the country page, in the comparison table
    cells: list[Cell]
    total: bool = False


@dataclass(frozen=True)
class Scope:
    member_state: str | None  # None: every member state
    linked: str | None  # the member state whose cases the user may open, if any


def _crumbs(*more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Home"), reverse("home")), *more]


def _scope(user: User) -> Scope | None:
    """What the user sees, or None when the scorecard is not for them."""
    if not (user.can(Capability.VIEW_STATISTICS) or user.can(Capability.IDENTIFY)):
        return None
    member_state = user.member_state_code
    if member_state is None and RoleCode.EU_COORDINATOR not in user.role_codes:
        return None
    return Scope(member_state, personal_data_member_state(user))


def _refused(request: HttpRequest, title: str) -> HttpResponse:
    return refused_page(request, title, _("Your role does not allow reading the scorecard."))


def _withheld_below(scope: Scope) -> int | None:
    """The threshold below which figures are withheld, for the figures of all member states."""
    return threshold() if scope.member_state is None else None


def _value(figures: Figures, column: Column) -> Any:
    """The figure, None when there is none or it is withheld (``Figures.withheld``)."""
    if column.kind == "count":
        return figures.counts[column.key]
    return getattr(figures, column.key)


def _shown(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "share":
        return f"{formats.number_format(round(value * 100, 1), 1, use_l10n=True)} %"
    if kind == "days":
        return str(
            formats.number_format(value, 0 if float(value).is_integer() else 1, use_l10n=True)
        )
    return str(value)


def _for_csv(figures: Figures, column: Column) -> Any:
    """Numbers a program can read: shares as fractions with a decimal point, none empty,
    withheld ':'."""
    if column.key in figures.withheld:
        return HIDDEN
    value, kind = _value(figures, column), column.kind
    if value is None:
        return ""
    return round(value, 4) if kind == "share" else value


def _cells(
    figures: Figures, columns: Iterable[Column], link: Callable[[str], str] | None
) -> list[Cell]:
    cells = []
    for column in columns:
        if column.key in figures.withheld:
            cells.append(Cell(_("withheld")))
            continue
        value = _value(figures, column)
        url = link(column.key) if link and column.kind == "count" and value else None
        cells.append(Cell(_shown(value, column.kind), url))
    return cells


def _linker(
    scope: Scope, period: Period, country: str, member_state: str | None
) -> Callable[[str], str] | None:
    """Links to the cases behind the figures of ``member_state`` (or of the whole scope when
    it is the user's own member state), for a user who may open them."""
    if scope.linked is None or (member_state or scope.member_state) != scope.linked:
        return None
    base = reverse("scorecard-cases", args=[country])

    def link(figure: str) -> str:
        return f"{base}?{urlencode({**period_query(period), 'figure': figure})}"

    return link


def _period(request: HttpRequest) -> tuple[PeriodForm, Period | None]:
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    period = form.chosen() if form.is_bound else Period.of(clock.today())
    return PeriodForm.showing(period), period


def _countries() -> dict[str, Country]:
    return {c.code: c for c in Country.objects.all()}


def _name(countries: dict[str, Country], code: str) -> str:
    return display.country_name(countries.get(code)) or code


def _scope_text(scope: Scope, countries: dict[str, Country]) -> str:
    if scope.member_state is None:
        return _("all member states")
    return _name(countries, scope.member_state)


def _comparison_rows(
    scores: Iterable[CountryScore], scope: Scope, period: Period, countries: dict[str, Country]
) -> list[Row]:
    query = urlencode(period_query(period))
    rows = [
        Row(
            header=_name(countries, score.country),
            url=f"{reverse('scorecard-country', args=[score.country])}?{query}",
            cells=_cells(score.total, COMPARED, _linker(scope, period, score.country, None)),
        )
        for score in scores
    ]
    return sorted(rows, key=lambda row: row.header)


@require_GET
@login_required
def scorecard(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    title = _("Cooperation scorecard")
    scope = _scope(user)
    if scope is None:
        return _refused(request, title)
    form, period = _period(request)
    countries = _countries()
    rows: list[Row] = []
    if period is not None:
        card = compute_scorecard(period, scope.member_state)
        rows = _comparison_rows(card.countries.values(), scope, period, countries)
    context = {
        "form": form,
        "period": period,
        "scope": _scope_text(scope, countries),
        "columns": COMPARED,
        "rows": rows,
        "linked": scope.linked is not None,
        "withheld_below": _withheld_below(scope),
        "csv_url": _csv_url("scorecard-csv", [], period),
        "breadcrumbs": _crumbs((title, None)),
    }
    return render(request, "web/scorecard/list.html", context, status=200 if period else 422)


def _csv_url(name: str, args: list[str], period: Period | None) -> str | None:
    if period is None:
        return None
    return f"{reverse(name, args=args)}?{urlencode(period_query(period))}"


def _third_country(code: str) -> Country:
    country = Country.objects.third_countries().filter(code=code.upper()).first()
    if country is None:
        raise Http404
    return country


def _country_tables(
    score: CountryScore | None,
    scope: Scope,
    period: Period,
    countries: dict[str, Country],
    code: str,
) -> list[dict[str, Any]]:
    tables = []
    for slug, heading, source, columns in SECTIONS:
        rows = []
        if score is not None:
            rows = [
                Row(
                    _name(countries, state),
                    None,
                    _cells(figures, columns, _linker(scope, period, code, state)),
                )
                for state, figures in score.by_member_state.items()
            ]
            rows.sort(key=lambda row: row.header)
            if scope.member_state is None:
                rows.append(
                    Row(
                        _("All member states"), None, _cells(score.total, columns, None), total=True
                    )
                )
        tables.append(
            {"slug": slug, "heading": heading, "source": source, "columns": columns, "rows": rows}
        )
    return tables


@require_GET
@login_required
def country_scorecard(request: HttpRequest, country: str) -> HttpResponse:
    user = signed_in(request)
    scope = _scope(user)
    if scope is None:
        return _refused(request, _("Cooperation scorecard"))
    third = _third_country(country)
    name = display.country_name(third)
    form, period = _period(request)
    countries = _countries()
    tables: list[dict[str, Any]] = []
    if period is not None:
        card = compute_scorecard(period, scope.member_state)
        tables = _country_tables(
            card.countries.get(third.code), scope, period, countries, third.code
        )
    list_url = reverse("scorecard") + (f"?{urlencode(period_query(period))}" if period else "")
    context = {
        "form": form,
        "period": period,
        "country": third,
        "country_name": name,
        "scope": _scope_text(scope, countries),
        "tables": tables,
        "empty": not any(table["rows"] for table in tables),
        "linked": scope.linked is not None,
        "withheld_below": _withheld_below(scope),
        "page_url": reverse("scorecard-country", args=[third.code]),
        "csv_url": _csv_url("scorecard-country-csv", [third.code], period),
        "breadcrumbs": _crumbs((_("Cooperation scorecard"), list_url), (name, None)),
    }
    return render(request, "web/scorecard/country.html", context, status=200 if period else 422)


def _csv(request: HttpRequest, third: Country | None) -> HttpResponse:
    """The figures as CSV, one row per country (the comparison) or per member state (a
    country), every figure of the page with numbers as numbers; no case is named."""
    user = signed_in(request)
    scope = _scope(user)
    if scope is None:
        return _refused(request, _("Cooperation scorecard"))
    period = _period(request)[1]
    if period is None:
        # The page explains the errors next to the fields.
        page = reverse("scorecard-country", args=[third.code]) if third else reverse("scorecard")
        return HttpResponseRedirect(f"{page}?{request.GET.urlencode()}")
    card = compute_scorecard(period, scope.member_state)
    countries = _countries()
    label = third.code if third else "countries"
    response, writer = csv_response(
        f"retour-scorecard-{label}-{period.code}-{clock.today().isoformat()}.csv"
    )
    writer.writerow(
        [
            _("Period"),
            _("Third country"),
            _("Name"),
            _("Member state"),
            *(str(c.label) for c in ALL_COLUMNS),
        ]
    )
    every = _("all member states")
    for score in card.countries.values():
        if third is not None and score.country != third.code:
            continue
        lines = [(scope.member_state or every, score.total)]
        if third is not None and scope.member_state is None:
            lines = [*score.by_member_state.items(), (every, score.total)]
        for state, figures in lines:
            writer.writerow(
                [
                    period.code,
                    score.country,
                    cell(_name(countries, score.country)),
                    cell(state),
                    *(_for_csv(figures, c) for c in ALL_COLUMNS),
                ]
            )
    return response


@require_GET
@login_required
def scorecard_csv(request: HttpRequest) -> HttpResponse:
    return _csv(request, None)


@require_GET
@login_required
def country_scorecard_csv(request: HttpRequest, country: str) -> HttpResponse:
    return _csv(request, _third_country(country))


@require_GET
@login_required
def cases_behind_figure(request: HttpRequest, country: str) -> HttpResponse:
    """The cases of the user's member state counted in one figure of a country's scorecard."""
    user = signed_in(request)
    title = _("Cases behind a figure")
    scope = _scope(user)
    if scope is None or scope.linked is None:
        return refused_page(
            request, title, _("Your role does not allow seeing the cases behind the figures.")
        )
    third = _third_country(country)
    figure = request.GET.get("figure", "")
    column = next((c for c in ALL_COLUMNS if c.key == figure and c.kind == "count"), None)
    period = _period(request)[1]
    if column is None or period is None:
        raise Http404
    items = cases_behind(period, scope.linked, third.code, figure)
    cases = list(
        ReturnCase.objects.visible_to(user)
        .filter(pk__in=[i.case_id for i in items if i.case_id is not None])
        .values_list("pk", "number", "person_id")
    )
    numbers = {pk: number for pk, number, _person in cases}
    record_access(
        user,
        "search",
        "return_case",
        list(numbers),
        person_ids=[person for *_case, person in cases],
        search_terms={"scorecard": third.code, "figure": figure, "period": period.code},
        channel=CHANNEL,
    )
    name = display.country_name(third)
    query = urlencode(period_query(period))
    rows = [
        {
            "reference": item.reference,
            "on": item.on,
            "case_number": numbers.get(item.case_id, ""),
            "case_url": reverse("case", args=[item.case_id]) if item.case_id in numbers else None,
        }
        for item in items
    ]
    context = {
        "country_name": name,
        "figure": column.label,
        "period": period,
        "rows": rows,
        "breadcrumbs": _crumbs(
            (_("Cooperation scorecard"), f"{reverse('scorecard')}?{query}"),
            (name, f"{reverse('scorecard-country', args=[third.code])}?{query}"),
            (title, None),
        ),
    }
    return render(request, "web/scorecard/cases.html", context)
