"""Statistics dashboards for national managers and statisticians (issue 6): indicator trends
per quarter, the case funnel from end of legal stay to departure, an indicator by citizenship
and by responsible authority. Each chart has its data table (the text equivalent) and a CSV of
exactly that table; the filters are in the address.

Figures are read from the cube (``statistics.IndicatorValue``), never recomputed here; the
funnel is counted from the milestone table by ``statistics.funnel``. Both are aggregates:
no case or person is read, so a view is not access-logged (ADR 7; ADR 4 logs reads of
personal data).

Who sees what: the roles with ``view_statistics``. A national user sees their own member
state's figures as they are. For the EU coordinator, who belongs to no member state, the
figures have left the member state: small counts are withheld as in the Eurostat exports
(``statistics.suppression``, threshold ``RETOUR_SUPPRESSION_THRESHOLD``), with secondary
suppression within each breakdown, and a withheld cell is shown and exported as ':'.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Choices
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from retour import clock, display
from retour.accounts.models import Authority, User
from retour.accounts.roles import Capability, RoleCode
from retour.cases.models import Origin
from retour.people.models import Sex
from retour.reference.models import Country
from retour.statistics.eirt import HIDDEN, TOTAL, Cell, Table, quarter_bounds
from retour.statistics.engine import EU, UNKNOWN, quarter_of
from retour.statistics.funnel import funnel
from retour.statistics.models import IndicatorDefinition, IndicatorValue, StatisticsRun
from retour.statistics.suppression import suppress, threshold
from retour.web import charts
from retour.web.csv_export import cell, csv_response
from retour.web.form_support import signed_in
from retour.web.statistics.forms_dashboards import (
    AUTHORITY,
    DIMENSION_LABELS,
    AuthorityForm,
    Catalogue,
    CitizenshipForm,
    FunnelForm,
    StatisticsForm,
    TrendForm,
    indicator_name,
    with_authorities,
)
from retour.web.views import refused_page

MAX_LINES = 8  # lines drawn in a trend chart; the table has every series

UNITS = {
    "count": gettext_lazy("number"),
    "percent": gettext_lazy("percent"),
    "days": gettext_lazy("days"),
}
AGE_GROUPS = {
    "under_14": gettext_lazy("under 14"),
    "14_17": gettext_lazy("14 to 17"),
    "18_34": gettext_lazy("18 to 34"),
    "35_plus": gettext_lazy("35 and over"),
}
RETURN_TYPES = {"voluntary": gettext_lazy("voluntary"), "enforced": gettext_lazy("enforced")}
YES_NO = {"true": gettext_lazy("yes"), "false": gettext_lazy("no")}
FUNNEL_STAGES = {
    "legal_stay_ended": gettext_lazy("Legal stay ended"),
    "return_decision": gettext_lazy("Return decision"),
    "identification_complete": gettext_lazy("Identification complete"),
    "readmission_request": gettext_lazy("Readmission request"),
    "readmission_reply": gettext_lazy("Reply to the request"),
    "travel_document": gettext_lazy("Travel document"),
    "departure": gettext_lazy("Departure"),
}


# --- figures and tables ------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    value: float | None
    kind: str  # "count", "percent" or "days"
    withheld: bool = False

    @property
    def text(self) -> str:
        if self.withheld:
            return HIDDEN
        if self.value is None:
            return "–"
        if self.kind == "count":
            return str(formats.number_format(int(self.value), 0, use_l10n=True))
        number = formats.number_format(round(self.value, 1), 1, use_l10n=True)
        return f"{number} %" if self.kind == "percent" else str(number)

    @property
    def csv(self) -> Any:
        """As a program reads it: a number with a decimal point, '' for none, ':' withheld."""
        if self.withheld:
            return HIDDEN
        if self.value is None:
            return ""
        return int(self.value) if self.kind == "count" else round(self.value, 2)

    @property
    def drawn(self) -> float | None:
        """The value a chart draws (None: a gap)."""
        return None if self.withheld else self.value


@dataclass(frozen=True)
class Row:
    header: str
    figures: list[Figure]
    total: bool = False


@dataclass(frozen=True)
class DataTable:
    caption: str
    row_title: str
    columns: list[str]
    rows: list[Row]

    @property
    def withheld(self) -> bool:
        return any(f.withheld for row in self.rows for f in row.figures)


@dataclass
class Result:
    table: DataTable
    chart: dict[str, Any]
    chart_label: str
    definition: IndicatorDefinition | None = None
    notes: list[str] = field(default_factory=list)


# --- who sees what -------------------------------------------------------------------------


def _national(user: User) -> tuple[bool, str | None]:
    """Whether the user may read the dashboards, and their member state (None: the EU
    coordinator, who sees every member state with small counts withheld)."""
    if not user.can(Capability.VIEW_STATISTICS):
        return False, None
    member_state = user.member_state_code
    if member_state is None and RoleCode.EU_COORDINATOR not in user.role_codes:
        return False, None
    return True, member_state


def _quarter(period: str) -> tuple[int, int]:
    """The year and quarter of a cube period (``2026Q1`` or the month ``2026-02``)."""
    if "Q" in period:
        year, quarter = period.split("Q")
        return int(year), int(quarter)
    year, month = period.split("-")
    return int(year), (int(month) - 1) // 3 + 1


def _quarters() -> list[str]:
    """Every quarter from the cube's first period to its last. Read as the two ends of the
    period index (a distinct scan of a cube of millions of cells takes a quarter second)."""
    ends = IndicatorValue.objects.values_list("period", flat=True)
    first, last = ends.order_by("period").first(), ends.order_by("-period").first()
    if first is None or last is None:
        return []
    (year, quarter), end = _quarter(first), _quarter(last)
    quarters = []
    while (year, quarter) <= end:
        quarters.append(f"{year}Q{quarter}")
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return quarters


def _catalogue(national: str | None) -> Catalogue:
    return Catalogue(
        indicators={d.code: d for d in IndicatorDefinition.objects.all()},
        quarters=_quarters(),
        national=national,
    )


# --- small-count suppression for figures that leave the member state ---------------------


def _withheld(
    total: IndicatorValue | None, cells: Sequence[IndicatorValue], limit: int
) -> set[str]:
    """The breakdown values (and ``TOTAL``) withheld: the numerators and the denominators each
    as one table of a total and its breakdown (``statistics.suppression``)."""
    hidden: set[str] = set()
    for part in ("numerator", "denominator"):
        if all(getattr(c, part) is None for c in (*cells, *([total] if total else []))):
            continue  # a count or a duration has no denominator
        counts = {c.dimension_value: getattr(c, part) or 0 for c in cells}
        whole = (getattr(total, part) or 0) if total is not None else sum(counts.values())
        table = Table(
            "",
            "",
            "",
            "",
            (Cell(TOTAL, TOTAL, whole), *(Cell("by", v, n) for v, n in counts.items())),
        )
        hidden |= {c.value for c in suppress(table, limit).cells if c.suppressed}
    return hidden


def _figure(value: IndicatorValue | None, unit: str, withheld: bool) -> Figure:
    if value is None:
        return Figure(0 if unit == "count" else None, unit, withheld)
    return Figure(value.value, unit, withheld)


# --- labels of breakdown values ------------------------------------------------------------


class Names:
    """Breakdown values as words, with the countries and authorities read once."""

    def __init__(self) -> None:
        self._countries: dict[str, Country] | None = None
        self._authorities: dict[str, str] | None = None

    def country(self, code: str) -> str:
        if self._countries is None:
            self._countries = {c.code: c for c in Country.objects.all()}
        return display.country_name(self._countries.get(code)) or code

    def member_state(self, code: str) -> str:
        return _("All member states (EU)") if code == EU else self.country(code)

    def value(self, dimension: str, value: str) -> str:
        if value == UNKNOWN:
            return _("unknown")
        if dimension in ("citizenship", "destination"):
            return self.country(value)
        if dimension == AUTHORITY:
            if self._authorities is None:
                self._authorities = dict(Authority.objects.values_list("code", "name"))
            return self._authorities.get(value, value)
        tables: dict[str, type[Choices] | Mapping[str, Any]] = {
            "sex": Sex,
            "age_band": AGE_GROUPS,
            "origin": Origin,
            "return_type": RETURN_TYPES,
        }
        table = tables.get(dimension, YES_NO)
        return display.label(table, value)


# --- the dashboards ------------------------------------------------------------------------


def _cells(code: str, member_state: str, dimension: str, periods: Iterable[str]) -> list[Any]:
    return list(
        IndicatorValue.objects.filter(
            indicator=code,
            period_kind="quarter",
            period__in=list(periods),
            member_state=member_state,
            dimension__in={TOTAL, dimension},
        )
    )


def _notes(definition: IndicatorDefinition) -> list[str]:
    """What the reader must know besides the description: the cohort caveat when numerator
    and denominator are placed in periods by different dates (the Eurostat return rate)."""
    formula = definition.formula
    numerator, denominator = formula.get("numerator", {}), formula.get("denominator") or {}
    if denominator and numerator.get("period") != denominator.get("period"):
        return [
            _(
                "Numerator and denominator count different cases: each is placed in the "
                "quarter by its own date, so cases counted in the numerator mostly belong to "
                "an earlier quarter's denominator. Compare the cohort return rates, which "
                "follow the same cases."
            )
        ]
    return []


def _describe(definition: IndicatorDefinition, where: str) -> str:
    return _("%(indicator)s, %(where)s, in %(unit)s.") % {
        "indicator": indicator_name(definition),
        "where": where,
        "unit": UNITS.get(definition.unit, definition.unit),
    }


def _trend(form: TrendForm, suppressing: bool, names: Names) -> Result:
    definition = form.definition()
    member_state = form.member_state()
    breakdown = form.cleaned_data.get("breakdown") or ""
    quarters = form.quarters()
    cells = _cells(definition.code, member_state, breakdown or TOTAL, quarters)
    by_quarter: dict[str, dict[str, IndicatorValue]] = {q: {} for q in quarters}
    totals: dict[str, IndicatorValue] = {}
    for value in cells:
        if value.dimension == TOTAL:
            totals[value.period] = value
        if not breakdown:
            by_quarter[value.period][TOTAL] = value
        elif value.dimension == breakdown:
            by_quarter[value.period][value.dimension_value] = value
    parts = {q: list(found.values()) if breakdown else [] for q, found in by_quarter.items()}
    withheld = {
        q: _withheld(totals.get(q), parts[q], threshold()) if suppressing else set()
        for q in quarters
    }
    volume: dict[str, int] = {}
    for found in by_quarter.values():
        for key, value in found.items():
            volume[key] = volume.get(key, 0) + (value.denominator or value.numerator or 0)
    series = sorted(volume, key=lambda key: (-volume[key], key)) or [TOTAL]
    rows = []
    for key in series:
        header = _("All") if key == TOTAL else names.value(breakdown, key)
        rows.append(
            Row(
                header,
                [
                    _figure(by_quarter[q].get(key), definition.unit, key in withheld[q])
                    for q in quarters
                ],
            )
        )
    if breakdown:
        rows.append(
            Row(
                _("All"),
                [_figure(totals.get(q), definition.unit, TOTAL in withheld[q]) for q in quarters],
                total=True,
            )
        )
    where = names.member_state(member_state)
    if breakdown:
        where = _("%(where)s, by %(breakdown)s") % {
            "where": where,
            "breakdown": DIMENSION_LABELS[breakdown],
        }
    caption = _describe(definition, where)
    points = [
        {"quarter": q, "series": row.header, "value": figure.drawn}
        for row in [r for r in rows if not r.total][:MAX_LINES]
        for q, figure in zip(quarters, row.figures, strict=True)
    ]
    notes = _notes(definition)
    if len(rows) > MAX_LINES + bool(breakdown):
        notes.append(
            _("The chart draws the %(count)s largest groups; the table has all of them.")
            % {"count": MAX_LINES}
        )
    chart = charts.line_chart(
        caption,
        points,
        value_title=str(UNITS.get(definition.unit, definition.unit)),
        series_title=str(DIMENSION_LABELS[breakdown]) if breakdown else None,
        whole=definition.unit == "count",
    )
    table = DataTable(
        caption,
        str(capfirst(DIMENSION_LABELS[breakdown])) if breakdown else _("Indicator"),
        quarters,
        rows,
    )
    return Result(table, chart, caption, definition, notes)


def _unit_columns(unit: str) -> list[str]:
    if unit == "percent":
        return [_("Percent"), _("Numerator"), _("Denominator")]
    if unit == "days":
        return [_("Days"), _("Cases")]
    return [_("Number")]


def _unit_figures(
    unit: str, value: float | None, numerator: int, denominator: int, withheld: bool
) -> list[Figure]:
    figures = [Figure(value, unit, withheld)]
    if unit == "percent":
        figures += [Figure(numerator, "count", withheld), Figure(denominator, "count", withheld)]
    elif unit == "days":
        figures.append(Figure(numerator, "count", withheld))
    return figures


def _breakdown_table(
    definition: IndicatorDefinition,
    member_state: str,
    quarter: str,
    dimension: str,
    suppressing: bool,
    names: Names,
    top: int | None,
) -> tuple[list[Row], list[dict[str, Any]]]:
    """The rows of an indicator's breakdown for one quarter (the ``top`` largest and the rest
    together when ``top`` is given, else every value by name) and the chart's bars."""
    unit = definition.unit
    total: IndicatorValue | None = None
    found: list[IndicatorValue] = []
    for value in _cells(definition.code, member_state, dimension, [quarter]):
        if value.dimension == TOTAL:
            total = value
        else:
            found.append(value)
    withheld = _withheld(total, found, threshold()) if suppressing else set()

    def row(header: str, value: IndicatorValue, hidden: bool) -> Row:
        return Row(
            header,
            _unit_figures(unit, value.value, value.numerator or 0, value.denominator or 0, hidden),
        )

    if top is None:
        shown = sorted(found, key=lambda v: names.value(dimension, v.dimension_value))
        rest: list[IndicatorValue] = []
    else:
        found.sort(key=lambda v: (-(v.denominator or v.numerator or 0), v.dimension_value))
        shown, rest = found[:top], found[top:]
    rows = [
        row(names.value(dimension, v.dimension_value), v, v.dimension_value in withheld)
        for v in shown
    ]
    if rest:
        numerator = sum(v.numerator or 0 for v in rest)
        denominator = sum(v.denominator or 0 for v in rest)
        share = 100 * numerator / denominator if unit == "percent" and denominator else None
        # Its members' sum; withheld when one of them is, so it cannot give that one away.
        hidden = any(v.dimension_value in withheld for v in rest)
        value = numerator if unit == "count" else share
        rows.append(
            Row(
                _("Other (%(count)s)") % {"count": len(rest)},
                _unit_figures(unit, value, numerator, denominator, hidden),
            )
        )
    bars = [{"label": r.header, "value": r.figures[0].drawn} for r in rows]
    if total is not None:
        rows.append(Row(_("All"), row("", total, TOTAL in withheld).figures, total=True))
    return rows, bars


def _by_citizenship(form: CitizenshipForm, suppressing: bool, names: Names) -> Result:
    definition = form.definition()
    member_state, quarter = form.member_state(), form.cleaned_data["quarter"]
    rows, bars = _breakdown_table(
        definition,
        member_state,
        quarter,
        "citizenship",
        suppressing,
        names,
        form.cleaned_data["top"],
    )
    caption = _describe(
        definition,
        _("%(where)s, %(quarter)s, by citizenship")
        % {"where": names.member_state(member_state), "quarter": quarter},
    )
    value_title = str(UNITS.get(definition.unit, definition.unit))
    chart = charts.bar_chart(
        caption, bars, value_title=value_title, whole=definition.unit == "count"
    )
    table = DataTable(caption, _("Citizenship"), _unit_columns(definition.unit), rows)
    return Result(table, chart, caption, definition, _notes(definition))


def _by_authority(form: AuthorityForm, suppressing: bool, names: Names) -> Result:
    definition = form.definition()
    member_state, quarter = form.member_state(), form.cleaned_data["quarter"]
    rows, bars = _breakdown_table(
        definition, member_state, quarter, AUTHORITY, suppressing, names, None
    )
    caption = _describe(
        definition,
        _("%(where)s, %(quarter)s, by responsible authority")
        % {"where": names.member_state(member_state), "quarter": quarter},
    )
    value_title = str(UNITS.get(definition.unit, definition.unit))
    chart = charts.bar_chart(
        caption, bars, value_title=value_title, whole=definition.unit == "count"
    )
    table = DataTable(caption, _("Responsible authority"), _unit_columns(definition.unit), rows)
    return Result(table, chart, caption, definition, _notes(definition))


def _funnel(form: FunnelForm, suppressing: bool, names: Names) -> Result:
    member_state = form.member_state()
    citizenship = form.cleaned_data.get("citizenship") or None
    result = funnel(None if member_state == EU else member_state, citizenship)
    # Withheld for the EU coordinator: small counts, and the days waited of few cases. The
    # stages' figures do not add up to a published total, so nothing more can be worked out.
    limit = threshold() if suppressing else 0
    rows = []
    for stage in result.stages:
        few = 0 < stage.waiting < limit
        rows.append(
            Row(
                str(FUNNEL_STAGES[stage.stage]),
                [
                    Figure(stage.reached, "count", 0 < stage.reached < limit),
                    Figure(stage.waiting, "count", few),
                    Figure(stage.waited_median, "days", few),
                    Figure(stage.waited_p90, "days", few),
                ],
            )
        )
    where = names.member_state(member_state)
    if citizenship:
        where = _("%(where)s, citizens of %(country)s") % {
            "where": where,
            "country": names.country(citizenship),
        }
    caption = _("Cases by stage from end of legal stay to departure, %(where)s, on %(day)s.") % {
        "where": where,
        "day": result.on.isoformat(),
    }
    reached_label, waiting_label = _("Reached the stage"), _("Waiting there now")
    bars = [
        {"label": row.header, "measure": measure, "value": figure.drawn}
        for row in rows
        for measure, figure in ((reached_label, row.figures[0]), (waiting_label, row.figures[1]))
    ]
    chart = charts.grouped_bar_chart(
        caption,
        bars,
        value_title=_("Cases"),
        measure_title=_("Cases"),
    )
    columns = [reached_label, waiting_label, _("Median days waited"), _("90th percentile days")]
    return Result(DataTable(caption, _("Stage"), columns, rows), chart, caption)


# --- pages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    slug: str  # the address: statistics-<slug> and statistics-<slug>-csv
    title: Any
    intro: Any
    form: type[StatisticsForm]
    build: Callable[[Any, bool, Names], Result]
    needs_cube: bool = True


DASHBOARDS = {
    "trends": Dashboard(
        "trends",
        gettext_lazy("Indicator trends"),
        gettext_lazy("An indicator quarter by quarter, optionally broken down."),
        TrendForm,
        _trend,
    ),
    "funnel": Dashboard(
        "funnel",
        gettext_lazy("Case funnel"),
        gettext_lazy(
            "How many cases reached each stage from the end of legal stay to departure, and "
            "how many wait at each stage now, for how long."
        ),
        FunnelForm,
        _funnel,
        needs_cube=False,
    ),
    "citizenship": Dashboard(
        "citizenship",
        gettext_lazy("By citizenship"),
        gettext_lazy(
            "An indicator for one quarter by citizenship: the largest groups and the rest."
        ),
        CitizenshipForm,
        _by_citizenship,
    ),
    "authorities": Dashboard(
        "authorities",
        gettext_lazy("Authorities compared"),
        gettext_lazy("An indicator for one quarter by the authority responsible for the cases."),
        AuthorityForm,
        _by_authority,
    ),
}


def _crumbs(*more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Home"), reverse("home")), *more]


def _refused(request: HttpRequest, title: str) -> HttpResponse:
    return refused_page(request, title, _("Your role does not allow reading the statistics."))


def _last_run() -> StatisticsRun | None:
    return StatisticsRun.objects.first()


@require_GET
@login_required
def statistics_index(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    title = _("Statistics")
    allowed, _national_state = _national(user)
    if not allowed:
        return _refused(request, title)
    context = {
        "dashboards": [
            (d.title, d.intro, reverse(f"statistics-{d.slug}")) for d in DASHBOARDS.values()
        ],
        "run": _last_run(),
        "cube_empty": not IndicatorValue.objects.exists(),
        # A report is written after its quarter has ended: the last one ended.
        "report_url": reverse("statistics-report", args=[quarter_of(
            quarter_bounds(quarter_of(clock.today()))[0] - timedelta(days=1))]),
        "breadcrumbs": _crumbs((title, None)),
    }
    return render(request, "web/statistics/index.html", context)


def _form(dashboard: Dashboard, query: QueryDict, catalogue: Catalogue) -> StatisticsForm | None:
    """The bound filter form (its defaults when the address has none); None when there is
    nothing to pick from yet."""
    if dashboard.needs_cube and not (catalogue.quarters and catalogue.indicators):
        return None
    if dashboard.slug == "authorities" and not with_authorities(catalogue):
        return None
    # What the address leaves out takes its default, so a shortened address still works.
    data = {**dashboard.form.defaults(catalogue), **query.dict()}
    return dashboard.form(data, catalogue)


def _query(form: StatisticsForm) -> str:
    return urlencode({k: v for k, v in form.data.items() if v not in ("", None)})


def _show(request: HttpRequest, slug: str) -> HttpResponse:
    dashboard = DASHBOARDS[slug]
    user = signed_in(request)
    title = str(dashboard.title)
    allowed, national = _national(user)
    if not allowed:
        return _refused(request, title)
    catalogue = _catalogue(national)
    form = _form(dashboard, request.GET, catalogue)
    result = None
    if form is not None and form.is_valid():
        result = dashboard.build(form, national is None, Names())
    index = reverse("statistics-index")
    context = {
        "dashboard": dashboard,
        "title": title,
        "form": form,
        "result": result,
        "drawn": result is not None and charts.has_figures(result.chart),
        "page_url": reverse(f"statistics-{slug}"),
        "csv_url": (
            f"{reverse(f'statistics-{slug}-csv')}?{_query(form)}" if form and result else None
        ),
        "suppressing": national is None,
        "threshold": threshold(),
        "run": _last_run(),
        "cube_empty": dashboard.needs_cube and not catalogue.quarters,
        "no_authorities": slug == "authorities" and not with_authorities(catalogue),
        "definition_missing": dashboard.needs_cube and not catalogue.indicators,
        "breadcrumbs": _crumbs((_("Statistics"), index), (title, None)),
    }
    status = 422 if form is not None and form.is_bound and not form.is_valid() else 200
    return render(request, "web/statistics/dashboard.html", context, status=status)


def _csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Exactly the page's table as CSV (withheld figures as ':'), numbers as numbers."""
    dashboard = DASHBOARDS[slug]
    user = signed_in(request)
    allowed, national = _national(user)
    if not allowed:
        return _refused(request, str(dashboard.title))
    form = _form(dashboard, request.GET, _catalogue(national))
    if form is None or not form.is_valid():
        # The page explains what is missing or wrong, next to the fields.
        return HttpResponseRedirect(f"{reverse(f'statistics-{slug}')}?{request.GET.urlencode()}")
    table = dashboard.build(form, national is None, Names()).table
    response, writer = csv_response(f"retour-{slug}-{clock.today().isoformat()}.csv")
    writer.writerow([cell(table.row_title), *(cell(c) for c in table.columns)])
    for row in table.rows:
        writer.writerow([cell(row.header), *(f.csv for f in row.figures)])
    return response


@require_GET
@login_required
def dashboard_page(request: HttpRequest, slug: str) -> HttpResponse:
    """One of ``DASHBOARDS``: its filters, chart and data table."""
    return _show(request, slug)


@require_GET
@login_required
def dashboard_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """One of ``DASHBOARDS``: its data table as CSV."""
    return _csv(request, slug)
