"""Finding cases: the filters of the case list, one query over the cases a user may see.

The web pages and the API both search through ``find_cases``, so a filter means the same
everywhere and scoping cannot be forgotten: the query starts from ``visible_to(user)``.
Searching by identity document number waits for the document model, which does not exist yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date
from itertools import islice
from typing import Any

from django.db.models import (
    Case,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.query import ModelIterable
from django.utils.translation import gettext as _

from retour import clock
from retour.cases import timers
from retour.cases.models import Origin, ReturnCase, Task, Timer
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


def _late(today: date, case: Any) -> tuple[QuerySet[Task], QuerySet[Timer]]:
    """The open tasks past their due date and the case's own timers past theirs whose passing
    makes work overdue (a period that runs for the person, such as the period to appeal,
    does not), of ``case`` (a key, keys with ``case_id__in``, or ``OuterRef``)."""
    lookup = "case_id__in" if isinstance(case, list) else "case_id"
    late_task = Task.objects.filter(status=Task.Status.OPEN, due_on__lt=today, **{lookup: case})
    late_deadline = timers.overdue(today, subject=timers.CASE).filter(**{lookup: case})
    return late_task, late_deadline


def _overdue_condition(today: date) -> Q:
    """For the ``overdue`` filter: the case has an open task or deadline of the authorities
    past its due date.

    For use on cases already scoped with ``visible_to``: the rows it looks at are those of
    the outer case only, so scoping them again would add nothing but a join."""
    late_task, late_deadline = _late(today, OuterRef("pk"))
    return Q(Exists(late_task)) | Q(Exists(late_deadline))


# Cases whose flag one query computes, when the rows are read.
_OVERDUE_BATCH = 500


def _overdue_cases(today: date, keys: list[Any]) -> set[Any]:
    """Of the cases ``keys``, those with open work of the authorities past its due date, in one
    query."""
    late_task, late_deadline = _late(today, keys)
    return set(
        late_task.order_by().values_list("case_id", flat=True).union(
            late_deadline.order_by().values_list("case_id", flat=True)
        )
    )


class _WithOverdue(ModelIterable):
    """The cases as read, each with ``overdue`` set: computed for the rows read only (a page
    of the list), not for every case the query could return; PostgreSQL would otherwise read
    every late task and timer of the database for each page. ``known`` is the value when the
    ``overdue`` filter already decided it."""

    today: date
    known: bool | None = None

    def __iter__(self) -> Iterator[ReturnCase]:
        rows = super().__iter__()
        while batch := list(islice(rows, _OVERDUE_BATCH)):
            late = (
                set() if self.known is not None
                else _overdue_cases(self.today, [case.pk for case in batch])
            )
            for case in batch:
                case.overdue = self.known if self.known is not None else case.pk in late
            yield from batch


def _with_overdue(cases: QuerySet[ReturnCase], today: date, known: bool | None) -> None:
    cases._iterable_class = type(  # the class stays with the query's clones (slices, pages)
        "WithOverdue", (_WithOverdue,), {"today": today, "known": known}
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
    """The cases ``user`` may see that match ``filters``, sorted, fetched with what a list row
    shows (person, names, nationalities, responsible authority, assigned officer), each with
    ``overdue`` set when it is read (``_WithOverdue``: one query more per page)."""
    today = clock.today()
    cases = ReturnCase.objects.visible_to(user)
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
        overdue = _overdue_condition(today)
        cases = cases.filter(overdue if filters.overdue else ~overdue)
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
    cases = (
        cases.select_related("person", "responsible_authority", "assigned_officer")
        .prefetch_related("person__names", "person__nationalities")
        .order_by(*SORTS[filters.sort])
    )
    _with_overdue(cases, today, filters.overdue)
    return cases
