"""Reading persons and cases for the API: scoped loading and the response shapes.

Every query starts from ``.visible_to(user)``; a record outside it is ``NotVisible``, which
the API answers exactly like a record that does not exist.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from retour import clock
from retour.accounts.models import Authority, User
from retour.api import schemas as s
from retour.cases import timers
from retour.cases.models import CaseEvent, Decision, Handover, ReturnCase, Task, Timer
from retour.cases.procedure import allowed_actions
from retour.cases.reach import acting_refusal
from retour.cases.tasks import label as task_label
from retour.display import user_name
from retour.errors import NotVisible
from retour.people.display import PERSON_PARTS, citizenship, display_name
from retour.people.family import visible_family_links
from retour.people.health import HEALTH_KINDS, may_see_health
from retour.people.models import Person
from retour.seam import actions, events
from retour.seam.actions import Action
from retour.seam.events import withheld_from


def action_url_name(action: Action) -> str:
    """The name of the API's route for ``action`` (``case_actions`` registers it)."""
    return f"case-action-{action.slug}"


def _authority(authority: Authority) -> s.AuthorityRef:
    return s.AuthorityRef(code=authority.code, name=authority.name)


def _days_left(due_on: date) -> int:
    return timers.days_left(due_on, clock.today())


def _person_ref(person: Person) -> s.PersonRef:
    return s.PersonRef(id=person.pk, name=display_name(person.names.all()))


def _family_links(person: Person, user: User) -> list[s.FamilyLinkOut]:
    links = visible_family_links(person, user)
    return [
        s.FamilyLinkOut(
            person=_person_ref(link.person), relation=link.relation,
            relative=_person_ref(link.relative),
        )
        for link in links
    ]


def person_summary(person: Person, user: User, health_reason: str = "") -> s.PersonSummary:
    return s.PersonSummary(**_summary_fields(person, user, health_reason))


def _summary_fields(person: Person, user: User, health_reason: str = "") -> dict[str, Any]:
    """The person's particulars; health-related vulnerabilities only for a role that needs
    them and when the request says why (its reason, kept in the access log: ADR 0016)."""
    names = list(person.names.all())
    health = bool(health_reason) and may_see_health(user)
    return {
        "id": person.pk,
        "name": display_name(names),
        "names": [
            s.NameOut(kind=n.kind, script=n.script, surname=n.surname, given_names=n.given_names)
            for n in names
        ],
        "date_of_birth": person.date_of_birth_display,
        "birth_date_estimated": person.birth_date_estimated,
        "sex": person.sex,
        "nationalities": [
            s.NationalityOut(country=n.country_id, status=n.status)
            for n in sorted(person.nationalities.all(), key=lambda n: (n.status, n.country_id))
        ],
        "vulnerabilities": [
            s.VulnerabilityOut(kind=v.kind, noted_on=v.noted_on, ended_on=v.ended_on)
            for v in person.vulnerabilities.all()
            if health or v.kind not in HEALTH_KINDS
        ],
        "family_links": _family_links(person, user),
    }


def load_person(user: User, person_id: Any) -> Person:
    try:
        return (
            Person.objects.visible_to(user)
            .select_related("registered_by")
            .prefetch_related(*PERSON_PARTS)
            .get(pk=person_id)
        )
    except Person.DoesNotExist:
        raise NotVisible("person not found") from None


def person_detail(person: Person, user: User, health_reason: str = "") -> s.PersonDetail:
    cases = ReturnCase.objects.visible_to(user).filter(person=person).order_by("opened_at")
    return s.PersonDetail(
        **_summary_fields(person, user, health_reason),
        member_state=person.member_state_id,
        registered_by=_authority(person.registered_by),
        place_of_birth=person.place_of_birth,
        country_of_birth=person.country_of_birth_id,
        languages=person.languages,
        created_at=person.created_at,
        version=person.version,
        cases=[s.CaseRef(id=c.pk, number=c.number, stage=c.stage) for c in cases],
    )


def _decision(d: Decision) -> s.DecisionOut:
    return s.DecisionOut(
        id=d.pk, kind=d.kind, status=d.status, decided_on=d.decided_on,
        notified_on=d.notified_on, issuing_authority=d.issuing_authority.code,
        legal_basis=d.legal_basis, reference=d.reference,
        voluntary_departure_days=d.voluntary_departure_days,
        shortened_departure_reason=d.shortened_departure_reason,
        extension_days=d.extension_days, ban_years=d.ban_years, ban_months=d.ban_months,
        contested_id=d.contested_id, suspensive=d.suspensive, appeal_outcome=d.appeal_outcome,
        postponement_ground=d.postponement_ground, ends_on=d.ends_on, reason=d.reason,
    )


def _deadline(d: Timer) -> s.DeadlineOut:
    return s.DeadlineOut(
        id=d.pk, kind=d.kind, status=d.status, starts_on=d.starts_on, due_on=d.due_on,
        days_left=_days_left(d.due_on), decision_id=d.decision_id, closed_on=d.closed_on,
    )


def task_fields(t: Task) -> dict[str, Any]:
    days_left = _days_left(t.due_on)
    return {
        "id": t.pk, "kind": t.kind, "label": task_label(t.kind),
        "authority": t.authority.code, "due_on": t.due_on, "days_left": days_left,
        "overdue": days_left < 0,
    }


def _handover(h: Handover) -> s.HandoverOut:
    return s.HandoverOut(
        id=h.pk, status=h.status, from_authority=h.from_authority.code,
        to_authority=h.to_authority.code, note=h.note, sent_by=user_name(h.sent_by),
        sent_at=h.sent_at, answered_by=user_name(h.answered_by) if h.answered_by else None,
        answered_at=h.answered_at, answer_reason=h.answer_reason,
    )


def _event(e: CaseEvent) -> s.EventOut:
    version, payload = events.current(e.type, e.version, e.payload)
    return s.EventOut(
        sequence=e.sequence, occurred_at=e.occurred_at,
        actor=user_name(e.actor) if e.actor else "system",
        actor_authority=e.actor_authority.code if e.actor_authority else None,
        action=e.type, version=version, reason=e.reason, old_values=e.old_values,
        new_values=payload,
    )


def case_detail(case: ReturnCase, user: User, health_reason: str = "") -> s.CaseDetail:
    """The case as one document: the person, the decisions, deadlines, open tasks,
    hand-overs and history, and the actions this user may take on it now."""
    decisions = Decision.objects.visible_to(user).filter(case=case)
    deadlines = Timer.objects.visible_to(user).filter(case=case, subject=timers.CASE)
    tasks = Task.objects.visible_to(user).filter(case=case, status=Task.Status.OPEN)
    handovers = Handover.objects.visible_to(user).filter(case=case)
    events = CaseEvent.objects.visible_to(user).filter(case=case).exclude(
        type__in=withheld_from(user))  # special categories the role does not need
    officer = case.assigned_officer
    return s.CaseDetail(
        id=case.pk, number=case.number, stage=case.stage, outcome=case.outcome,
        outcome_reason=case.outcome_reason, member_state=case.member_state_id,
        origin=case.origin, origin_member_state=case.origin_member_state_id,
        responsible_authority=_authority(case.responsible_authority),
        assigned_officer=(
            s.OfficerRef(username=officer.username, name=user_name(officer)) if officer else None
        ),
        voluntary_departure_ends_on=case.voluntary_departure_ends_on,
        removal_planned_on=case.removal_planned_on, opened_at=case.opened_at,
        closed_at=case.closed_at, updated_at=case.updated_at, version=case.version,
        person=person_summary(case.person, user, health_reason),
        decisions=[_decision(d) for d in decisions.select_related("issuing_authority")],
        deadlines=[_deadline(d) for d in deadlines],
        open_tasks=[s.TaskOut(**task_fields(t)) for t in tasks.select_related("authority")],
        handovers=[
            _handover(h)
            for h in handovers.select_related(
                "from_authority", "to_authority", "sent_by", "answered_by"
            )
        ],
        events=[
            _event(e)
            for e in events.select_related("actor", "actor_authority").order_by("sequence")
        ],
        allowed_actions=[
            s.AllowedAction(
                action=t.action, label=t.label,
                path=reverse(
                    f"api:{action_url_name(actions.get(t.action))}", kwargs={"case_id": case.pk}
                ),
            )
            for t in allowed_actions(case, user.capabilities)
            if acting_refusal(user, case, t.action) is None
        ],
    )


def case_list_item(case: ReturnCase) -> s.CaseListItem:
    """A row of the case list; ``case`` comes from ``search.find_cases``."""
    person = case.person
    officer = case.assigned_officer
    return s.CaseListItem(
        id=case.pk, number=case.number, stage=case.stage, origin=case.origin,
        opened_at=case.opened_at, responsible_authority=case.responsible_authority.code,
        assigned_officer=officer.username if officer else None,
        overdue=case.overdue,  # type: ignore[attr-defined]
        version=case.version,
        person=s.PersonBrief(
            id=person.pk, name=display_name(person.names.all()),
            date_of_birth=person.date_of_birth_display, sex=person.sex,
            citizenship=citizenship(person.nationalities.all()),
        ),
    )


def work_item(task: Task) -> s.WorkItem:
    case = task.case
    return s.WorkItem(
        **task_fields(task),
        case=s.CaseRef(id=case.pk, number=case.number, stage=case.stage),
        person_name=display_name(case.person.names.all()),
    )
