"""Finding cases: the filters of the case list, one query over the cases a user may see.

The web pages and the API both search through ``find_cases``, so a filter means the same
everywhere and scoping cannot be forgotten: the query starts from ``visible_to(user)``.
Searching by identity document number waits for the document model, which does not exist yet.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.translation import gettext as _

from retour import clock
from retour.cases import timers
from retour.cases.models import Origin, ReturnCase, Task
from retour.cases.stages import Stage
from retour.errors import InvalidInput
from retour.people.health import HEALTH_KINDS
from retour.people.models import Nationality, PersonName, Vulnerability
from retour.people.names import search_key
from retour.seam.limits import check_partial_date

SORTS: dict[str, tuple[str, ...]] = {
    "-opened": ("-opened_at", "-number"),
    "opened": ("opened_at", "number"),
    "number": ("number",),
    "stage": ("stage_order", "-opened_at"),
}
_STAGE_ORDER = Case(
    *(When(stage=stage, then=Value(index)) for index, stage in enumerate(Stage)),
    default=Value(len(Stage)),
)
SEARCHABLE_VULNERABILITIES = [k for k in Vulnerability.Kind.values if k not in HEALTH_KINDS]
# The filters that must be one of a fixed set of codes.
_CODES = {
    "stage": Stage.values,
    "origin": Origin.values,
    # Not the health vulnerabilities: a list of who is pregnant or seriously ill would show
    # health data without the reason each case asks for (ADR 16).
    "vulnerability": SEARCHABLE_VULNERABILITIES,
    "sort": list(SORTS),
}


@dataclass(frozen=True)
class CaseFilters:
    """What to look for; empty text and ``None`` mean "any"."""

    q: str = ""  # a name in any script, with or without diacritics, or a case number
    stage: str = ""
    origin: str = ""
    citizenship: str = ""  # ISO 3166-1 alpha-2 code of a claimed or confirmed nationality
    authority: str = ""  # code of the responsible authority
    officer: str = ""  # username of the assigned officer
    overdue: bool | None = None  # has open work of the authorities past its due date
    vulnerability: str = ""  # the person has this vulnerability (not ended)
    date_of_birth: str = ""  # YYYY, YYYY-MM or YYYY-MM-DD
    sort: str = "-opened"

    def __post_init__(self) -> None:
        for field, allowed in _CODES.items():
            value = getattr(self, field)
            if value and value not in allowed:
                raise InvalidInput.field(
                    field, _("must be one of: %(codes)s") % {"codes": ", ".join(allowed)}
                )
        if self.date_of_birth:
            partial_date(self.date_of_birth)

    def search_terms(self) -> dict[str, Any]:
        """The filters the user set, for the access log."""
        return {
            name: value if isinstance(value, bool) else str(value)
            for name, value in asdict(self).items()
            if name != "sort" and value not in ("", None)
        }


def partial_date(text: str) -> tuple[int, int | None, int | None]:
    """``1990`` → (1990, None, None); ``1990-04-17`` → (1990, 4, 17); a day the month has
    not, or an implausible year, is refused (``retour.seam.limits.check_partial_date``)."""
    try:
        return check_partial_date(text)
    except ValueError as refused:
        raise InvalidInput.field("date_of_birth", str(refused)) from None


def _overdue_flag(today: date) -> ExpressionWrapper:
    """True for a case with an open task or deadline of the authorities past its due date
    (a deadline: one of the case's own timers whose passing makes work overdue; a period that
    runs for the person, such as the period to appeal, does not).

    For use on cases already scoped with ``visible_to``: the rows it looks at are those of
    the outer case only, so scoping them again would add nothing but a join, and that join
    makes PostgreSQL read every late task of the member state for each page."""
    late_task = Task.objects.filter(
        case=OuterRef("pk"), status=Task.Status.OPEN, due_on__lt=today
    )
    late_deadline = timers.overdue(today, subject=timers.CASE).filter(case=OuterRef("pk"))
    return ExpressionWrapper(
        Q(Exists(late_task)) | Q(Exists(late_deadline)), output_field=BooleanField()
    )


def _name_or_number(q: str) -> Q:
    # Case numbers are upper case and name keys lower case by construction, so a plain
    # "contains" matches either way, and spares the database a change of case on every row.
    words = search_key(q).split()
    condition = Q(number__contains=q.strip().upper()) if q.strip() else Q(pk__in=[])
    if words:
        names = PersonName.objects.all()
        for word in words:  # every word in the same name, in any order
            names = names.filter(search_key__contains=word)
        condition |= Q(person__in=names.values("person_id"))
    return condition


def _born(value: str) -> Q:
    # A recorded date that leaves the month or day out agrees with any month or day.
    year, month, day = partial_date(value)
    condition = Q(person__birth_year=year)
    for field, part in (("birth_month", month), ("birth_day", day)):
        if part is not None:
            condition &= Q(**{f"person__{field}__isnull": True}) | Q(**{f"person__{field}": part})
    return condition


def find_cases(user: Any, filters: CaseFilters) -> QuerySet[ReturnCase]:
    """The cases ``user`` may see that match ``filters``, sorted, each annotated with
    ``overdue`` and fetched with what a list row shows (person, names, nationalities,
    responsible authority, assigned officer)."""
    cases = ReturnCase.objects.visible_to(user).annotate(overdue=_overdue_flag(clock.today()))
    if filters.q:
        cases = cases.filter(_name_or_number(filters.q))
    if filters.stage:
        cases = cases.filter(stage=filters.stage)
    if filters.origin:
        cases = cases.filter(origin=filters.origin)
    if filters.citizenship:
        cases = cases.filter(
            Exists(Nationality.objects.filter(
                person=OuterRef("person_id"), country_id=filters.citizenship.upper()
            ))
        )
    if filters.authority:
        cases = cases.filter(responsible_authority__code=filters.authority)
    if filters.officer:
        cases = cases.filter(assigned_officer__username=filters.officer)
    if filters.overdue is not None:
        cases = cases.filter(overdue=filters.overdue)
    if filters.vulnerability:
        cases = cases.filter(
            Exists(Vulnerability.objects.filter(
                person=OuterRef("person_id"), kind=filters.vulnerability, ended_on__isnull=True
            ))
        )
    if filters.date_of_birth:
        cases = cases.filter(_born(filters.date_of_birth))
    if filters.sort == "stage":
        cases = cases.annotate(stage_order=_STAGE_ORDER)
    return (
        cases.select_related("person", "responsible_authority", "assigned_officer")
        .prefetch_related("person__names", "person__nationalities")
        .order_by(*SORTS[filters.sort])
    )
