"""Finding cases: the filters of ``GET /cases`` as one query over the visible cases."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

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
from ninja import Field

from retour.accounts.models import User
from retour.api.types import CountryCode, PageQuery, PartialDate, Text
from retour.cases.models import Deadline, Origin, ReturnCase, Task
from retour.cases.stages import Stage
from retour.people.models import Nationality, PersonName, Vulnerability
from retour.people.names import search_key

# Deadlines that are periods running for the person (to appeal; the entry ban), not work an
# authority owes: their passing makes no case overdue.
_RUNNING_PERIODS = (Deadline.Kind.APPEAL_PERIOD_END, Deadline.Kind.ENTRY_BAN_END)

_SORTS = {
    "opened": ("opened_at", "number"),
    "-opened": ("-opened_at", "-number"),
    "number": ("number",),
    "stage": ("stage_order", "-opened_at"),
}
_STAGE_ORDER = Case(
    *(When(stage=stage, then=Value(index)) for index, stage in enumerate(Stage)),
    default=Value(len(Stage)),
)


class CaseQuery(PageQuery):
    q: Annotated[Text, Field(max_length=200)] | None = Field(
        None, description="A name in any script, with or without diacritics, or a case number."
    )
    stage: Stage | None = None
    origin: Origin | None = None
    citizenship: CountryCode | None = Field(
        None, description="ISO 3166-1 alpha-2 code of a claimed or confirmed nationality."
    )
    authority: Annotated[Text, Field(max_length=40)] | None = Field(
        None, description="Code of the responsible authority, e.g. nl-dtv."
    )
    officer: Annotated[Text, Field(max_length=150)] | None = Field(
        None, description="Username of the assigned officer."
    )
    overdue: bool | None = Field(
        None, description="Has an open task or deadline of the authorities past its due date."
    )
    vulnerability: Vulnerability.Kind | None = Field(
        None, description="The person has this vulnerability (not ended)."
    )
    date_of_birth: PartialDate | None = Field(
        None,
        description="YYYY, YYYY-MM or YYYY-MM-DD; matches every recorded date that agrees with "
        "it (a person born '1990' matches 1990-04-17, and the other way round).",
    )
    sort: Literal["opened", "-opened", "number", "stage"] = "-opened"

    def search_terms(self) -> dict[str, Any]:
        """The filters the user set, for the access log."""
        return self.model_dump(
            mode="json", exclude_none=True, exclude={"sort", "limit", "offset"}
        )


def overdue_flag(user: User, today: date) -> ExpressionWrapper:
    late_task = Task.objects.visible_to(user).filter(
        case=OuterRef("pk"), status=Task.Status.OPEN, due_on__lt=today
    )
    late_deadline = (
        Deadline.objects.visible_to(user)
        .filter(case=OuterRef("pk"), status=Deadline.Status.OPEN, due_on__lt=today)
        .exclude(kind__in=_RUNNING_PERIODS)
    )
    return ExpressionWrapper(
        Q(Exists(late_task)) | Q(Exists(late_deadline)), output_field=BooleanField()
    )


def _name_or_number(q: str) -> Q:
    words = search_key(q).split()
    condition = Q(number__icontains=q.strip()) if q.strip() else Q(pk__in=[])
    if words:
        names = PersonName.objects.all()
        for word in words:  # every word in the same name, in any order
            names = names.filter(search_key__icontains=word)
        condition |= Q(person__in=names.values("person_id"))
    return condition


def _born(value: str) -> Q:
    parts = [int(p) for p in value.split("-")]
    condition = Q(person__birth_year=parts[0])
    for field, part in zip(("birth_month", "birth_day"), parts[1:], strict=False):
        condition &= Q(**{f"person__{field}__isnull": True}) | Q(**{f"person__{field}": part})
    return condition


def find_cases(user: User, query: CaseQuery, today: date) -> QuerySet[ReturnCase]:
    """The visible cases matching ``query``, sorted, with what a list row shows."""
    cases = ReturnCase.objects.visible_to(user).annotate(overdue=overdue_flag(user, today))
    if query.q:
        cases = cases.filter(_name_or_number(query.q))
    if query.stage:
        cases = cases.filter(stage=query.stage)
    if query.origin:
        cases = cases.filter(origin=query.origin)
    if query.citizenship:
        cases = cases.filter(
            Exists(Nationality.objects.filter(
                person=OuterRef("person_id"), country_id=query.citizenship
            ))
        )
    if query.authority:
        cases = cases.filter(responsible_authority__code=query.authority)
    if query.officer:
        cases = cases.filter(assigned_officer__username=query.officer)
    if query.overdue is not None:
        cases = cases.filter(overdue=query.overdue)
    if query.vulnerability:
        cases = cases.filter(
            Exists(Vulnerability.objects.filter(
                person=OuterRef("person_id"), kind=query.vulnerability, ended_on__isnull=True
            ))
        )
    if query.date_of_birth:
        cases = cases.filter(_born(query.date_of_birth))
    if query.sort == "stage":
        cases = cases.annotate(stage_order=_STAGE_ORDER)
    return (
        cases.select_related("person", "responsible_authority", "assigned_officer")
        .prefetch_related("person__names", "person__nationalities")
        .order_by(*_SORTS[query.sort])
    )
