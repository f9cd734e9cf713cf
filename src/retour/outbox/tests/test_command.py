"""`retour worker`: its options, and what it says when it starts and stops."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from retour.outbox.models import Message
from retour.outbox.publish import publish
from retour.outbox.subscribers import Subscriber, subscribe
from retour.outbox.tests.conftest import Recorder, event

pytestmark = pytest.mark.django_db


def _worker(*arguments: str) -> str:
    out = io.StringIO()
    call_command("worker", *arguments, stdout=out)
    return out.getvalue()


def test_once_delivers_what_is_due_and_exits(recorder):
    publish(event("case:a", 1))
    publish(event("case:a", 2))
    output = _worker("--once", "--batch", "1")
    assert recorder.received == [("case:a", 1), ("case:a", 2)]
    assert "delivering for: peer" in output
    assert "stopped: 2 delivered, 0 failed attempts, 0 dead letters" in output


def test_only_the_subscribers_named(recorder):
    other = Recorder()
    subscribe(Subscriber(name="other", deliver=other))
    publish(event())
    output = _worker("--once", "--subscriber", "other")
    assert other.received == [("case:a", 1)] and recorder.received == []
    assert "delivering for: other" in output
    assert Message.objects.get(subscriber="peer").status == Message.Status.PENDING


def test_an_unknown_subscriber_is_refused_with_the_registered_ones(recorder):
    with pytest.raises(CommandError, match=r"--subscriber: not registered: sis \(registered: "
                                           r"peer\)"):
        _worker("--once", "--subscriber", "sis", "--subscriber", "peer")


def test_without_subscribers_the_worker_runs_and_says_so():
    assert "delivering for: no subscriber" in _worker("--once")


@pytest.mark.parametrize("arguments", [("--poll", "0"), ("--poll", "soon"), ("--batch", "0"),
                                       ("--batch", "1.5")])
def test_poll_and_batch_must_be_positive(arguments):
    with pytest.raises(CommandError, match=arguments[0]):
        _worker("--once", *arguments)
