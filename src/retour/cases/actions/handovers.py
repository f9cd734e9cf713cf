"""Hand-overs between authorities (M9): explicit, accepted by the receiver, and the case
never sits with nobody: it stays with the sender until the receiver accepts."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from retour import bulk, clock
from retour.cases import timers
from retour.cases.actions import inputs
from retour.cases.actions._core import (
    authority_named,
    close_tasks,
    open_task,
    perform,
    require_text,
)
from retour.cases.deadlines import close_deadlines, open_deadline_from_parameter
from retour.cases.models import Handover, ReturnCase, Task, Timer
from retour.errors import InvalidInput, PermissionRefused, TransitionRefused
from retour.seam.actions import implements


def _pending(case: ReturnCase) -> Handover | None:
    return next(iter(bulk.select(case, "handovers", status=Handover.Status.PENDING)), None)


@implements(input=inputs.SendHandover)
def send_handover(
    user: Any, case_id: Any, *, to_authority: str, note: str,
    expected_version: int | None = None, channel: str = "",
) -> ReturnCase:
    """Send the case to another authority of the member state, with a note for the receiver."""

    def change(case: ReturnCase) -> dict[str, Any]:
        if user.authority_id != case.responsible_authority_id:
            raise PermissionRefused(_("only the responsible authority can hand the case over"))
        text = require_text(
            note, "note", _("a note for the receiving authority is required")
        )
        receiver = authority_named(to_authority, case.member_state_id, "to_authority")
        if receiver.pk == case.responsible_authority_id:
            raise InvalidInput.field(
                "to_authority", _("the case is already with this authority")
            )
        pending = _pending(case)
        if pending is not None:
            raise TransitionRefused(
                _("a hand-over to %(authority)s is already waiting for acceptance")
                % {"authority": pending.to_authority.name}
            )
        handover = bulk.add(case, "handovers", Handover(
            case=case, from_authority=case.responsible_authority, to_authority=receiver,
            note=text, sent_by=user, sent_at=clock.now(),
        ))
        due = open_deadline_from_parameter(case, Timer.Kind.HANDOVER_ACCEPTANCE, clock.today(),
                                           authority=receiver)
        assert due is not None
        open_task(case, Task.Kind.ACCEPT_HANDOVER, due.due_on, authority=receiver)
        return {"handover": {"id": handover.pk, "to_authority": receiver.code, "note": text}}

    return perform(user, case_id, "send_handover", change,
                   expected_version=expected_version, reason=note, channel=channel)


def _answerable(user: Any, case: ReturnCase) -> Handover:
    pending = _pending(case)
    if pending is None:
        raise TransitionRefused(_("no hand-over is waiting for acceptance"))
    if user.authority_id != pending.to_authority_id:
        raise PermissionRefused(
            _("only %(authority)s can answer this hand-over")
            % {"authority": pending.to_authority.name}
        )
    return pending


def _answer(case: ReturnCase, user: Any, handover: Handover, status: str, reason: str) -> None:
    handover.status = status
    handover.answered_by = user
    handover.answered_at = clock.now()
    handover.answer_reason = reason
    bulk.save(handover, "status", "answered_by", "answered_at", "answer_reason")
    close_deadlines(case, Timer.Status.MET, clock.today(), Timer.Kind.HANDOVER_ACCEPTANCE)
    close_tasks(case, Task.Kind.ACCEPT_HANDOVER)


@implements(input=inputs.AcceptHandover)
def accept_handover(
    user: Any, case_id: Any, *, reason: str = "", expected_version: int | None = None,
    channel: str = "",
) -> ReturnCase:
    """The receiving authority takes the case, with its open tasks and the open due dates
    the responsible authority must meet."""

    def change(case: ReturnCase) -> dict[str, Any]:
        handover = _answerable(user, case)
        _answer(case, user, handover, Handover.Status.ACCEPTED, reason)
        bulk.update(case, "tasks", {"authority": handover.to_authority}, status=Task.Status.OPEN)
        # So do the due dates the responsible authority must meet, whichever app set them.
        bulk.update(case, "timers", {"authority": handover.to_authority}, status=Timer.Status.OPEN,
                    kind__in=timers.codes(acts=[timers.Acts.RESPONSIBLE_AUTHORITY]))
        case.responsible_authority = handover.to_authority
        case.assigned_officer = None
        return {"handover": {"id": handover.pk, "status": "accepted"}}

    return perform(user, case_id, "accept_handover", change,
                   expected_version=expected_version, reason=reason, channel=channel)


@implements(input=inputs.ReturnHandover)
def return_handover(
    user: Any, case_id: Any, *, reason: str, expected_version: int | None = None,
    channel: str = "",
) -> ReturnCase:
    """The receiving authority declines the case, saying why; it stays with the sender."""

    def change(case: ReturnCase) -> dict[str, Any]:
        handover = _answerable(user, case)
        text = require_text(
            reason, "reason", _("the reason for returning the hand-over is required")
        )
        _answer(case, user, handover, Handover.Status.RETURNED, text)
        return {"handover": {"id": handover.pk, "status": "returned"}}

    return perform(user, case_id, "return_handover", change,
                   expected_version=expected_version, reason=reason, channel=channel)
