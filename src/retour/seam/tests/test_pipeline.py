"""The pipeline of actions on subjects other than cases: scope, capability, expected version,
guards, one typed event on the subject's log and the access-log entry, in one transaction;
and the log itself, append-only and scoped like persons.

The pipeline is tried on a subject and an action declared by the test (a person with its
version field, a guard, an event type of its own); the actions the product declares are tried
in ``test_pipeline_actions``."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop

from retour import bulk
from retour.accounts.roles import Capability
from retour.audit.models import AccessLogEntry
from retour.errors import NotVisible, PermissionRefused, StaleVersion, TransitionRefused
from retour.people.models import Person
from retour.seam import actions as seam_actions
from retour.seam import events, pipeline
from retour.seam.events import EventPayloadInvalid, Payload
from retour.seam.models import SubjectEvent
from retour.seam.pipeline import Done, Step
from retour.testing.factories import person_for

pytestmark = pytest.mark.usefixtures("frozen_clock")

CLOSED = "nowhere"  # a place of birth the test's guard refuses


class Touched(Payload):
    note: str


def _closed(person: Any) -> str | None:
    return "the person is closed for the test" if person.place_of_birth == CLOSED else None


@pytest.fixture
def touch(monkeypatch: pytest.MonkeyPatch) -> Any:
    """An action on a subject of the test's own (a person, with its version field); the
    declarations are forgotten after the test."""
    monkeypatch.setattr(events, "_TYPES", dict(events._TYPES))
    monkeypatch.setattr(seam_actions, "_ACTIONS", dict(seam_actions._ACTIONS))
    monkeypatch.setattr(pipeline, "_SUBJECTS", dict(pipeline._SUBJECTS))
    events.declare("person_touched", Touched, label="Person touched")
    pipeline.subject(
        "touched_person", Person, member_state=lambda p: p.member_state_id,
        object_type="person", persons=lambda p: [p.pk], version_field="version",
        label="touched person",
    )
    seam_actions.declare("touched_person", (
        Step("touch_person", gettext_noop("Touch a person"), Capability.REGISTER_PERSON,
             guards=(_closed,), audit="touch person"),
        Step("touch_twice", gettext_noop("Touch twice"), Capability.REGISTER_PERSON),
    ))

    @seam_actions.implements(events=("person_touched",))
    def touch_person(
        user: Any, person_id: Any, *, note: str = "touched", expected_version: int | None = None,
        reason: str = "", channel: str = "", then: Any = None,
    ) -> Person:
        def change(person: Person) -> Done:
            person.place_of_birth = note
            bulk.save(person, "place_of_birth")
            return Done(person, {"note": note}, also=then)

        touched: Person = pipeline.take(user, "touch_person", person_id, change,
                                        expected_version=expected_version, reason=reason,
                                        channel=channel)
        return touched

    return touch_person


def _footprint() -> tuple[int, int, list[Any]]:
    return (SubjectEvent.objects.count(), AccessLogEntry.objects.count(),
            list(Person.objects.order_by("pk").values_list("version", "place_of_birth")))


def test_an_action_writes_its_typed_event_and_its_access_entry(anna, touch):
    person = person_for(anna)
    touched = touch(anna, person.pk, note="Oujda", reason="checked the birth certificate",
                    channel="api")
    assert touched.version == 2 and Person.objects.get(pk=person.pk).version == 2
    event = SubjectEvent.objects.get(subject_kind="touched_person")
    assert (event.subject_key, event.sequence, event.type, event.version, event.payload) == (
        str(person.pk), 2, "person_touched", 1, {"note": "Oujda"})
    assert (event.actor, event.actor_authority, event.member_state, event.reason) == (
        anna, anna.authority, "NL", "checked the birth certificate")
    entry = AccessLogEntry.objects.order_by("-sequence")[0]
    assert (entry.operation, entry.object_type, entry.object_ids, entry.person_ids,
            entry.reason, entry.channel) == (
        "write", "person", [str(person.pk)], [str(person.pk)],
        "checked the birth certificate", "api")
    touch(anna, person.pk)
    assert AccessLogEntry.objects.order_by("-sequence")[0].reason == "touch person"
    assert list(SubjectEvent.objects.filter(subject_kind="touched_person")
                .values_list("sequence", flat=True)) == [2, 3]


def test_another_member_states_subject_is_not_visible_and_nothing_is_written(
    anna, lucas, touch
):
    person = person_for(anna)
    before = _footprint()
    with pytest.raises(NotVisible, match="touched person not found"):
        touch(lucas, person.pk)
    with pytest.raises(NotVisible):
        touch(anna, "not-a-key")
    assert _footprint() == before


@pytest.mark.parametrize("persona", ["ruud", "lotte", "eva", "tom", "ada"])
def test_a_role_without_the_capability_is_refused_and_nothing_is_written(
    anna, request, touch, persona
):
    person = person_for(anna)
    before = _footprint()
    with pytest.raises(PermissionRefused, match="your role does not allow: touch a person"):
        touch(request.getfixturevalue(persona), person.pk)
    assert _footprint() == before


def test_a_stale_version_is_refused_naming_who_changed_the_subject(anna, sanne, touch):
    person = person_for(anna)
    touch(sanne, person.pk, expected_version=1)
    before = _footprint()
    with pytest.raises(StaleVersion) as stale:
        touch(anna, person.pk, expected_version=1)
    message = str(stale.value)
    assert message.startswith(f"Touched person {person.pk} was changed by Sanne Jansen at ")
    assert "(person_touched)" in message
    assert "you had version 1, it is now version 2" in message
    assert _footprint() == before
    assert touch(anna, person.pk, expected_version=2).version == 3


def test_a_guard_refuses_with_its_reason_and_nothing_is_written(anna, touch):
    person = person_for(anna)
    touch(anna, person.pk, note=CLOSED)
    before = _footprint()
    with pytest.raises(TransitionRefused, match="closed for the test"):
        touch(anna, person.pk, note="Oujda")
    assert _footprint() == before


def test_the_event_and_the_access_entry_are_written_and_undone_together(
    anna, touch, monkeypatch
):
    person = person_for(anna)
    before = _footprint()

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the access log is unavailable")

    with monkeypatch.context() as patched:
        patched.setattr(pipeline, "record_access", broken)
        with pytest.raises(RuntimeError):
            touch(anna, person.pk)  # the event was saved before the entry failed
    assert _footprint() == before

    def also_fails(event_type: str, payload: dict[str, Any]) -> None:
        assert SubjectEvent.objects.filter(type=event_type).exists()
        raise RuntimeError("the case could not take the event")

    with pytest.raises(RuntimeError):
        touch(anna, person.pk, then=also_fails)
    assert _footprint() == before
    with transaction.atomic():
        touch(anna, person.pk)
        assert SubjectEvent.objects.count() == before[0] + 1
        assert AccessLogEntry.objects.count() == before[1] + 1
        transaction.set_rollback(True)  # the caller's transaction undoes both
    assert _footprint() == before


def test_the_system_needs_no_capability_and_writes_no_access_entry(anna, touch):
    person = person_for(anna)
    entries = AccessLogEntry.objects.count()
    touch(None, person.pk, reason="a deadline passed")
    event = SubjectEvent.objects.get(subject_kind="touched_person")
    assert (event.actor, event.actor_authority, event.member_state) == (None, None, "NL")
    assert AccessLogEntry.objects.count() == entries


def test_in_a_bulk_session_the_events_are_written_when_it_ends(anna, touch):
    person = person_for(anna)
    touch(anna, person.pk)
    with bulk.bulk_session():
        touch(anna, person.pk, note="Fès")
        touch(anna, person.pk, note="Oujda")
        assert SubjectEvent.objects.filter(subject_kind="touched_person").count() == 1
    events_written = SubjectEvent.objects.filter(subject_kind="touched_person")
    assert [(e.sequence, e.payload["note"]) for e in events_written] == [
        (2, "touched"), (3, "Fès"), (4, "Oujda")]
    stored = Person.objects.get(pk=person.pk)
    assert (stored.version, stored.place_of_birth) == (4, "Oujda")


def test_a_failed_action_in_a_bulk_session_leaves_nothing(anna, touch):
    person, closed = person_for(anna), person_for(anna)
    touch(anna, closed.pk, note=CLOSED)
    before = _footprint()
    with pytest.raises(TransitionRefused), bulk.bulk_session():
        touch(anna, person.pk)
        touch(anna, closed.pk)
    assert _footprint() == before


def test_an_action_writes_exactly_one_declared_event_type(anna, touch):
    @seam_actions.implements(name="touch_twice", events=("person_touched", "person_touched"))
    def touch_twice(user: Any, person_id: Any) -> Any:
        return pipeline.take(user, "touch_twice", person_id, lambda p: Done(p, {"note": ""}))

    with pytest.raises(ValueError, match="exactly one event type"):
        touch_twice(anna, person_for(anna).pk)
    with pytest.raises(EventPayloadInvalid, match="person_touched"):
        pipeline.append("touched_person", person_for(anna), "person_touched", {"nite": "x"},
                        user=anna)


def _event(**fields: Any) -> SubjectEvent:
    values: dict[str, Any] = {
        "subject_kind": "person", "subject_key": "k", "sequence": 1, "type": "person_touched",
        "payload": {}, "member_state": "NL", "occurred_at": "2026-03-02T09:00:00Z", **fields}
    return SubjectEvent.objects.create(**values)


def test_the_log_is_append_only(db):
    event = _event()
    event.reason = "rewritten"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        _event()  # the same sequence of the same subject


@pytest.mark.parametrize(("persona", "sees"), [
    ("anna", {"NL"}), ("ruud", {"NL"}), ("lucas", {"BE"}), ("lotte", {"BE"}),
    ("eva", set()), ("tom", set()), ("ada", set()),
])
def test_the_log_is_scoped_to_the_member_state_as_persons_are(db, request, persona, sees):
    for key, member_state in (("nl", "NL"), ("be", "BE"), ("eu", "")):
        _event(subject_key=key, member_state=member_state)
    user = request.getfixturevalue(persona)
    assert set(SubjectEvent.objects.visible_to(user).values_list("member_state", flat=True)) \
        == sees
