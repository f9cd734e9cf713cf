"""Actions that carry out the return: departure, removal, absconding, and the hand-over from
voluntary to forced return when the voluntary-departure period ends (M8)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from retour import clock
from retour.cases import guards, timers
from retour.cases.actions import inputs
from retour.cases.actions._core import close_tasks, not_in_future, open_task, perform, require_text
from retour.cases.deadlines import close_deadlines, open_entry_ban_deadline
from retour.cases.models import Decision, ReturnCase, Task, Timer
from retour.cases.stages import Stage
from retour.errors import InvalidInput
from retour.reference.models import Country
from retour.seam.actions import implements


def _destination(code: str, case: ReturnCase) -> Country:
    country = Country.objects.by_code([code or ""]).get((code or "").upper())
    if country is None:
        raise InvalidInput.field(
            "destination", _("unknown country code '%(code)s'") % {"code": code}
        )
    if country.code == case.member_state_id:
        raise InvalidInput.field(
            "destination", _("cannot be the member state the person leaves")
        )
    return country


def _record_departure(
    case: ReturnCase, departed_on: date, destination: str, assisted: bool
) -> dict[str, Any]:
    not_in_future(departed_on, "departed_on")
    decision = guards.latest_decision(case, Decision.Kind.RETURN_DECISION)
    if decision and departed_on < decision.decided_on:
        raise InvalidInput.field("departed_on", _("cannot be before the return decision"))
    country = _destination(destination, case)
    close_deadlines(case, Timer.Status.MET, departed_on, Timer.Kind.VOLUNTARY_DEPARTURE_END)
    close_tasks(case, Task.Kind.PREPARE_FORCED_RETURN)
    for ban in guards.decisions_in_force(case, Decision.Kind.ENTRY_BAN):
        open_entry_ban_deadline(case, ban, departed_on)
    case.stage = Stage.DEPARTED
    case.removal_planned_on = None
    return {
        "departed_on": departed_on.isoformat(),
        "destination": country.code,
        "assisted": assisted,
    }


def _depart(
    action: str, user: Any, case_id: Any, departed_on: date, destination: str, assisted: bool,
    reason: str, expected_version: int | None, channel: str,
) -> ReturnCase:
    def change(case: ReturnCase) -> dict[str, Any]:
        return _record_departure(case, departed_on, destination, assisted)

    return perform(user, case_id, action, change,
                   expected_version=expected_version, reason=reason, channel=channel)


@implements(input=inputs.Departure)
def record_voluntary_departure(
    user: Any, case_id: Any, *, departed_on: date, destination: str, assisted: bool = False,
    reason: str = "", expected_version: int | None = None, channel: str = "",
) -> ReturnCase:
    """Record that the person left of their own accord (with or without assistance)."""
    return _depart("record_voluntary_departure", user, case_id, departed_on, destination,
                   assisted, reason, expected_version, channel)


@implements(input=inputs.ScheduleRemoval)
def schedule_removal(
    user: Any, case_id: Any, *, planned_on: date, reason: str = "",
    expected_version: int | None = None, channel: str = "",
) -> ReturnCase:
    """Plan the removal (Directive 2008/115/EC Art. 8); refused while an appeal with suspensive
    effect runs or removal is postponed, and for an unaccompanied minor before reception in the
    country of return is verified (Art. 10(2))."""

    def change(case: ReturnCase) -> dict[str, Any]:
        if planned_on < clock.today():
            raise InvalidInput.field("planned_on", _("a removal cannot be planned in the past"))
        case.removal_planned_on = planned_on
        case.stage = Stage.REMOVAL_SCHEDULED
        return {}

    return perform(user, case_id, "schedule_removal", change,
                   expected_version=expected_version, reason=reason, channel=channel)


@implements(input=inputs.CancelRemoval)
def cancel_removal(
    user: Any, case_id: Any, *, reason: str, expected_version: int | None = None,
    channel: str = "",
) -> ReturnCase:
    """Call off a planned removal (e.g. flight cancelled, failed attempt)."""

    def change(case: ReturnCase) -> dict[str, Any]:
        require_text(reason, "reason", _("why the removal is called off is required"))
        case.removal_planned_on = None
        case.stage = Stage.FORCED_RETURN_PREPARATION
        return {}

    return perform(user, case_id, "cancel_removal", change,
                   expected_version=expected_version, reason=reason, channel=channel)


@implements(input=inputs.Departure)
def record_removal(
    user: Any, case_id: Any, *, departed_on: date, destination: str, assisted: bool = False,
    reason: str = "", expected_version: int | None = None, channel: str = "",
) -> ReturnCase:
    """Record the enforced departure (removal). Other apps react to it in the same
    transaction (``retour.seam.reactions``)."""
    return _depart("record_removal", user, case_id, departed_on, destination, assisted,
                   reason, expected_version, channel)


@implements(input=inputs.RecordAbsconding)
def record_absconding(
    user: Any, case_id: Any, *, absconded_on: date, reason: str = "",
    expected_version: int | None = None, channel: str = "",
) -> ReturnCase:
    """Record that the person's whereabouts are unknown."""

    def change(case: ReturnCase) -> dict[str, Any]:
        not_in_future(absconded_on, "absconded_on")
        case.removal_planned_on = None
        case.stage = Stage.ABSCONDED
        return {"absconded_on": absconded_on.isoformat()}

    return perform(user, case_id, "record_absconding", change,
                   expected_version=expected_version, reason=reason, channel=channel)


@implements(input=inputs.RecordWhereaboutsKnown)
def record_whereabouts_known(
    user: Any, case_id: Any, *, located_on: date, reason: str = "",
    expected_version: int | None = None, channel: str = "",
) -> ReturnCase:
    """Record that an absconded person has been located; forced return is prepared again."""

    def change(case: ReturnCase) -> dict[str, Any]:
        not_in_future(located_on, "located_on")
        open_task(case, Task.Kind.PREPARE_FORCED_RETURN, located_on)
        case.stage = Stage.FORCED_RETURN_PREPARATION
        return {"located_on": located_on.isoformat()}

    return perform(user, case_id, "record_whereabouts_known", change,
                   expected_version=expected_version, reason=reason, channel=channel)


@implements()
def expire_voluntary_departure(case_id: Any) -> ReturnCase:
    """The system's action when a voluntary-departure period has ended without departure:
    the case passes to forced-return preparation at once (M8) and, unless one exists, the
    entry ban becomes mandatory (Directive 2008/115/EC Art. 11(1)(b))."""

    def change(case: ReturnCase) -> dict[str, Any]:
        today = clock.today()
        close_deadlines(case, Timer.Status.LAPSED, today, Timer.Kind.VOLUNTARY_DEPARTURE_END)
        open_task(case, Task.Kind.PREPARE_FORCED_RETURN, today)
        if guards.latest_decision(case, Decision.Kind.ENTRY_BAN) is None:
            open_task(case, Task.Kind.ISSUE_ENTRY_BAN, today)
        case.stage = Stage.FORCED_RETURN_PREPARATION
        return {}

    return perform(None, case_id, "expire_voluntary_departure", change,
                   reason="the voluntary-departure period ended without departure")


def expire_due_voluntary_departures() -> int:
    """Hand every case whose voluntary-departure period has ended over to forced return: the
    daily tick (``retour.cases.timers.tick``) for this kind of timer alone.

    "Ended" is judged by ``clock.today()``, as the guard of each expiry judges it (a
    simulation sets the clock rather than passing another day)."""
    done = timers.tick(only=[Timer.Kind.VOLUNTARY_DEPARTURE_END])
    return done.count(timers.VOLUNTARY_DEPARTURE_ENDED)
