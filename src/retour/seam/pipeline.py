"""One write path for every subject: cases, persons, identity documents and other evidence,
match reviews, identification missions and presentations, readmission obstacles and
instruments.

An app registers each kind of subject once (``subject``): how a record is read, the member
state it belongs to (its scope), its version field if it has one, the access log's name for it
and the persons it concerns. It declares its actions as procedure rows (``Step``) with
``retour.seam.actions.declare(<subject>, rows)``, marks each handler with
``retour.seam.actions.implements(events=(<event type>,))``, and the handler runs its change
through ``take``, which does, in one transaction (``bulk.atomic_action``)::

    check the capability of the user's roles               PermissionRefused
    load the subject through the user's scope, for update  NotVisible
      (a subject may load first: a case outside the scope is a 404 whatever the role)
    check the user may act on it (a subject may say: only  PermissionRefused
      a case's responsible authority records its steps)
    check the expected version                             StaleVersion
    check the row's guards (a subject may say more:        TransitionRefused
      the case's stage and the procedure table)
    change (the handler's function: validates, writes through ``retour.bulk``)
    append the action's one typed event to the subject's log (``SubjectEvent``, or the
      subject's own: the case's ``CaseEvent`` with its projections) and hand it to whatever
      else records it (the open cases of the persons it concerns), publish it to the outbox
    append the access-log entry
    run what other apps do in reaction (the subject's ``after``: a case's reactions)

A refusal or a failure anywhere leaves nothing written. The system (``user`` None) needs no
capability and sees every subject; it writes no access-log entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Max
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from retour import bulk, clock
from retour.accounts.scoping import personal_data_member_state
from retour.audit.log import record_access
from retour.errors import NotVisible, PermissionRefused, StaleVersion, TransitionRefused
from retour.outbox import publish as outbox
from retour.seam import actions as seam_actions
from retour.seam import events
from retour.seam.models import SubjectEvent

Guard = Callable[[Any], "str | None"]


@dataclass(frozen=True)
class Step:
    """A procedure row of an action on a subject other than a case (``seam.actions.Step``).

    ``label`` is English, marked with ``gettext_noop``. ``capability`` None: only the system
    takes the step. ``guards`` each return why the step is refused now, or None; they see the
    loaded subject (None for a step that makes one). ``makes`` names the kind of subject the
    action makes when it is not the one it is taken on (a document made on a person): its
    event goes on the new record's log. ``refused`` says, in a refusal, what the role may not
    do (marked for translation; default the label); ``audit`` is the access log's reason when
    the user gives none (English; default the label)."""

    action: str
    label: str
    capability: Any
    guards: tuple[Guard, ...] = ()
    makes: str | None = None
    refused: str = ""
    audit: str = ""


def _nobody(record: Any) -> list[Any]:
    return []


def _pk(record: Any) -> Any:
    return record.pk


@dataclass(frozen=True, eq=False)
class Subject:
    """A kind of subject: an aggregate whose actions go through ``take``.

    ``member_state`` gives the member state a record belongs to ('' for none); with
    ``personal`` (the default) only users who see that member state's personal data see the
    record (``retour.accounts.scoping``), and outside the session it is read through the
    model manager's ``visible_to``. ``object_type`` is the access log's name for it (None:
    no personal data, no entry). ``read`` reads a record by key, locked, unscoped (default:
    by primary key, with ``related`` joined and the rows of ``locks`` locked); ``load``
    replaces the whole loading, scope included, where an app has its own (persons)."""

    name: str
    model: type[models.Model]
    member_state: Callable[[Any], str]
    object_type: str | None = None
    persons: Callable[[Any], Iterable[Any]] = _nobody
    version_field: str | None = None
    key: Callable[[Any], Any] = _pk
    label: Any = ""  # how a message names one (marked for translation)
    personal: bool = True
    related: tuple[str, ...] = ()
    locks: tuple[str, ...] = ("self",)
    read: Callable[[Any], Any] | None = None
    load: Callable[[Any, Any], Any] | None = None
    not_found: str = ""
    # A subject whose existence must not depend on the role asked about (a case) loads
    # through the scope before the capability is checked.
    scope_first: bool = False
    # The subject's own rules beside the row's guards (a case's stage), its own wording of
    # a stale version, its own log (a case's events and projections), and what follows the
    # action in its transaction (a case's reactions); each None: the default below.
    refusal: Callable[[Any, Any], str | None] | None = None
    stale: Callable[[Any, int], None] | None = None
    # Why a user who sees the record may still not take the action on it (a case: only its
    # responsible authority acts, ``retour.accounts.scoping``), or None.
    acts: Callable[[Any, Any, str], str | None] | None = None
    log: Callable[..., Any] | None = None
    after: Callable[[Any, Any, Any, str], None] | None = None

    def visible(self, record: Any, user: Any) -> bool:
        """Whether ``user`` may see ``record`` (None: the system sees everything)."""
        if user is None or not self.personal:
            return True
        member_state = personal_data_member_state(user)
        return member_state is not None and self.member_state(record) == member_state

    def loaded(self, user: Any, key: Any) -> Any:
        """The record ``key``, locked for the transaction, if ``user`` may see it.

        In a bulk session a record is read once and kept (only the session's actions change
        it); one made in the session is found without a query."""
        if self.load is not None:
            return self.load(user, key)
        session = bulk.current()
        if session is None:
            record = self._read(key, user)
        else:
            record = session.remember(self._kept(key), lambda: self._read(key, None))
        if not self.visible(record, user):
            raise NotVisible(self._not_found())
        return record

    def keep(self, record: Any) -> None:
        """Keep a record just made for the rest of the bulk session, if one is in progress."""
        session = bulk.current()
        if session is not None and self.load is None:
            # A new version made as a row of its own replaces the one kept under its key.
            key = self._kept(self.key(record))
            session.forget(key)
            session.remember(key, lambda: record)

    def _kept(self, key: Any) -> tuple[str, str, str]:
        return ("seam.subject", self.name, str(key))

    def _not_found(self) -> str:
        return self.not_found or f"{self.name.replace('_', ' ')} not found"

    def _read(self, key: Any, user: Any) -> Any:
        if self.read is not None:
            return self.read(key)
        manager: Any = self.model._default_manager
        records = manager.visible_to(user) if self.personal and user is not None else manager.all()
        try:
            return (records.select_for_update(of=self.locks).select_related(*self.related)
                    .get(pk=key))
        except (ObjectDoesNotExist, ValidationError, ValueError, TypeError):
            raise NotVisible(self._not_found()) from None


_SUBJECTS: dict[str, Subject] = {}


def subject(name: str, model: type[models.Model], **how: Any) -> Subject:
    """Register the kind of subject ``name`` (see ``Subject``); a name is registered once."""
    if name in _SUBJECTS:
        raise ValueError(f"subject {name} is registered twice")
    registered = Subject(name, model, **how)
    _SUBJECTS[name] = registered
    return registered


def subjects() -> tuple[Subject, ...]:
    """Every registered kind of subject (retention erases their event logs)."""
    return tuple(_SUBJECTS.values())


def subject_named(name: str) -> Subject:
    try:
        return _SUBJECTS[name]
    except KeyError:
        raise KeyError(f"no subject {name!r} is registered") from None


_RECORD: Any = object()  # ``Done.result`` when the action returns its record


@dataclass
class Done:
    """What a change did, for ``take`` to record: the record the event is about (the subject
    loaded, or the one the action made) and the event's payload (JSON values, checked against
    the action's event type). ``result`` is what the action returns (default the record).

    The access-log entry is a write of the record, naming the subject's persons, unless the
    change says otherwise (a search names what it found). ``audit`` is its reason when the
    user gave none, if the step's does not fit. ``also`` is handed the event's type and
    payload once it is written: where else it is recorded (``note_on_open_cases``)."""

    record: Any
    payload: dict[str, Any]
    result: Any = _RECORD
    audit: str = ""
    operation: str = "write"
    object_ids: list[Any] | None = None
    person_ids: list[Any] | None = None
    search_terms: dict[str, Any] | None = None
    also: Callable[[str, dict[str, Any]], object] | None = None
    # The fields the change set on the record besides its version, saved with it; and the
    # earlier values of the record's own fields it changed (a case keeps them with the event).
    saved: tuple[str, ...] = ()
    old_values: dict[str, Any] | None = None


Change = Callable[[Any], Done]


def take(
    user: Any,
    action: str,
    key: Any,
    change: Change,
    *,
    expected_version: int | None = None,
    reason: str = "",
    channel: str = "",
    subject: str | None = None,
    step: Any = None,
) -> Any:
    """Take the declared ``action`` on the subject ``key`` (None: the action makes its
    subject) in one transaction; see the module. ``change(record)`` validates (raising
    ``InvalidInput``), changes and returns ``Done``; ``record`` is the loaded subject, or None
    when the action makes one. ``subject`` and ``step`` name a step of another table taken
    on this subject (a request's step that is an event on its case)."""
    declared = seam_actions.get(action)
    step = step or declared.step
    on = subject_named(subject or declared.subject)
    event_type = _event_type(declared)
    with bulk.atomic_action():
        record = None
        if on.scope_first and key is not None:
            record = on.loaded(user, key)
        if user is not None and (step.capability is None or not user.can(step.capability)):
            words = getattr(step, "refused", "") or step.label
            raise PermissionRefused(
                _("your role does not allow: %(action)s") % {"action": _(words).lower()}
            )
        if record is None and key is not None:
            record = on.loaded(user, key)
        if record is not None and user is not None and on.acts is not None:
            not_yours = on.acts(user, record, step.action)
            if not_yours:
                raise PermissionRefused(not_yours)
        if record is not None:
            _check_version(on, record, expected_version)
        elif expected_version is not None:
            raise TypeError(f"{action}: a subject the action makes has no version to expect")
        why_not = (on.refusal or _guards)(step, record)
        if why_not:
            raise TransitionRefused(why_not)
        done = change(record)
        makes = getattr(step, "makes", None)
        about = subject_named(makes) if makes else on
        made = done.record is not record
        if about.version_field is not None and not made:
            setattr(done.record, about.version_field,
                    getattr(done.record, about.version_field) + 1)
            bulk.save(done.record, about.version_field, *done.saved)
        event = (about.log or append)(about, done.record, event_type, done.payload, user=user,
                                      reason=reason, made=made, old_values=done.old_values)
        if done.also is not None:
            done.also(event_type, done.payload)
        if user is not None and about.object_type is not None:
            record_access(
                user, done.operation, about.object_type,
                [done.record.pk] if done.object_ids is None else done.object_ids,
                person_ids=about.persons(done.record) if done.person_ids is None
                else done.person_ids,
                search_terms=done.search_terms,
                reason=reason or done.audit or getattr(step, "audit", "") or step.label,
                channel=channel,
            )
        if about.after is not None:
            about.after(event, done.record, user, channel)
    return done.record if done.result is _RECORD else done.result


def _guards(step: Any, record: Any) -> str | None:
    """The first refusal of the row's guards, which see the loaded subject."""
    for guard in step.guards:
        why_not = guard(record)
        if why_not:
            return str(why_not)
    return None


def _event_type(declared: seam_actions.Action) -> str:
    if len(declared.events) != 1:
        raise ValueError(
            f"action {declared.name} must write exactly one event type (it declares "
            f"{list(declared.events)}): mark its handler with implements(events=(...,))"
        )
    return declared.events[0]


def append(
    about: Subject | str, record: Any, event_type: str, payload: dict[str, Any], *,
    user: Any, reason: str = "", made: bool = False, old_values: dict[str, Any] | None = None,
) -> SubjectEvent:
    """Append an event to ``record``'s log after checking its payload against its declared
    type: ``take`` does it for its action; an action on another subject (a case step that
    raises an obstacle) does it for a record it made or changed. ``made``: the record was
    made by this action, so it has no event yet. In a bulk session the event is written when
    the session ends."""
    kind = subject_named(about) if isinstance(about, str) else about
    declared = events.get(event_type)
    declared.validate(payload)
    subject_key = str(kind.key(record))
    if kind.version_field is not None:
        sequence = getattr(record, kind.version_field)
    else:
        sequence = _next_sequence(kind.name, subject_key, made)
    event = SubjectEvent(
        subject_kind=kind.name,
        subject_key=subject_key,
        sequence=sequence,
        type=event_type,
        version=declared.version,
        payload=payload,
        actor=user,
        actor_authority=getattr(user, "authority", None),
        member_state=kind.member_state(record) or "",
        reason=reason,
        occurred_at=clock.now(),
    )
    session = bulk.current()
    if session is None:
        event.save()
    else:
        session.collect("seam.subject_events", event, bulk.insert_rows)
    if made:
        kind.keep(record)
    outbox.publish(outbox.PublishedEvent(
        type=event_type, version=declared.version, stream=f"{kind.name}:{subject_key}",
        sequence=sequence, occurred_at=event.occurred_at, member_state=event.member_state,
        payload=payload,
    ))
    return event


def _next_sequence(kind: str, key: str, made: bool) -> int:
    """The next sequence of the subject's log: 1 for a record just made; else after the last
    one written (in a bulk session, counted in memory from the last one before it)."""
    session = bulk.current()
    if session is None:
        return 1 if made else _last_sequence(kind, key) + 1
    counter: list[int] = session.remember(
        ("seam.sequence", kind, key), lambda: [0 if made else _last_sequence(kind, key)]
    )
    counter[0] += 1
    return counter[0]


def _last_sequence(kind: str, key: str) -> int:
    last = SubjectEvent.objects.filter(subject_kind=kind, subject_key=key).aggregate(
        last=Max("sequence"))["last"]
    return int(last or 0)


def _check_version(on: Subject, record: Any, expected_version: int | None) -> None:
    if expected_version is None:
        return
    if on.stale is not None:
        on.stale(record, expected_version)
        return
    if on.version_field is None:
        raise TypeError(f"subject {on.name} has no version to expect")
    version = getattr(record, on.version_field)
    if expected_version == version:
        return
    # Outside a bulk session (a person editing): the log is in the database.
    last = (SubjectEvent.objects.filter(subject_kind=on.name, subject_key=str(on.key(record)))
            .select_related("actor").order_by("-sequence").first())
    actor = last.actor if last else None
    who = (actor.get_full_name() or actor.username) if actor else _("the system")
    when = last.occurred_at.strftime("%Y-%m-%d %H:%M") if last else "?"
    raise StaleVersion(
        _(
            "%(subject)s was changed by %(who)s at %(when)s (%(action)s) after you opened "
            "it: you had version %(expected)s, it is now version %(version)s; reload it and "
            "try again"
        ) % {
            "subject": capfirst(f"{on.label or on.name} {on.key(record)}"), "who": who,
            "when": when, "action": last.type if last else "", "expected": expected_version,
            "version": version,
        }
    )

