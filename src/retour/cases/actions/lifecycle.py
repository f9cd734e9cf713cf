"""Opening, assigning and closing cases, and facts about the person that the procedure must
respect wherever they arise (vulnerabilities)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from retour import bulk, clock
from retour.accounts.models import User
from retour.accounts.roles import Capability
from retour.audit.log import record_access
from retour.cases import guards, tasks
from retour.cases.actions import inputs
from retour.cases.actions._core import (
    append_event,
    authority_named,
    close_tasks,
    not_in_future,
    open_cases_of,
    open_task,
    perform,
    remember_case,
    require_text,
    start_milestones,
)
from retour.cases.deadlines import close_deadlines, open_deadline_from_parameter
from retour.cases.guards import counts_as_a_minor, is_unaccompanied_minor
from retour.cases.models import (
    CaseNumberCounter,
    Handover,
    Origin,
    Outcome,
    ReturnCase,
    Task,
    Timer,
)
from retour.cases.procedure import transitions
from retour.cases.stages import Stage
from retour.errors import InvalidInput, PermissionRefused, one_of
from retour.people.actions import REGISTER_AND_EDIT, visible_person
from retour.people.models import Person, Vulnerability
from retour.reference.models import Country
from retour.seam import actions as seam_actions
from retour.seam import pipeline
from retour.seam.actions import implements
from retour.seam.limits import text_problem
from retour.seam.pipeline import Done, Step

_STARTS_WITHOUT_LEGAL_STAY = {
    Origin.IRREGULAR_STAY_DETECTED,
    Origin.EES_OVERSTAY,
    Origin.BORDER_APPREHENSION,
    Origin.MUTUAL_RECOGNITION,
}


def _next_number(member_state: str, year: int) -> str:
    """The next case number of the member state and year. The counter row stays locked until
    the transaction ends; a bulk session holds it for the whole session and writes it once."""
    session = bulk.current()
    if session is None:
        counter = _locked_counter(member_state, year)
    else:
        counter = session.remember(("cases.number_counter", member_state, year),
                                   lambda: _kept_counter(session, member_state, year))
    counter.last += 1
    if session is None:
        counter.save(update_fields=["last"])
    return f"{member_state}-{year}-{counter.last:06d}"


def _locked_counter(member_state: str, year: int) -> CaseNumberCounter:
    counter, _created = CaseNumberCounter.objects.select_for_update().get_or_create(
        member_state=member_state, year=year
    )
    return counter


def _kept_counter(session: bulk.BulkSession, member_state: str, year: int) -> CaseNumberCounter:
    counter = _locked_counter(member_state, year)
    session.collect("cases.number_counters", counter, _save_counters)
    return counter


def _save_counters(counters: list[CaseNumberCounter]) -> None:
    for counter in counters:
        counter.save(update_fields=["last"])


def _dimensions(person: Person, on: date) -> dict[str, Any]:
    confirmed = min(bulk.select(person, "nationalities"),
                    key=lambda n: (n.status, n.country_id), default=None)
    return {
        "citizenship": confirmed.country_id if confirmed else "",
        "sex": person.sex,
        "birth_year": person.birth_year,
        # As the guards count it, so a partial date of birth gives the same benefit of the
        # doubt in the statistics as in the procedure.
        "minor": counts_as_a_minor(person, on),
        "unaccompanied_minor": bool(bulk.select(
            person, "vulnerabilities", kind=Vulnerability.Kind.UNACCOMPANIED_MINOR,
            ended_on__isnull=True,
        )),
    }


@bulk.atomic_action()
def open_case(
    user: Any, person_id: Any, *, origin: str, responsible_authority: str | None = None,
    origin_member_state: str | None = None, reason: str = "", channel: str = "",
) -> ReturnCase:
    """Open a return case for a person of the user's member state, recording its origin."""
    if not user.can(Capability.OPEN_CASE):
        raise PermissionRefused(
            _("your role does not allow: %(action)s") % {"action": _("open return cases")}
        )
    person = visible_person(user, person_id, for_update=True)
    if origin not in Origin.values:
        raise InvalidInput.field("origin", one_of(Origin.values))
    open_cases = open_cases_of(None, person)
    if open_cases:
        raise InvalidInput.field(
            "person_id",
            _("this person already has an open return case (%(number)s)")
            % {"number": open_cases[0].number},
        )
    authority = user.authority
    if responsible_authority:
        authority = authority_named(responsible_authority, person.member_state_id,
                                    "responsible_authority")
    recognised = None
    if origin == Origin.MUTUAL_RECOGNITION:
        recognised = Country.objects.member_states().filter(code=origin_member_state or "").first()
        if recognised is None or recognised.code == person.member_state_id:
            raise InvalidInput.field(
                "origin_member_state",
                _("name the other member state whose decision is recognised"),
            )
    elif origin_member_state:
        raise InvalidInput.field("origin_member_state", _("only for mutual recognition"))
    now = clock.now()
    today = clock.today()
    case = bulk.create(ReturnCase(
        number=_next_number(person.member_state_id, today.year),
        person=person,
        member_state_id=person.member_state_id,
        origin=origin,
        origin_member_state=recognised,
        responsible_authority=authority,
        opened_at=now,
        updated_at=now,
    ))
    remember_case(case)
    start_milestones(
        case, member_state=case.member_state_id, origin=origin, opened_on=today,
        stage=Stage.REGISTERED,
    )
    values: dict[str, Any] = {
        "member_state": case.member_state_id,
        "origin": origin,
        "opened_on": today.isoformat(),
        "stage": Stage.REGISTERED,
        "responsible_authority_id": authority.pk,
        **_dimensions(person, today),
    }
    if recognised:
        values["origin_member_state"] = recognised.code
    if origin in _STARTS_WITHOUT_LEGAL_STAY:
        due = open_deadline_from_parameter(case, Timer.Kind.RETURN_DECISION_DUE, today)
        assert due is not None
        open_task(case, Task.Kind.ISSUE_RETURN_DECISION, due.due_on)
    if values["unaccompanied_minor"]:
        open_task(case, Task.Kind.ASSESS_BEST_INTERESTS, today)
    append_event(case, user, "case_opened", reason, {}, values)
    record_access(user, "write", "return_case", [case.pk], person_ids=[person.pk],
                  reason=reason or "open case", channel=channel)
    return case


_DEPARTURE_OUTCOMES = {"voluntary": "returned_voluntarily", "enforced": "removed"}
_NEEDS_STAGE = {"absconded": Stage.ABSCONDED}


def _check_outcome(case: ReturnCase, outcome: str, reason: str) -> None:
    if outcome not in Outcome.values:
        raise InvalidInput.field("outcome", one_of(Outcome.values))
    milestones = case.milestones
    if case.stage == Stage.DEPARTED:
        allowed = {_DEPARTURE_OUTCOMES[milestones.return_type]}
        destination = Country.objects.by_code([milestones.destination]).get(
            milestones.destination
        )
        if destination and destination.is_member_state:
            allowed = {Outcome.LEFT_TO_OTHER_MEMBER_STATE}
        allowed.add(Outcome.DECEASED)
        if outcome not in allowed:
            raise InvalidInput.field(
                "outcome",
                _("the recorded departure allows only: %(outcomes)s")
                % {"outcomes": ", ".join(sorted(allowed))},
            )
    elif outcome in _DEPARTURE_OUTCOMES.values() or outcome == Outcome.LEFT_TO_OTHER_MEMBER_STATE:
        raise InvalidInput.field("outcome", _("record the departure first"))
    if outcome in _NEEDS_STAGE and case.stage != _NEEDS_STAGE[outcome]:
        raise InvalidInput.field("outcome", _("record the absconding first"))
    if outcome == Outcome.OTHER:
        require_text(reason, "reason", _("for 'other', the reason is required"))


@implements(input=inputs.CloseCase)
def close_case(
    user: Any, case_id: Any, *, outcome: str, reason: str = "",
    expected_version: int | None = None, channel: str = "",
) -> ReturnCase:
    """Close the case with its outcome; open work on it is cancelled, an entry ban keeps
    running."""

    def change(case: ReturnCase) -> dict[str, Any]:
        _check_outcome(case, outcome, reason)
        today = clock.today()
        close_tasks(case, *tasks.codes(), status=Task.Status.CANCELLED)
        kinds = [k for k in Timer.Kind.values if k != Timer.Kind.ENTRY_BAN_END]
        close_deadlines(case, Timer.Status.CANCELLED, today, *kinds)
        bulk.update(case, "handovers", {"status": Handover.Status.RETURNED,
                                        "answered_at": clock.now(),
                                        "answer_reason": "case closed"},
                    status=Handover.Status.PENDING)
        case.stage = Stage.CLOSED
        case.stage_before_suspension = ""
        case.removal_planned_on = None  # a planned removal is called off with the case
        case.outcome = outcome
        case.outcome_reason = reason
        case.closed_at = clock.now()
        return {"outcome": outcome}

    return perform(user, case_id, "close_case", change,
                   expected_version=expected_version, reason=reason, channel=channel)




@implements(input=inputs.AssignCase)
def assign_case(
    user: Any, case_id: Any, *, officer_username: str | None, reason: str = "",
    expected_version: int | None = None, channel: str = "",
) -> ReturnCase:
    """Assign the case to an officer of the responsible authority (or unassign it)."""

    def change(case: ReturnCase) -> dict[str, Any]:
        if not officer_username:
            case.assigned_officer = None
            return {}
        officer = User.objects.filter(
            username=officer_username, authority=case.responsible_authority, is_active=True
        ).first()
        # Roles that take steps of the procedure; an auditor may read a case, never work it.
        casework = frozenset(t.capability for t in transitions() if t.capability is not None)
        if officer is None or not (
            officer.can(Capability.VIEW_PERSONAL_DATA) and officer.capabilities & casework
        ):
            raise InvalidInput.field(
                "officer_username",
                _("no active officer '%(username)s' in %(authority)s who works cases")
                % {"username": officer_username, "authority": case.responsible_authority.name},
            )
        case.assigned_officer = officer
        return {}

    return perform(user, case_id, "assign_case", change,
                   expected_version=expected_version, reason=reason, channel=channel)


def _call_off_removal_of_unaccompanied_minor(
    case: ReturnCase, values: dict[str, Any]
) -> dict[str, Any]:
    """A removal scheduled before the person was known to be an unaccompanied minor is called
    off until reception in the country of return is verified (Directive 2008/115/EC Art.
    10(2)); the case goes back to forced-return preparation. Returns the values it changed."""
    if case.stage != Stage.REMOVAL_SCHEDULED or guards.reception_verified_for_minor(case) is None:
        return {}
    old_values = {"stage": case.stage, "removal_planned_on": case.removal_planned_on.isoformat()
                  if case.removal_planned_on else None}
    case.stage = Stage.FORCED_RETURN_PREPARATION
    case.removal_planned_on = None
    values.update(stage=case.stage, removal_planned_on=None)
    return old_values


# Recorded on the person (its subject and its log are the people app's, ``retour.seam.pipeline``),
# and on each of the person's open cases.
seam_actions.declare("person", (
    Step("record_vulnerability", gettext_noop("Record vulnerability"),
         Capability.REGISTER_PERSON, refused=REGISTER_AND_EDIT),
))


@implements(events=("vulnerability_recorded",))
def record_vulnerability(
    user: Any, person_id: Any, *, kind: str, noted_on: date, details: str = "",
    reason: str = "", channel: str = "",
) -> Vulnerability:
    """Record a vulnerability (Directive 2008/115/EC Art. 3(9)); every open case of the person
    gets an event, and an unaccompanied minor's case a best-interests task.

    ``details`` (what it rests on: a medical report, an age assessment) are health data, a
    special category (Regulation (EU) 2016/679 Art. 9): kept encrypted with the vulnerability,
    never in the events or the access log; ``reason`` is the history's."""

    def change(person: Person) -> Done:
        if kind not in Vulnerability.Kind.values:
            raise InvalidInput.field("kind", one_of(Vulnerability.Kind.values))
        not_in_future(noted_on, "noted_on")
        problem = text_problem(details, multiline=True)
        if problem:
            raise InvalidInput.field("details", problem)
        if bulk.select(person, "vulnerabilities", kind=kind, ended_on__isnull=True):
            raise InvalidInput.field("kind", _("this vulnerability is already recorded"))
        vulnerability = bulk.add(person, "vulnerabilities", Vulnerability(
            person=person, kind=kind, noted_on=noted_on, details=details))
        recorded: dict[str, Any] = {"vulnerability": kind, **_dimensions(person, noted_on)}
        # Every open case of the person, whichever authority holds it (a fact of the person's,
        # and an unaccompanied minor's removal is called off wherever it was planned).
        for case in open_cases_of(None, person):
            values = dict(recorded)
            old_values = _call_off_removal_of_unaccompanied_minor(case, values)
            case.version += 1
            case.updated_at = clock.now()
            bulk.save(case, "version", "updated_at", "stage", "removal_planned_on")
            append_event(case, user, "vulnerability_recorded", reason, old_values, values)
            if kind == Vulnerability.Kind.UNACCOMPANIED_MINOR and is_unaccompanied_minor(case):
                open_task(case, Task.Kind.ASSESS_BEST_INTERESTS, noted_on)
        return Done(person, recorded, result=vulnerability,
                    audit=f"record vulnerability {kind}")

    vulnerability: Vulnerability = pipeline.take(
        user, "record_vulnerability", person_id, change, reason=reason, channel=channel)
    return vulnerability
