"""The work list: open tasks of the user's authority."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from retour.api.access import ReadReason, log_read
from retour.api.auth import caller
from retour.api.errors import responses
from retour.api.present import work_item
from retour.api.schemas import TaskPage
from retour.api.types import PageQuery
from retour.cases.models import Task

router = Router(tags=["tasks"])


@router.get("/tasks", response=responses(200, TaskPage, [422]), operation_id="list_tasks")
def list_tasks(
    request: HttpRequest, page: Query[PageQuery], reason: ReadReason = ""
) -> TaskPage:
    """Open tasks your authority owes, earliest due first, so overdue ones lead."""
    user = caller(request)
    tasks = (
        Task.objects.visible_to(user)
        .filter(authority_id=user.authority_id, status=Task.Status.OPEN)
        .select_related("authority", "case")
        .prefetch_related("case__person__names")
        .order_by("due_on", "id")
    )
    shown = list(tasks[page.offset : page.offset + page.limit])
    log_read(
        user, "read", "task", [t.pk for t in shown],
        person_ids=list(dict.fromkeys(t.case.person_id for t in shown)), reason=reason,
    )
    return TaskPage(
        count=tasks.count(), limit=page.limit, offset=page.offset,
        items=[work_item(t) for t in shown],
    )
