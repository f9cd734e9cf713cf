"""The quarterly report for a meeting of the High-Level Network on return (issue 6): the
strategy's indicators (M30 1–3), the efficiency indicators (M29) and the return rates of one
member state, or of all member states together (``EU``), for a quarter, with their trend over
the last five quarters and what the member state says about them (``ReportCommentary``).

Figures come from the cube (``IndicatorValue``, the ``total`` cell of each quarter); nothing
here reads a case. The report is made to be handed to the High-Level Network, so it leaves
the member state by its purpose, whichever member state it is for: **every report applies
small-count suppression**, on the page that prepares it as in the PDF, so what a national
user reviews is what will be shown. A figure is withheld when a count it rests on is above zero
and below the threshold (``RETOUR_SUPPRESSION_THRESHOLD``, ``suppression.threshold``): a
count itself, either side of a percentage, the cases a number of days summarises. Zero is
published, as in the Eurostat tables. The report publishes no breakdowns, so no figure is the
sum of others and the secondary suppression of ``suppression.suppress`` has nothing to close.
Not covered: the EU report's figure minus the national reports of every other member state
gives a member state's withheld figure, when all of those are published.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Max
from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from retour import clock
from retour.accounts.models import User
from retour.accounts.roles import Capability, RoleCode
from retour.errors import InvalidInput, PermissionRefused
from retour.reference.loading import ReferenceDataError
from retour.reference.models import Country
from retour.statistics.eirt import quarter_bounds
from retour.statistics.formula import DateCompare, Indicator
from retour.statistics.loading import loaded_indicators
from retour.statistics.models import IndicatorDefinition, IndicatorValue, ReportCommentary
from retour.statistics.report_charts import trend_chart
from retour.statistics.suppression import threshold

EU = "EU"
TREND_QUARTERS = 5  # this quarter and the four before it, the same quarter a year ago first
COMMENTARY_MAX_LENGTH = 4000
_QUARTER = re.compile(r"(\d{4})Q([1-4])")


@dataclass(frozen=True)
class Group:
    """A part of the report: the indicators whose code ``holds``, in the data file's order."""

    key: str
    title: Promise
    holds: Callable[[str], bool]


def _is_return_rate(code: str) -> bool:
    return "return_rate" in code


# The strategy's indicators carry the ``m30.`` prefix in the data file; the return rates (the
# Eurostat rate and the cohort rates that answer its caveat) close the report; everything else
# is an efficiency indicator of M29.
GROUPS = (
    Group("strategy", gettext_lazy("Return strategy indicators (M30 1–3)"),
          lambda code: code.startswith("m30.")),
    Group("efficiency", gettext_lazy("Efficiency beyond the return rate (M29)"),
          lambda code: not code.startswith("m30.") and not _is_return_rate(code)),
    Group("return_rates", pgettext_lazy("quarterly report", "Return rates"), _is_return_rate),
)


@dataclass(frozen=True)
class Figure:
    """An indicator's value in one quarter as the report shows it."""

    period: str
    value: float | None  # None: not computed, no cases, or withheld
    text: str
    suppressed: bool = False


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    description: str
    source: str
    unit: str
    unit_label: str
    figures: list[Figure]  # oldest first; the last is the report's quarter
    change_quarter: str
    change_year: str
    chart: SafeString
    chart_text: str
    caveats: list[str]
    commentary: str

    @property
    def current(self) -> Figure:
        return self.figures[-1]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    entries: list[Entry]


@dataclass(frozen=True)
class QuarterlyReport:
    period: str
    member_state: str
    member_state_name: str
    quarters: list[str]  # oldest first
    computed_at: datetime | None  # of the report quarter's cells; None: no cube for it
    generated_on: date
    threshold: int
    introduction: str
    sections: list[Section] = field(default_factory=list)

    @property
    def has_figures(self) -> bool:
        return self.computed_at is not None


def parse_quarter(text: str) -> str:
    """``2026Q1`` (any case, spaces around), or ValueError saying what a quarter looks like."""
    period = text.strip().upper()
    quarter_bounds(period)
    return period


def quarters_up_to(period: str, count: int = TREND_QUARTERS) -> list[str]:
    """``count`` quarters ending with ``period``, oldest first."""
    found = _QUARTER.fullmatch(parse_quarter(period))
    assert found is not None
    index = int(found[1]) * 4 + int(found[2]) - 1
    return [f"{i // 4}Q{i % 4 + 1}" for i in range(index - count + 1, index + 1)]


def member_state_codes() -> set[str]:
    return set(Country.objects.member_states().values_list("code", flat=True))


def check_member_state(code: str) -> str:
    """``code`` in upper case if it is a member state or ``EU``; InvalidInput otherwise."""
    code = code.strip().upper()
    if code != EU and code not in member_state_codes():
        raise InvalidInput.field(
            "member_state", _("%(code)s is not a member state or EU") % {"code": code}
        )
    return code


def may_write(user: User, member_state: str) -> bool:
    """A user who reads statistics writes the commentary of their own member state; the EU
    coordinator, who belongs to none, the commentary of the EU report."""
    if not user.can(Capability.VIEW_STATISTICS):
        return False
    if member_state == EU:
        return user.member_state_code is None and RoleCode.EU_COORDINATOR in user.role_codes
    return user.member_state_code == member_state


@transaction.atomic
def write_commentary(
    user: User, period: str, member_state: str, indicator: str, text: str
) -> ReportCommentary | None:
    """Save what ``user`` says about ``indicator`` (``""``: the introduction) in the report of
    ``period`` for ``member_state``; an empty text removes it (None is returned). The text is
    about figures and is not access-logged: it must not name or describe a person."""
    errors: dict[str, str] = {}
    try:
        period = parse_quarter(period)
    except ValueError:
        errors["period"] = _("not a quarter (2026Q1): %(period)s") % {"period": period}
    try:
        member_state = check_member_state(member_state)
    except InvalidInput as refused:
        errors.update(refused.errors)
    if indicator and not IndicatorDefinition.objects.filter(code=indicator).exists():
        errors["indicator"] = _("no indicator %(code)s is loaded") % {"code": indicator}
    text = text.strip()
    if len(text) > COMMENTARY_MAX_LENGTH:
        errors["text"] = _("at most %(count)d characters") % {"count": COMMENTARY_MAX_LENGTH}
    if errors:
        raise InvalidInput(errors)
    if not may_write(user, member_state):
        raise PermissionRefused(
            _("Your role does not allow writing the commentary of this report.")
        )
    if not text:
        ReportCommentary.objects.filter(
            period=period, member_state=member_state, indicator=indicator
        ).delete()
        return None
    commentary, _created = ReportCommentary.objects.update_or_create(
        period=period, member_state=member_state, indicator=indicator,
        defaults={"text": text, "written_by": user, "updated_at": clock.now()},
    )
    return commentary


def commentaries(period: str, member_state: str) -> dict[str, str]:
    """The report's commentary by indicator code (``""``: the introduction)."""
    rows = ReportCommentary.objects.filter(period=period, member_state=member_state)
    return dict(rows.values_list("indicator", "text"))


def withheld(cell: IndicatorValue, minimum: int) -> bool:
    """Whether a figure rests on a count above zero and below ``minimum``."""
    counts = (cell.numerator, cell.denominator)
    return any(n is not None and 0 < n < minimum for n in counts)


UNITS: Mapping[str, Promise] = {
    "count": pgettext_lazy("quarterly report", "number"),
    "percent": pgettext_lazy("quarterly report", "percent"),
    "days": pgettext_lazy("quarterly report", "days"),
}


def _number(value: float, unit: str) -> str:
    places = 0 if unit == "count" or float(value).is_integer() else 1
    return str(formats.number_format(round(value, places), places, use_l10n=True))


def _shown(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    return f"{_number(value, unit)} %" if unit == "percent" else _number(value, unit)


def _change(before: Figure, now: Figure, unit: str) -> str:
    if before.value is None or now.value is None:
        return "–"
    difference = now.value - before.value
    sign = "+" if difference > 0 else ("−" if difference < 0 else "±")
    text = f"{sign}{_number(abs(difference), unit)}"
    # Percentages change by percentage points, not by percent.
    return _("%(change)s pp") % {"change": text} if unit == "percent" else text


def _figure(cell: IndicatorValue | None, period: str, unit: str, computed: bool,
            minimum: int) -> Figure:
    if cell is None:
        # The cube keeps no cell for a count of zero; other units have no value then.
        value = 0.0 if computed and unit == "count" else None
        return Figure(period, value, _shown(value, unit))
    if withheld(cell, minimum):
        return Figure(period, None, pgettext("quarterly report", "withheld"), suppressed=True)
    return Figure(period, cell.value, _shown(cell.value, unit))


def _provisional_months(indicator: Indicator) -> int:
    """How many months after its own date a case may still enter the numerator (the cohort
    rates: departed within 6 or 12 months of the decision)."""
    return max(
        (
            clause.months
            for clause in indicator.numerator.where
            if isinstance(clause, DateCompare) and clause.right == indicator.numerator.period
        ),
        default=0,
    )


def caveats(indicator: Indicator, period: str, computed_at: datetime | None) -> list[str]:
    """What a reader must know to read the figure, from its definition."""
    found = []
    numerator, denominator = indicator.numerator, indicator.denominator
    if denominator is not None and not denominator.is_stock and (
        denominator.period != numerator.period
    ):
        found.append(_(
            "Numerator and denominator are different cohorts: they are placed in the quarter by "
            "different dates, so a case counted in the numerator was mostly counted in the "
            "denominator of an earlier quarter."
        ))
    if numerator.is_stock:
        found.append(_("Counted at the end of the quarter."))
    months = _provisional_months(indicator)
    if months:
        final = quarter_bounds(period)[1] + relativedelta(months=months)
        if computed_at is None or computed_at.date() <= final:
            found.append(
                _("Provisional: final only when %(months)d months have passed after the quarter "
                  "(after %(day)s).")
                % {"months": months, "day": formats.date_format(final, "DATE_FORMAT")}
            )
    return found


def _dutch() -> bool:
    return (translation.get_language() or "").startswith("nl")


def _loaded() -> list[Indicator]:
    """The loaded definitions in the data file's order; none before they are loaded."""
    try:
        return loaded_indicators()[1]
    except ReferenceDataError:
        return []


def _cells(
    quarters: Iterable[str], member_state: str
) -> tuple[dict[tuple[str, str], IndicatorValue], set[str]]:
    rows = IndicatorValue.objects.filter(
        period_kind="quarter", period__in=list(quarters), member_state=member_state,
        dimension="total",
    )
    cells = {(row.indicator, row.period): row for row in rows}
    return cells, {period for _code, period in cells}


def member_state_name(code: str) -> str:
    if code == EU:
        return _("All member states (EU)")
    country = Country.objects.filter(code=code).first()
    if country is None:
        return code
    return country.name_nl if _dutch() else country.name_en


def assemble(period: str, member_state: str) -> QuarterlyReport:
    """The report of ``period`` for ``member_state`` (or ``EU``), in the active language."""
    period, member_state = parse_quarter(period), check_member_state(member_state)
    quarters = quarters_up_to(period)
    cells, computed = _cells(quarters, member_state)
    computed_at = IndicatorValue.objects.filter(
        period_kind="quarter", period=period, member_state=member_state
    ).aggregate(at=Max("computed_at"))["at"]
    minimum = threshold()
    notes = commentaries(period, member_state)
    language = "nl" if _dutch() else "en"
    entries: list[tuple[str, Entry]] = []
    for indicator in _loaded():
        code, unit = indicator.code, indicator.unit
        figures = [
            _figure(cells.get((code, q)), q, unit, q in computed, minimum) for q in quarters
        ]
        chart, chart_text = trend_chart(
            [(f.period, f.value, f.suppressed) for f in figures], unit, _shown
        )
        entries.append((code, Entry(
            code=code,
            name=indicator.name[language],
            description=indicator.description[language],
            source=indicator.source,
            unit=unit,
            unit_label=str(UNITS.get(unit, unit)),
            figures=figures,
            change_quarter=_change(figures[-2], figures[-1], unit),
            change_year=_change(figures[0], figures[-1], unit),
            chart=chart,
            chart_text=chart_text,
            caveats=caveats(indicator, period, computed_at),
            commentary=notes.get(code, ""),
        )))
    sections = [
        Section(group.key, str(group.title), [e for code, e in entries if group.holds(code)])
        for group in GROUPS
    ]
    return QuarterlyReport(
        period=period,
        member_state=member_state,
        member_state_name=member_state_name(member_state),
        quarters=quarters,
        computed_at=computed_at,
        generated_on=clock.today(),
        threshold=minimum,
        introduction=notes.get("", ""),
        sections=[s for s in sections if s.entries],
    )


def file_name(report: QuarterlyReport) -> str:
    return f"retour-quarterly-{report.period}-{report.member_state}.pdf"


def render_pdf(report: QuarterlyReport) -> bytes:
    """The report as an A4 PDF (WeasyPrint), in the active language. Tagged as PDF/UA-1
    (headings, tables, the document's language and title), which public-sector documents
    need to be accessible (EN 301 549 ch. 10, Directive (EU) 2016/2102)."""
    from django.template.loader import render_to_string
    from weasyprint import HTML  # a heavy import, needed only here

    html = render_to_string("statistics/report.html", {"report": report})
    return bytes(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))
