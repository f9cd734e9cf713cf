"""Publishing: messages in the caller's transaction, one per interested subscriber, once."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from retour import bulk, clock
from retour.env import ConfigurationError
from retour.outbox.models import Message
from retour.outbox.publish import message_key, publish
from retour.outbox.subscribers import Subscriber, subscribe, subscribers
from retour.outbox.tests.conftest import OCCURRED, event

pytestmark = pytest.mark.django_db


def _ignore(message: Message) -> None:
    """A subscriber that accepts everything."""


def test_a_message_per_interested_subscriber_with_the_event():
    subscribe(Subscriber(name="sis", deliver=_ignore))
    subscribe(Subscriber(name="ees", deliver=_ignore, event_types=frozenset({"entry_ban"})))
    assert publish(event("case:a", 3, "case_opened", number="NL-1")) == 1
    assert publish(event("case:a", 4, "entry_ban")) == 2
    message = Message.objects.get(subscriber="sis", sequence=3)
    assert (message.event_type, message.event_version, message.stream) == (
        "case_opened", 1, "case:a")
    assert (message.member_state, message.occurred_at, message.payload) == (
        "NL", OCCURRED, {"number": "NL-1"})
    assert (message.status, message.attempts, message.next_attempt_at) == (
        Message.Status.PENDING, 0, message.created_at)
    assert message.key == message_key("sis", "case:a", 3)
    assert sorted(Message.objects.filter(sequence=4).values_list("subscriber", flat=True)) == [
        "ees", "sis"]


def test_no_subscriber_no_message_and_no_query():
    with CaptureQueriesContext(connection) as queries:
        assert publish(event()) == 0
    assert len(queries) == 0


def test_a_rolled_back_action_leaves_no_message():
    subscribe(Subscriber(name="sis", deliver=_ignore))
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(event())
        raise RuntimeError("the action was refused after its event")
    assert not Message.objects.exists()


def test_publishing_twice_makes_one_message():
    subscribe(Subscriber(name="sis", deliver=_ignore))
    assert publish(event("case:a", 1)) == 1
    with transaction.atomic():  # the action's transaction is not broken by the duplicate
        assert publish(event("case:a", 1)) == 0
        assert publish(event("case:a", 2)) == 1
    assert Message.objects.count() == 2


def test_the_key_depends_on_subscriber_stream_and_sequence_only():
    key = message_key("sis", "case:a", 1)
    assert key == message_key("sis", "case:a", 1)
    assert len({key, message_key("ees", "case:a", 1), message_key("sis", "case:b", 1),
                message_key("sis", "case:a", 2)}) == 4
    # A fixed value: a key must not change between releases, or peers would apply twice.
    assert str(key) == "fd04f8d9-71a1-5d30-93b6-5afacd7fe6b7"


def test_the_database_refuses_a_second_message_with_the_same_key():
    subscribe(Subscriber(name="sis", deliver=_ignore))
    publish(event())
    copy = Message.objects.get()
    copy.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_in_a_bulk_session_messages_are_written_at_its_end_in_one_statement():
    subscribe(Subscriber(name="sis", deliver=_ignore))
    subscribe(Subscriber(name="ees", deliver=_ignore))
    with CaptureQueriesContext(connection) as queries, bulk.bulk_session():
        for case in range(20):
            for sequence in (1, 2, 3):
                assert publish(event(f"case:{case}", sequence)) == 2
        assert publish(event("case:0", 1)) == 0  # a duplicate inside the session
        during = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in during if "outbox_message" in sql], during
    writes = [q["sql"] for q in queries.captured_queries if "outbox_message" in q["sql"]]
    assert len(writes) == 1, writes
    assert Message.objects.count() == 120


def test_a_bulk_session_that_fails_writes_no_message():
    subscribe(Subscriber(name="sis", deliver=_ignore))
    with pytest.raises(KeyError), bulk.bulk_session():
        publish(event())
        raise KeyError("stop")
    assert not Message.objects.exists()


def test_a_bulk_session_leaves_out_messages_written_before_it():
    subscribe(Subscriber(name="sis", deliver=_ignore))
    publish(event("case:a", 1))
    with bulk.bulk_session():
        publish(event("case:a", 1))
        publish(event("case:a", 2))
    assert sorted(Message.objects.values_list("sequence", flat=True)) == [1, 2]


def test_messages_are_stamped_with_the_clock():
    subscribe(Subscriber(name="sis", deliver=_ignore))
    with clock.frozen_at(OCCURRED):
        publish(event())
    assert Message.objects.get().created_at == OCCURRED


# Registration by configuration (RETOUR_OUTBOX_SUBSCRIBERS).

SIS = Subscriber(name="configured", deliver=_ignore)
NOT_A_SUBSCRIBER = "configured"


def _ready() -> None:
    apps.get_app_config("outbox").ready()


def test_subscribers_named_in_the_environment_are_registered(monkeypatch):
    monkeypatch.setenv("RETOUR_OUTBOX_SUBSCRIBERS",
                       f" {__name__}.SIS, retour.outbox.tests.applying.SUBSCRIBER ")
    _ready()
    assert [s.name for s in subscribers()] == ["applying", "configured"]


@pytest.mark.parametrize(("value", "message"), [
    ("retour.outbox.tests.nowhere.SIS", "cannot import 'retour.outbox.tests.nowhere.SIS'"),
    (f"{__name__}.MISSING", f"cannot import '{__name__}.MISSING'"),
    (f"{__name__}.NOT_A_SUBSCRIBER", "is a str, not a retour.outbox.subscribers.Subscriber"),
])
def test_a_bad_subscriber_in_the_environment_stops_the_process(monkeypatch, value, message):
    monkeypatch.setenv("RETOUR_OUTBOX_SUBSCRIBERS", value)
    with pytest.raises(ConfigurationError, match=r"^RETOUR_OUTBOX_SUBSCRIBERS: ") as raised:
        _ready()
    assert message in str(raised.value)


@pytest.mark.parametrize("name", ["", "SIS", "s i s", "-sis", "a" * 51, "sis:2"])
def test_a_subscriber_name_is_a_slug(name):
    with pytest.raises(ValueError, match="subscriber name"):
        Subscriber(name=name, deliver=_ignore)


def test_registering_a_name_again_replaces_the_subscriber():
    subscribe(Subscriber(name="sis", deliver=_ignore, description="old"))
    subscribe(Subscriber(name="sis", deliver=_ignore, description="new"))
    assert [s.description for s in subscribers()] == ["new"]
