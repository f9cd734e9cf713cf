"""The milestone row of a case, computed from its events alone.

``apply`` folds one event into the row (registered for every event type in
``retour.cases.projections``); ``rebuild`` replays the whole log. Because actions
update the row through ``apply`` too, the stored row always equals the replay (a property the
state-machine test checks).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from retour import bulk
from retour.accounts.models import Authority
from retour.cases.models import CaseMilestones, ReturnCase
from retour.cases.stages import Stage
from retour.seam import projections
from retour.seam.projections import Recorded


def _dimensions(row: CaseMilestones, values: dict[str, Any]) -> None:
    for name in ("member_state", "citizenship", "sex", "birth_year", "origin"):
        if name in values:
            setattr(row, name, values[name] if values[name] is not None else "")
    if row.birth_year == "":
        row.birth_year = None
    for name in ("minor", "unaccompanied_minor"):
        if name in values:
            setattr(row, name, bool(values[name]))


def _authority_code(authority_id: Any) -> str:
    """The code of the authority an event names by key (``responsible_authority_id``, which
    every event that changes it records: the opening and an accepted hand-over)."""
    return bulk.remembered(
        ("accounts.authority_code", authority_id),
        lambda: Authority.objects.filter(pk=authority_id).values_list("code", flat=True).first()
        or "",
    )


def _track_suspension(row: CaseMilestones, new_stage: str, on: date) -> None:
    if new_stage == Stage.SUSPENDED and row.stage != Stage.SUSPENDED:
        row.suspended_since = on
    elif new_stage != Stage.SUSPENDED and row.stage == Stage.SUSPENDED and row.suspended_since:
        row.suspended_days += max((on - row.suspended_since).days, 0)
        row.suspended_since = None


def apply(row: CaseMilestones, values: dict[str, Any], event: Recorded) -> None:
    """Fold one event (its payload ``values``, read in its type's current version) into the
    milestone row."""
    on = projections.local_day(event)
    decision = values.get("decision") or {}
    decided_on = projections.as_date(decision.get("decided_on")) or on
    action = event.type
    row.event_count += 1

    if action == "case_opened":
        _dimensions(row, values)
        row.opened_on = projections.as_date(values["opened_on"]) or on
    elif action == "vulnerability_recorded":
        _dimensions(row, values)
    elif action == "record_end_of_legal_stay":
        row.legal_stay_ended_on = decided_on
    elif action == "issue_return_decision":
        row.return_decision_on = decided_on
        row.voluntary_departure_days = decision.get("voluntary_departure_days")
        row.voluntary_departure_expired_on = None
    elif action == "expire_voluntary_departure":
        row.voluntary_departure_expired_on = on
    elif action == "issue_entry_ban" and row.entry_ban_on is None:
        row.entry_ban_on = decided_on
    elif action == "lodge_appeal" and row.appeal_lodged_on is None:
        row.appeal_lodged_on = decided_on
    elif action == "schedule_removal":
        row.removal_scheduled_on = projections.as_date(values.get("removal_planned_on"))
    elif action == "record_absconding":
        row.absconded_on = projections.as_date(values.get("absconded_on")) or on
    elif action in ("record_removal", "record_voluntary_departure"):
        row.departed_on = projections.as_date(values["departed_on"])
        row.return_type = "enforced" if action == "record_removal" else "voluntary"
        row.assisted = bool(values.get("assisted"))
        row.destination = values.get("destination", "")
    elif action == "close_case":
        row.closed_on = on
        row.outcome = values.get("outcome", "")

    if values.get("responsible_authority_id") is not None:
        row.authority = _authority_code(values["responsible_authority_id"])
    if "voluntary_departure_ends_on" in values:
        row.voluntary_departure_ends_on = projections.as_date(values["voluntary_departure_ends_on"])
    if "stage" in values:
        _track_suspension(row, values["stage"], on)
        row.stage = values["stage"]


def rebuild(case: ReturnCase) -> CaseMilestones:
    """A fresh, unsaved milestone row replayed from the case's events."""
    row: CaseMilestones = projections.replay(case, case.events.order_by("sequence"))[
        CaseMilestones
    ]
    return row
