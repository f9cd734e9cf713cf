"""The milestone row of a case, computed from its events alone.

``apply`` folds one event into the row (registered for every event type in
``retour.cases.projections``); ``rebuild`` replays the whole log. Because actions
update the row through ``apply`` too, the stored row always equals the replay (a property the
state-machine test checks).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from retour import bulk
from retour.accounts.models import Authority
from retour.cases.models import CaseMilestones, ReturnCase
from retour.cases.stages import Stage
from retour.seam import projections
from retour.seam.projections import Recorded


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


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


def _readmission(row: CaseMilestones, action: str, request: dict[str, Any]) -> None:
    """The first readmission request of the case, its reply and the first travel document
    (the indicators measure the time to each, M29; Visa Code Art. 25a(2)(c)); an acceptance
    also dates the identification, if nothing did before."""
    if action == "submit_readmission_request" and row.readmission_requested_on is None:
        row.readmission_requested_on = _day(request.get("submitted_on"))
    elif (action in ("record_readmission_reply", "record_tacit_acceptance")
          and row.readmission_replied_on is None and request.get("replied_on")):
        row.readmission_replied_on = _day(request["replied_on"])
        row.readmission_outcome = request["status"]
        if request["status"] != "rejected" and row.identified_on is None:
            # The requested state accepting its national establishes the identity.
            row.identified_on = row.readmission_replied_on
    elif action == "record_travel_document" and row.travel_document_issued_on is None:
        row.travel_document_issued_on = _day(request.get("issued_on"))


def _detention(row: CaseMilestones, period: dict[str, Any]) -> None:
    """The first detention's start, and the end and its reason of the last period ended
    (the indicators count how detention ends, Directive 2008/115/EC Art. 15)."""
    if period.get("ended_on"):
        row.detention_ended_on = _day(period["ended_on"])
        row.detention_end_reason = period.get("end_reason") or ""
    elif row.detained_on is None:
        row.detained_on = _day(period.get("ordered_on"))


def _reintegration(row: CaseMilestones, referral: dict[str, Any]) -> None:
    """The first referral to reintegration, and the first acceptance (the uptake indicator
    compares it with the departure)."""
    if row.reintegration_referred_on is None and referral.get("referred_on"):
        row.reintegration_referred_on = _day(referral["referred_on"])
    if referral.get("outcome") == "accepted" and row.reintegration_accepted_on is None:
        row.reintegration_accepted_on = _day(referral.get("outcome_on"))


def apply(row: CaseMilestones, values: dict[str, Any], event: Recorded) -> None:
    """Fold one event (its payload ``values``, read in its type's current version) into the
    milestone row."""
    on = timezone.localdate(event.occurred_at)
    decision = values.get("decision") or {}
    decided_on = _day(decision.get("decided_on")) or on
    action = event.type
    row.event_count += 1

    if action == "case_opened":
        _dimensions(row, values)
        row.opened_on = _day(values["opened_on"]) or on
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
        row.removal_scheduled_on = _day(values.get("removal_planned_on"))
    elif action == "record_absconding":
        row.absconded_on = _day(values.get("absconded_on")) or on
    elif action == "record_non_cooperation":
        row.non_cooperation_count += 1
        occurred = _day((values.get("non_cooperation") or {}).get("occurred_on")) or on
        if row.first_non_cooperation_on is None or occurred < row.first_non_cooperation_on:
            row.first_non_cooperation_on = occurred
    elif action in ("order_detention", "end_detention"):
        _detention(row, values.get("detention") or {})
    elif action in ("refer_to_reintegration", "record_reintegration_outcome"):
        _reintegration(row, values.get("reintegration") or {})
    elif action in ("record_removal", "record_voluntary_departure"):
        row.departed_on = _day(values["departed_on"])
        row.return_type = "enforced" if action == "record_removal" else "voluntary"
        row.assisted = bool(values.get("assisted"))
        row.destination = values.get("destination", "")
    elif action == "close_case":
        row.closed_on = on
        row.outcome = values.get("outcome", "")
    elif action.endswith(("readmission_request", "readmission_reply", "tacit_acceptance",
                          "travel_document")):
        _readmission(row, action, values.get("readmission_request") or {})
    elif (action in ("identity_document_recorded", "identity_evidence_recorded")
          and values.get("identified_for") and row.identified_on is None):
        row.identified_on = on

    if values.get("responsible_authority_id") is not None:
        row.authority = _authority_code(values["responsible_authority_id"])
    if "voluntary_departure_ends_on" in values:
        row.voluntary_departure_ends_on = _day(values["voluntary_departure_ends_on"])
    if "stage" in values:
        _track_suspension(row, values["stage"], on)
        row.stage = values["stage"]


def rebuild(case: ReturnCase) -> CaseMilestones:
    """A fresh, unsaved milestone row replayed from the case's events."""
    row: CaseMilestones = projections.replay(case, case.events.order_by("sequence"))[
        CaseMilestones
    ]
    return row
