"""The worker: order per stream, back-off, dead letters, time limits, leases, stopping."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection

from retour import clock
from retour.outbox.models import Message
from retour.outbox.publish import publish
from retour.outbox.subscribers import Subscriber, subscribe
from retour.outbox.tests import applying
from retour.outbox.tests.conftest import OCCURRED, Recorder, event
from retour.outbox.worker import DeliveryTimedOut, Worker, backoff, time_limit

pytestmark = pytest.mark.django_db

START = OCCURRED


@contextmanager
def at(seconds: float) -> Iterator[None]:
    with clock.frozen_at(START + timedelta(seconds=seconds)):
        yield


def drain(seconds: float = 0, **options: object) -> Worker:
    """A worker that delivers what is due ``seconds`` after the start, then stops."""
    worker = Worker(**options)  # type: ignore[arg-type]
    with at(seconds):
        worker.run(once=True)
    return worker


def published(*where: tuple[str, int]) -> None:
    with at(0):
        for stream, sequence in where:
            publish(event(stream, sequence))


def message(stream: str, sequence: int, subscriber: str = "peer") -> Message:
    return Message.objects.get(subscriber=subscriber, stream=stream, sequence=sequence)


def test_messages_of_a_stream_are_delivered_in_sequence_order(recorder):
    # Written out of order, as two actions on the same case could commit.
    published(("case:a", 2), ("case:b", 1), ("case:a", 1), ("case:a", 3))
    worker = drain(0)
    received_a = [sequence for stream, sequence in recorder.received if stream == "case:a"]
    assert received_a == [1, 2, 3]
    assert sorted(recorder.received) == [("case:a", 1), ("case:a", 2), ("case:a", 3),
                                         ("case:b", 1)]
    assert worker.tally.delivered == 4
    delivered = message("case:a", 2)
    assert (delivered.status, delivered.delivered_at, delivered.lease_owner,
            delivered.leased_until) == (Message.Status.DELIVERED, START, "", None)


def test_a_subscriber_that_fails_then_succeeds(recorder):
    recorder.failures = {("case:a", 1): 1}
    published(("case:a", 1), ("case:a", 2), ("case:b", 1), ("case:b", 2))
    drain(0)
    # The failing message holds back its case, not the others.
    assert recorder.received == [("case:a", 1), ("case:b", 1), ("case:b", 2)]
    failed = message("case:a", 1)
    assert (failed.status, failed.attempts, failed.failure) == (
        Message.Status.PENDING, 1, Message.Failure.ERROR)
    assert failed.last_error == "ConnectionError: peer refused case:a#1"
    assert failed.next_attempt_at == START + timedelta(seconds=2)
    assert failed.lease_owner == "" and failed.leased_until is None

    drain(1.9)  # not due yet
    assert len(recorder.received) == 3
    drain(2)
    assert recorder.received[3:] == [("case:a", 1), ("case:a", 2)]
    assert set(Message.objects.values_list("status", flat=True)) == {Message.Status.DELIVERED}
    assert message("case:a", 1).attempts == 1  # the record of what it took stays


def test_backoff_doubles_from_two_seconds_up_to_an_hour():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 10, 11, 12, 13, 100)] == [
        2, 4, 8, 1024, 2048, 3600, 3600, 3600]


def test_failed_attempts_wait_longer_each_time_then_make_a_dead_letter():
    subscribe(Subscriber(name="peer", deliver=Recorder({("case:a", 1): 99}), max_attempts=4))
    published(("case:a", 1), ("case:a", 2), ("case:b", 1))
    waits, now = [], 0.0
    for _ in range(4):
        drain(now)
        failed = message("case:a", 1)
        if failed.status == Message.Status.DEAD:
            break
        waits.append((failed.next_attempt_at - START).total_seconds() - now)
        now = (failed.next_attempt_at - START).total_seconds()
    assert waits == [2, 4, 8]
    dead = message("case:a", 1)
    assert (dead.status, dead.attempts, dead.failure) == (
        Message.Status.DEAD, 4, Message.Failure.ERROR)
    assert "peer refused" in dead.last_error
    # The dead letter holds back its stream, however long one waits; other streams went on.
    drain(now + 86_400)
    assert message("case:a", 2).status == Message.Status.PENDING
    assert message("case:b", 1).status == Message.Status.DELIVERED


def test_a_delivery_that_hangs_is_cut_off_and_the_worker_goes_on():
    def hang(message: Message) -> None:
        if message.stream == "case:a":
            try:
                time.sleep(10)
            except Exception:  # a subscriber that swallows errors cannot swallow the limit
                time.sleep(10)

    subscribe(Subscriber(name="peer", deliver=hang, timeout_seconds=0.3))
    published(("case:a", 1), ("case:b", 1))
    started = time.monotonic()
    worker = drain(0)
    assert time.monotonic() - started < 3
    hung = message("case:a", 1)
    assert (hung.status, hung.attempts, hung.failure, hung.last_error) == (
        Message.Status.PENDING, 1, Message.Failure.TIMEOUT, "no answer within 0.3 s")
    assert message("case:b", 1).status == Message.Status.DELIVERED
    assert (worker.tally.delivered, worker.tally.failed) == (1, 1)


def test_the_time_limit_needs_the_main_thread():
    outcome: list[str] = []

    def elsewhere() -> None:
        with time_limit(0.05):
            time.sleep(0.2)
        outcome.append("finished")

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert outcome == ["finished"]
    with pytest.raises(DeliveryTimedOut), time_limit(0.05):
        time.sleep(1)


def test_a_message_delivered_twice_is_applied_once(tmp_path: Path, monkeypatch):
    """The peer applied the message, but its answer was lost: the worker delivers again."""
    monkeypatch.setenv(applying.FOLDER, str(tmp_path))
    answers_lost = [1]

    def apply_then_lose_the_answer(message: Message) -> None:
        applying.apply(message)
        if answers_lost.pop() if answers_lost else 0:
            raise TimeoutError("the answer was lost on the way back")

    subscribe(Subscriber(name="peer", deliver=apply_then_lose_the_answer))
    published(("case:a", 1))
    drain(0)
    drain(2)
    assert len(applying.read(tmp_path / "deliveries.jsonl")) == 2
    assert [r["sequence"] for r in applying.read(tmp_path / "applied.jsonl")] == [1]
    assert message("case:a", 1).status == Message.Status.DELIVERED


def test_a_lease_that_ran_out_counts_as_an_attempt_and_the_message_is_delivered(recorder):
    published(("case:a", 1), ("case:b", 1))
    Message.objects.filter(stream="case:a").update(
        lease_owner="host:1:gone", leased_until=START + timedelta(seconds=60))
    drain(30)  # the lease holds: another worker leaves the message alone
    assert recorder.received == [("case:b", 1)]
    drain(60)
    assert recorder.received[1:] == [("case:a", 1)]
    delivered = message("case:a", 1)
    assert (delivered.status, delivered.attempts, delivered.failure) == (
        Message.Status.DELIVERED, 1, Message.Failure.ABANDONED)
    assert delivered.last_error == "lease of worker host:1:gone ran out"


def test_a_message_that_brings_every_worker_down_ends_as_a_dead_letter(recorder):
    published(("case:a", 1))
    Message.objects.update(lease_owner="host:1:gone", leased_until=START, attempts=7)
    worker = drain(0)
    assert recorder.received == []
    dead = message("case:a", 1)
    assert (dead.status, dead.attempts, dead.failure, dead.lease_owner) == (
        Message.Status.DEAD, 8, Message.Failure.ABANDONED, "")
    assert (worker.tally.failed, worker.tally.dead) == (1, 1)


def test_a_result_is_recorded_only_while_the_worker_holds_the_lease():
    def lose_the_lease(message: Message) -> None:
        # Meanwhile the lease ran out and another worker claimed the message.
        Message.objects.filter(pk=message.pk).update(lease_owner="host:2:other")

    subscribe(Subscriber(name="peer", deliver=lose_the_lease))
    published(("case:a", 1))
    worker = drain(0)
    taken = message("case:a", 1)
    assert (taken.status, taken.lease_owner) == (Message.Status.PENDING, "host:2:other")
    assert worker.tally.delivered == 0


def test_a_stopped_worker_finishes_its_delivery_and_gives_back_the_rest(recorder):
    published(("case:a", 1), ("case:b", 1), ("case:c", 1))
    worker = Worker()
    recorder.act = lambda message: worker.stop()
    with at(0):
        worker.run(once=False)
    assert recorder.received == [("case:a", 1)]
    assert message("case:a", 1).status == Message.Status.DELIVERED
    for stream in ("case:b", "case:c"):
        rest = message(stream, 1)
        assert (rest.status, rest.lease_owner, rest.leased_until) == (
            Message.Status.PENDING, "", None)


def test_a_worker_delivers_for_the_subscribers_named_only(recorder):
    other = Recorder()
    subscribe(Subscriber(name="other", deliver=other))
    published(("case:a", 1))
    drain(0, names=["peer"], batch=1)
    assert recorder.received == [("case:a", 1)] and other.received == []
    assert message("case:a", 1, "other").status == Message.Status.PENDING


def test_a_batch_is_claimed_at_a_time(recorder):
    published(*((f"case:{n}", 1) for n in range(5)))
    worker = Worker(batch=2)
    with at(0):
        assert worker.run_once() == 2
        assert worker.run_once() == 2
        assert worker.run_once() == 1
        assert worker.run_once() == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_deliver_each_message_once_in_order():
    received: list[tuple[str, int]] = []
    lock = threading.Lock()
    # Each worker's first delivery waits for the other's: both hold a claim at once.
    both_delivering = threading.Barrier(2, timeout=10)
    started: set[int] = set()

    def record(message: Message) -> None:
        if threading.get_ident() not in started:
            started.add(threading.get_ident())
            both_delivering.wait()
        with lock:
            received.append((message.stream, message.sequence))

    subscribe(Subscriber(name="peer", deliver=record))
    for sequence in range(1, 6):
        for case in range(8):
            publish(event(f"case:{case}", sequence))

    def run(worker: Worker) -> None:
        try:
            worker.run(once=True)
        finally:
            connection.close()  # each thread has its own

    workers = [Worker(batch=3) for _ in range(2)]
    threads = [threading.Thread(target=run, args=[w]) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not both_delivering.broken, "both workers held a claim at the same time"
    assert sorted(received) == sorted({(f"case:{c}", s) for c in range(8) for s in range(1, 6)})
    for case in range(8):
        assert [s for stream, s in received if stream == f"case:{case}"] == [1, 2, 3, 4, 5]
