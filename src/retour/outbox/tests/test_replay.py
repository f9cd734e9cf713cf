"""Replaying and skipping dead letters: only dead letters, only by administrators, logged."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retour import clock
from retour.audit.log import verify_chain
from retour.audit.models import AccessLogEntry
from retour.errors import PermissionRefused
from retour.outbox import replay
from retour.outbox.models import Message
from retour.outbox.publish import publish
from retour.outbox.tests.conftest import OCCURRED, event
from retour.outbox.worker import Worker

pytestmark = pytest.mark.django_db

LATER = OCCURRED + timedelta(days=1)


@pytest.fixture
def dead(recorder):
    """Dead letters of "peer" for case:a#1 and case:b#1; case:a#2 waits behind the first."""
    with clock.frozen_at(OCCURRED):
        for stream, sequence in (("case:a", 1), ("case:a", 2), ("case:b", 1), ("case:c", 1)):
            publish(event(stream, sequence))
    Message.objects.filter(sequence=1).exclude(stream="case:c").update(
        status=Message.Status.DEAD, attempts=8, failure=Message.Failure.ERROR,
        last_error="ConnectionError: refused")
    return {m.stream + f"#{m.sequence}": m for m in Message.objects.all()}


def test_replay_makes_a_dead_letter_due_again_and_logs_it(ada, dead, recorder):
    with clock.frozen_at(LATER):
        assert replay.replay([dead["case:a#1"].pk, dead["case:c#1"].pk], ada) == 1
    replayed = Message.objects.get(pk=dead["case:a#1"].pk)
    assert (replayed.status, replayed.attempts, replayed.next_attempt_at) == (
        Message.Status.PENDING, 0, LATER)
    assert replayed.last_error == "ConnectionError: refused"  # until the next attempt
    entry = AccessLogEntry.objects.get()
    assert (entry.username, entry.operation, entry.object_type, entry.object_ids,
            entry.channel) == ("ada", "write", "outbox_message", [str(replayed.pk)], "web")
    assert entry.reason == replay.REPLAY_REASON
    assert verify_chain() is None
    # Delivered in order: the replayed message, then the one that waited behind it.
    with clock.frozen_at(LATER):
        Worker().run(once=True)
    assert [r for r in recorder.received if r[0] == "case:a"] == [("case:a", 1), ("case:a", 2)]
    assert Message.objects.get(pk=dead["case:b#1"].pk).status == Message.Status.DEAD


def test_replay_dead_replays_every_dead_letter_of_the_subscriber(ada, dead):
    assert replay.replay_dead("peer", ada, channel="cli") == 2
    assert not Message.objects.filter(status=Message.Status.DEAD).exists()
    entry = AccessLogEntry.objects.get()
    assert sorted(entry.object_ids) == sorted(
        str(dead[k].pk) for k in ("case:a#1", "case:b#1"))
    assert entry.channel == "cli"


def test_replaying_nothing_writes_no_log_entry(ada, dead):
    assert replay.replay([dead["case:c#1"].pk], ada) == 0
    assert replay.replay_dead("nobody", ada) == 0
    assert not AccessLogEntry.objects.exists()


def test_skip_gives_up_a_dead_letter_and_frees_its_stream(ada, dead, recorder):
    assert replay.skip([dead["case:a#1"].pk], ada) == 1
    assert Message.objects.get(pk=dead["case:a#1"].pk).status == Message.Status.SKIPPED
    assert AccessLogEntry.objects.get().reason == replay.SKIP_REASON
    with clock.frozen_at(LATER):
        Worker().run(once=True)
    assert ("case:a", 2) in recorder.received and ("case:a", 1) not in recorder.received
    assert replay.replay([dead["case:a#1"].pk], ada) == 0  # skipped is final


@pytest.mark.parametrize("persona", ["anna", "ruud", "tom"])
def test_only_an_administrator_replays_or_skips(request, persona, dead):
    user = request.getfixturevalue(persona)
    for change in (replay.replay, replay.skip):
        with pytest.raises(PermissionRefused):
            change([dead["case:a#1"].pk], user)
    with pytest.raises(PermissionRefused):
        replay.replay_dead("peer", user)
    assert Message.objects.filter(status=Message.Status.DEAD).count() == 2
    assert not AccessLogEntry.objects.exists()
