"""What the API returns: persons, cases and their parts (request schemas live with their
endpoints: ``people.py``, ``cases.py``, ``case_actions.py``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema


class AuthorityRef(Schema):
    code: str
    name: str


class OfficerRef(Schema):
    username: str
    name: str


class NameOut(Schema):
    kind: str
    script: str
    surname: str
    given_names: str


class NationalityOut(Schema):
    country: str
    status: str


class VulnerabilityOut(Schema):
    kind: str
    noted_on: date
    ended_on: date | None


class PersonRef(Schema):
    id: UUID
    name: str


class FamilyLinkOut(Schema):
    """``person`` is ``relation`` ``relative`` (e.g. the person is parent of the relative);
    links in both directions are listed."""

    person: PersonRef
    relation: str
    relative: PersonRef


class PersonSummary(Schema):
    id: UUID
    name: str
    names: list[NameOut]
    date_of_birth: str
    birth_date_estimated: bool
    sex: str
    nationalities: list[NationalityOut]
    vulnerabilities: list[VulnerabilityOut]
    family_links: list[FamilyLinkOut]


class CaseRef(Schema):
    id: UUID
    number: str
    stage: str


class PersonDetail(PersonSummary):
    member_state: str
    registered_by: AuthorityRef
    place_of_birth: str
    country_of_birth: str | None
    languages: list[str]
    created_at: datetime
    version: int
    cases: list[CaseRef]


class DecisionOut(Schema):
    id: int
    kind: str
    status: str
    decided_on: date
    notified_on: date | None
    issuing_authority: str
    legal_basis: str
    reference: str
    voluntary_departure_days: int | None
    shortened_departure_reason: str
    extension_days: int | None
    ban_years: int | None
    ban_months: int | None
    contested_id: int | None
    suspensive: bool | None
    appeal_outcome: str
    postponement_ground: str
    ends_on: date | None
    reason: str


class DeadlineOut(Schema):
    id: int
    kind: str
    status: str
    starts_on: date
    due_on: date
    days_left: int
    decision_id: int | None
    closed_on: date | None


class TaskOut(Schema):
    id: int
    kind: str
    label: str
    authority: str
    due_on: date
    days_left: int
    overdue: bool


class HandoverOut(Schema):
    id: int
    status: str
    from_authority: str
    to_authority: str
    note: str
    sent_by: str
    sent_at: datetime
    answered_by: str | None
    answered_at: datetime | None
    answer_reason: str


class EventOut(Schema):
    sequence: int
    occurred_at: datetime
    actor: str
    actor_authority: str | None
    action: str = Field(description="The event type (see docs/events/).")
    version: int = Field(description="The version of the event type's schema new_values follows.")
    reason: str
    old_values: dict[str, Any]
    new_values: dict[str, Any] = Field(description="The event's payload, in its current version.")


class AllowedAction(Schema):
    action: str
    label: str
    path: str


class CaseDetail(Schema):
    id: UUID
    number: str
    stage: str
    outcome: str
    outcome_reason: str
    member_state: str
    origin: str
    origin_member_state: str | None
    responsible_authority: AuthorityRef
    assigned_officer: OfficerRef | None
    voluntary_departure_ends_on: date | None
    removal_planned_on: date | None
    opened_at: datetime
    closed_at: datetime | None
    updated_at: datetime
    version: int
    person: PersonSummary
    decisions: list[DecisionOut]
    deadlines: list[DeadlineOut]
    open_tasks: list[TaskOut]
    handovers: list[HandoverOut]
    events: list[EventOut]
    allowed_actions: list[AllowedAction]


class PersonBrief(Schema):
    id: UUID
    name: str
    date_of_birth: str
    sex: str
    citizenship: str | None


class CaseListItem(Schema):
    id: UUID
    number: str
    stage: str
    origin: str
    opened_at: datetime
    responsible_authority: str
    assigned_officer: str | None
    overdue: bool
    version: int
    person: PersonBrief


class CasePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CaseListItem]


class WorkItem(TaskOut):
    case: CaseRef
    person_name: str


class TaskPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[WorkItem]
