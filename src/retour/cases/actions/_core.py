"""The one write path for cases: load, check, change, log the event, update milestones.

Every action runs ``perform`` in one database transaction: if anything refuses or fails,
nothing of the action is written (no half-saved case, no event, no access-log entry).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from retour import bulk, clock
from retour.accounts.models import Authority
from retour.cases import tasks
from retour.cases.models import CaseEvent, CaseMilestones, ReturnCase, Task
from retour.cases.procedure import Transition, refusal
from retour.cases.procedure import transition as transition_of
from retour.cases.reach import acting_refusal
from retour.cases.stages import OPEN_STAGES
from retour.errors import (
    InvalidInput,
    NotVisible,
    StaleVersion,
)
from retour.outbox import publish as outbox
from retour.seam import events, pipeline, projections, reactions

# Case fields whose old and new values every event records.
TRACKED_FIELDS = (
    "stage",
    "stage_before_suspension",
    "outcome",
    "outcome_reason",
    "responsible_authority_id",
    "assigned_officer_id",
    "voluntary_departure_ends_on",
    "removal_planned_on",
    "closed_at",
)


Change = Callable[[ReturnCase], "dict[str, Any] | None"]


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


def snapshot(case: ReturnCase) -> dict[str, Any]:
    return {name: _jsonable(getattr(case, name)) for name in TRACKED_FIELDS}


def _row(case: ReturnCase) -> dict[str, Any]:
    return {f.name: getattr(case, f.attname) for f in ReturnCase._meta.concrete_fields}


def load_case(user: Any, case_id: Any, *, for_update: bool = False) -> ReturnCase:
    """The case if ``user`` may see it (None means the system itself).

    In a bulk session the case is read once and kept: only the session's actions change it,
    and its member state, which decides who may see it, never changes."""
    session = bulk.current()
    if session is None:
        return _read_case(user, case_id, for_update=for_update)
    case = session.remember(("cases.case", str(case_id)),
                            lambda: _read_case(None, case_id, for_update=True))
    if user is not None and not ReturnCase.objects.is_visible_to(case, user):
        raise NotVisible("case not found")
    return case


def _read_case(user: Any, case_id: Any, *, for_update: bool) -> ReturnCase:
    cases = ReturnCase.objects.all() if user is None else ReturnCase.objects.visible_to(user)
    if for_update:
        cases = cases.select_for_update(of=("self",))
    try:
        return cases.select_related("person", "responsible_authority", "milestones").get(
            pk=case_id
        )
    except (ReturnCase.DoesNotExist, ValidationError, ValueError, TypeError):
        raise NotVisible("case not found") from None


def _check_version(case: ReturnCase, expected_version: int | None) -> None:
    if expected_version is None or expected_version == case.version:
        return
    last = case.events.select_related("actor").order_by("-sequence").first()
    actor = last.actor if last else None
    who = (actor.get_full_name() or actor.username) if actor else _("the system")
    when = last.occurred_at.strftime("%Y-%m-%d %H:%M") if last else "?"
    raise StaleVersion(
        _(
            "case %(number)s was changed by %(who)s at %(when)s (%(action)s) after you opened "
            "it: you had version %(expected)s, it is now version %(version)s; reload the case "
            "and try again"
        ) % {
            "number": case.number, "who": who, "when": when,
            "action": last.type if last else "", "expected": expected_version,
            "version": case.version,
        }
    )


def append_event(
    case: ReturnCase,
    user: Any,
    event_type: str,
    reason: str,
    old_values: dict[str, Any],
    payload: dict[str, Any],
) -> CaseEvent:
    """Append the event that brought ``case`` to its current version, after checking its
    payload against its declared type, fold it into the case's projections (the milestone
    row and every app's rows that care), and write the outbox's messages for the subscribers
    that want it, all in the action's transaction. The event's sequence is the case's
    version: each version of a case is made by exactly one event."""
    declared = events.get(event_type)
    declared.validate(payload)
    event = CaseEvent(
        case=case,
        sequence=case.version,
        occurred_at=clock.now(),
        actor=user,
        actor_authority=getattr(user, "authority", None),
        type=event_type,
        version=declared.version,
        reason=reason,
        old_values=old_values,
        payload=payload,
    )
    # The milestone row came with the case (``load_case``) or was made with it (``open_case``);
    # the case row's lock covers it and the other projections' rows.
    rows = projections.fold({CaseMilestones: case.milestones}, event,
                            lambda p: _projection_row(case, p))
    session = bulk.current()
    if session is None:
        event.save()
        for row in rows:
            row.save()
    else:
        session.collect("cases.events", event, bulk.insert_rows)
        for row in rows:
            # A row made in the session is inserted at its end as it stands then; one read
            # before it is saved once, at its end.
            if not session.is_made(row):
                _save_at_end(session, row)
    outbox.publish(outbox.PublishedEvent(
        type=event_type, version=declared.version, stream=f"case:{case.pk}",
        sequence=event.sequence, occurred_at=event.occurred_at,
        member_state=case.member_state_id, payload=payload,
    ))
    return event


def _save_at_end(session: bulk.BulkSession, row: Any) -> None:
    session.remember(("projection.saved", row._meta.label, row.pk),
                     lambda: session.collect("cases.projections", row, _save_each))


def _projection_row(case: ReturnCase, projection: projections.Projection) -> Any:
    """The case's row of an app's projection: read (once per bulk session), or made."""
    session = bulk.current()

    def read_or_make() -> Any:
        found = None
        if session is None or not session.is_made(case):
            found = projection.model._default_manager.filter(case=case).first()
        if found is None:
            found = projection.new_row(case)
            if session is not None:
                session.insert(found)
        return found

    if session is None:
        return read_or_make()
    return session.remember(("projection", projection.model._meta.label, case.pk), read_or_make)


def start_milestones(case: ReturnCase, **values: Any) -> CaseMilestones:
    """The milestone row of a case just opened; in a bulk session, written at its end."""
    return bulk.create(CaseMilestones(case=case, **values))


def _save_each(rows: list[Any]) -> None:
    for row in rows:
        row.save()


def after_event(event: CaseEvent, user: Any, channel: str) -> None:
    """What the event sets off in the same transaction: other apps' reactions
    (``retour.seam.reactions``)."""
    reactions.react(event, event.case, user, channel)


def perform(
    user: Any,
    case_id: Any,
    action: str,
    change: Change,
    *,
    expected_version: int | None = None,
    reason: str = "",
    channel: str = "",
    step: Transition | None = None,
) -> ReturnCase:
    """Run one business action on a case atomically.

    ``change`` validates its input (raising ``InvalidInput``) and then changes the case and
    its related rows; it returns extra values for the event (e.g. the decision recorded).
    ``user`` None is the system (a deadline that passed), which needs no capability.
    ``step`` is the transition for an action outside the case core's table: a step of work
    that hangs off the case (another app's, such as a request to a third country) with its
    own table, whose event is the case's like any other.
    """

    def on_case(case: ReturnCase) -> pipeline.Done:
        before, row_before = snapshot(case), _row(case)
        details = change(case) or {}
        after, row_after = snapshot(case), _row(case)
        changed = [name for name in TRACKED_FIELDS if before[name] != after[name]]
        case.updated_at = clock.now()
        return pipeline.Done(
            case,
            {**{name: after[name] for name in changed}, **details},
            old_values={name: before[name] for name in changed},
            saved=("updated_at",
                   *(name for name, value in row_after.items() if row_before[name] != value)),
        )

    found: ReturnCase = pipeline.take(
        user, action, case_id, on_case, expected_version=expected_version, reason=reason,
        channel=channel, subject=CASE.name, step=step or transition_of(action),
    )
    return found


def _log(
    about: pipeline.Subject, case: ReturnCase, event_type: str, payload: dict[str, Any], *,
    user: Any, reason: str, made: bool, old_values: dict[str, Any] | None,
) -> CaseEvent:
    return append_event(case, user, event_type, reason, old_values or {}, payload)


def _after(event: CaseEvent, case: ReturnCase, user: Any, channel: str) -> None:
    after_event(event, user, channel)


# The case as a subject of the one write path (``retour.seam.pipeline``): read through the
# user's scope before anything else (another member state's case is a 404 whatever the role),
# acted on only by its responsible authority (``retour.cases.reach``),
# refused by the procedure table, its events kept in its own log with its projections.
CASE = pipeline.subject(
    "case", ReturnCase,
    member_state=lambda case: case.member_state_id,
    object_type="return_case",
    persons=lambda case: [case.person_id],
    version_field="version",
    load=lambda user, key: load_case(user, key, for_update=True),
    scope_first=True,
    acts=acting_refusal,
    refusal=refusal,
    stale=_check_version,
    log=_log,
    after=_after,
)


def require_text(value: str, field: str, missing: str) -> str:
    """The text without surrounding blanks; ``missing`` (translated, a whole sentence so that
    each language can order it) is the refusal when there is none."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput.field(field, missing)
    return text


def collected(*checks: Callable[[], object]) -> dict[str, str]:
    """The refusals of ``checks`` (each a shared rule that raises ``InvalidInput``) by field:
    every wrong field at once, each with the rule's own message."""
    errors: dict[str, str] = {}
    for check in checks:
        try:
            check()
        except InvalidInput as exc:
            errors.update(exc.errors)
    return errors


def not_in_future(value: date, field: str) -> date:
    if value > clock.today():
        raise InvalidInput.field(
            field, _("%(date)s is in the future") % {"date": value.isoformat()}
        )
    return value


def not_before(
    value: date, earlier: date | None, field: str, refusal: str | None = None
) -> date:
    """``value`` when it is neither in the future nor before ``earlier`` (when that is known);
    ``refusal`` words the second case, with ``%(date)s`` for the earlier date."""
    not_in_future(value, field)
    if earlier is not None and value < earlier:
        raise InvalidInput.field(
            field, (refusal or _("cannot be before %(date)s")) % {"date": earlier.isoformat()}
        )
    return value


def open_cases_of(user: Any, person: Any) -> list[ReturnCase]:
    """The person's open cases, each loaded as ``load_case`` does (for update).

    In a bulk session the person's case keys are read once and the cases kept, so a case
    opened, moved or closed earlier in the session is seen as it is now."""
    session = bulk.current()
    if session is None:
        keys = list(person.cases.filter(stage__in=OPEN_STAGES).values_list("pk", flat=True))
    else:
        keys = _case_keys(session, person)
    cases = (load_case(user, key, for_update=True) for key in keys)
    return [case for case in cases if case.stage in OPEN_STAGES]


def _case_keys(session: bulk.BulkSession, person: Any) -> list[Any]:
    return session.remember(
        ("cases.of_person", str(person.pk)),
        lambda: [] if session.is_made(person) else list(
            person.cases.values_list("pk", flat=True)
        ),
    )


def remember_case(case: ReturnCase) -> None:
    """Keep a case just made for the rest of the bulk session, if one is in progress."""
    session = bulk.current()
    if session is not None:
        session.remember(("cases.case", str(case.pk)), lambda: case)
        _case_keys(session, case.person).append(case.pk)


def note_on_open_cases(
    user: Any, person: Any, action: str, reason: str, values: dict[str, Any]
) -> list[ReturnCase]:
    """A fact about the person recorded outside any case (a vulnerability, a document): every
    open case of the person gets an event with ``values``, so its timeline shows the fact,
    whichever authority holds it: the fact is the person's, not a step on the case."""
    cases = open_cases_of(None, person)
    for case in cases:
        case.version += 1
        case.updated_at = clock.now()
        bulk.save(case, "version", "updated_at")
        after_event(append_event(case, user, action, reason, {}, values), user, "")
    return cases


def authority_named(code: str, member_state: str, field: str) -> Authority:
    """The authority ``code`` of ``member_state``, or a refusal of ``field`` that says so."""
    authority = bulk.remembered(
        ("accounts.authority", member_state, code),
        lambda: Authority.objects.filter(code=code, member_state_id=member_state).first(),
    )
    if authority is None:
        raise InvalidInput.field(
            field,
            _("no authority '%(code)s' in %(member_state)s")
            % {"code": code, "member_state": member_state},
        )
    return authority


def open_task(case: ReturnCase, kind: str, due_on: date, authority: Any = None) -> Task:
    if kind not in tasks.codes():
        raise ValueError(f"no app registers the task kind {kind!r}")
    return bulk.add(case, "tasks", Task(
        case=case,
        kind=kind,
        authority=authority or case.responsible_authority,
        due_on=due_on,
        created_at=clock.now(),
    ))


def close_tasks(case: ReturnCase, *kinds: str, status: str = Task.Status.DONE) -> None:
    bulk.update(case, "tasks", {"status": status, "closed_at": clock.now()},
                kind__in=kinds, status=Task.Status.OPEN)
