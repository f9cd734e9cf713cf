"""The home page: what each role needs first when signing in.

A case officer sees the work the authority owes (tasks by due date, overdue first), the cases
waiting for the authority to accept a hand-over (M9) and the deadlines of this week; a
supervisor the team's load and what is overdue; the EU coordinator and the statistician, who
never see a person, the way to the figures; the auditor and the administrator their tools.
A user with several roles sees the part of each. Whatever shows a case is read through
``visible_to`` and kept in the access log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from retour import clock
from retour.accounts.models import User
from retour.accounts.roles import RoleCode
from retour.audit.log import record_access
from retour.cases import timers
from retour.cases.models import Handover, ReturnCase, Task, Timer
from retour.cases.stages import OPEN_STAGES
from retour.cases.tasks import label as task_label
from retour.people.display import display_name
from retour.seam import actions as seam_actions
from retour.web.cases.case_page import Due, action_url, due
from retour.web.form_support import signed_in

CHANNEL = "web"
SHOWN = 25  # rows per list; the rest are counted, and the case list finds them
WEEK = 7

# Which parts of the home page each role sees.
SECTIONS: dict[str, frozenset[str]] = {
    RoleCode.CASE_OFFICER: frozenset({"work"}),
    RoleCode.RETURN_COUNSELLOR: frozenset({"work"}),
    RoleCode.IDENTIFICATION_OFFICER: frozenset({"work"}),
    RoleCode.DETENTION_OFFICER: frozenset({"work"}),
    RoleCode.OPERATIONS_PLANNER: frozenset({"work"}),
    RoleCode.SUPERVISOR: frozenset({"team"}),
    RoleCode.AUDITOR: frozenset({"audit"}),
    RoleCode.STATISTICIAN: frozenset({"statistics"}),
    RoleCode.EU_COORDINATOR: frozenset({"eu"}),
    RoleCode.ADMINISTRATOR: frozenset({"administration"}),
}


@dataclass(frozen=True)
class WorkRow:
    """A task, a deadline or a hand-over on one case."""

    case_url: str
    number: str
    person: str  # the person's name, or empty where the list need not show it
    what: str
    officer: str
    due_on: date | None
    due: Due | None
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url)


@dataclass(frozen=True)
class OfficerLoad:
    name: str
    open_cases: int
    list_url: str


@dataclass
class Shown:
    """The cases and persons a home page shows, for the access log."""

    case_ids: dict[Any, None] = field(default_factory=dict)
    person_ids: dict[Any, None] = field(default_factory=dict)

    def add(self, case: ReturnCase) -> None:
        self.case_ids[case.pk] = None
        self.person_ids[case.person_id] = None


def _case_list_url(**filters: str) -> str:
    return f"{reverse('case-list')}?{urlencode(filters)}"


def _officer(case: ReturnCase) -> str:
    officer = case.assigned_officer
    return (officer.get_full_name() or officer.username) if officer else ""


def _task_rows(tasks: Any, today: date, shown: Shown, *, with_person: bool) -> list[WorkRow]:
    rows = []
    for task in tasks:
        shown.add(task.case)
        rows.append(WorkRow(
            case_url=reverse("case", args=[task.case_id]),
            number=task.case.number,
            person=display_name(task.case.person.names.all()) if with_person else "",
            what=task_label(task.kind),
            officer=_officer(task.case),
            due_on=task.due_on,
            due=due(task.due_on, today),
        ))
    return rows


def _open_tasks(user: User) -> Any:
    return (
        Task.objects.visible_to(user)
        .filter(authority_id=user.authority_id, status=Task.Status.OPEN)
        .select_related("case__assigned_officer")
        .order_by("due_on", "id")
    )


def _work(user: User, today: date, shown: Shown) -> dict[str, Any]:
    """The authority's open tasks, hand-overs to accept and this week's deadlines."""
    tasks = _open_tasks(user).prefetch_related("case__person__names")
    handovers = (
        Handover.objects.visible_to(user)
        .filter(status=Handover.Status.PENDING, to_authority_id=user.authority_id)
        .select_related("case__assigned_officer", "from_authority")
        .prefetch_related("case__person__names")
        .order_by("sent_at", "id")
    )
    deadlines = (
        timers.open(subject=timers.CASE, within=Timer.objects.visible_to(user))
        .filter(
            case__responsible_authority_id=user.authority_id,
            case__stage__in=OPEN_STAGES,
            due_on__gte=today,
            due_on__lt=today + timedelta(days=WEEK),
        )
        .select_related("case__assigned_officer")
        .prefetch_related("case__person__names")
        .order_by("due_on", "id")
    )
    handover_rows = []
    for handover in handovers[:SHOWN]:
        case = handover.case
        shown.add(case)
        handover_rows.append(WorkRow(
            case_url=reverse("case", args=[case.pk]),
            number=case.number,
            person=display_name(case.person.names.all()),
            what=handover.from_authority.name,
            officer=_officer(case),
            due_on=None,
            due=None,
            links=[
                (seam_actions.get("accept_handover").words, action_url(case, "accept_handover")),
                (seam_actions.get("return_handover").words, action_url(case, "return_handover")),
            ],
        ))
    deadline_rows = []
    for deadline in deadlines[:SHOWN]:
        case = deadline.case
        shown.add(case)
        deadline_rows.append(WorkRow(
            case_url=reverse("case", args=[case.pk]),
            number=case.number,
            person=display_name(case.person.names.all()),
            what=timers.label(deadline.kind),
            officer=_officer(case),
            due_on=deadline.due_on,
            due=due(deadline.due_on, today),
        ))
    return {
        "tasks": _task_rows(tasks[:SHOWN], today, shown, with_person=True),
        "task_count": tasks.count(),
        "handovers": handover_rows,
        "handover_count": handovers.count(),
        "deadlines": deadline_rows,
        "deadline_count": deadlines.count(),
    }


def _team(user: User, today: date, shown: Shown) -> dict[str, Any]:
    """Open cases per officer of the supervisor's authority, and the work that is overdue."""
    authority = user.authority
    open_cases = ReturnCase.objects.visible_to(user).filter(
        responsible_authority_id=user.authority_id, stage__in=OPEN_STAGES
    )
    per_officer = dict(
        open_cases.values_list("assigned_officer_id").annotate(n=Count("pk")).order_by()
    )
    officers = User.objects.filter(
        Q(authority_id=user.authority_id, roles__code=RoleCode.CASE_OFFICER, is_active=True)
        | Q(pk__in=[pk for pk in per_officer if pk is not None])
    ).distinct()
    code = authority.code if authority else ""
    load = sorted(
        (
            OfficerLoad(
                name=officer.get_full_name() or officer.username,
                open_cases=per_officer.get(officer.pk, 0),
                list_url=_case_list_url(authority=code, officer=officer.username),
            )
            for officer in officers
        ),
        # By name as shown, the same on every database whatever its collation.
        key=lambda row: row.name.casefold(),
    )
    overdue = _open_tasks(user).filter(due_on__lt=today)
    return {
        "load": load,
        "unassigned": per_officer.get(None, 0),
        "overdue_tasks": _task_rows(overdue[:SHOWN], today, shown, with_person=False),
        "overdue_count": overdue.count(),
        "overdue_cases_url": _case_list_url(authority=code, overdue="yes"),
    }


@require_GET
@login_required
@never_cache
def home(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    sections = frozenset().union(*(SECTIONS.get(code, frozenset()) for code in user.role_codes))
    today = clock.today()
    shown = Shown()
    context: dict[str, Any] = {"sections": sections}
    if "work" in sections:
        context.update(_work(user, today, shown))
    if "team" in sections:
        context.update(_team(user, today, shown))
    if shown.case_ids:
        record_access(
            user, "read", "return_case", list(shown.case_ids),
            person_ids=list(shown.person_ids), channel=CHANNEL,
        )
    return render(request, "web/home.html", context)
