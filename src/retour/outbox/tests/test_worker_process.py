"""`retour worker` as a real child process: killed with SIGKILL in the middle of a delivery,
and stopped with SIGTERM. The subscriber is ``applying``: it applies each message once to a
file, as a real subscriber applies it to its own system by ``message.key``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from retour import clock
from retour.outbox.models import Message
from retour.outbox.publish import publish
from retour.outbox.subscribers import subscribe
from retour.outbox.tests import applying
from retour.outbox.tests.conftest import event
from retour.outbox.worker import LEASE_MARGIN, Worker
from retour.testing.processes import database_url

pytestmark = [pytest.mark.subprocess, pytest.mark.django_db(transaction=True)]

RETOUR = Path(sys.executable).parent / "retour"
STREAMS = ("case:a", "case:b")
SEQUENCES = (1, 2, 3)


def _worker(folder: Path, batch: int) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "retour.settings",
        "RETOUR_SECRET_KEY": "test-secret-not-for-production",
        "RETOUR_DATABASE_URL": database_url(),
        "RETOUR_OUTBOX_SUBSCRIBERS": "retour.outbox.tests.applying.SUBSCRIBER",
        applying.FOLDER: str(folder),
    }
    return subprocess.Popen(
        [str(RETOUR), "worker", "--poll", "0.1", "--batch", str(batch), "-v", "2"],
        env=environment, stdout=(folder / "stdout").open("wb"),
        stderr=(folder / "stderr").open("wb"),
    )


def _wait_until(condition: Any, child: subprocess.Popen[bytes], folder: Path,
                seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            raise AssertionError(
                f"the worker did not get there (exit {child.poll()}):\n"
                + (folder / "stderr").read_text() + (folder / "stdout").read_text())
        time.sleep(0.05)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The applying subscriber's folder, registered here too (publishing needs it), with two
    cases of three events each in the outbox."""
    monkeypatch.setenv(applying.FOLDER, str(tmp_path))
    subscribe(applying.SUBSCRIBER)
    for sequence in SEQUENCES:
        for stream in STREAMS:
            publish(event(stream, sequence))
    return tmp_path


def _block(folder: Path, stream: str, sequence: int, when: str) -> None:
    (folder / "block.json").write_text(
        json.dumps({"stream": stream, "sequence": sequence, "when": when}))


def _applied(folder: Path) -> list[tuple[str, int]]:
    return [(r["stream"], r["sequence"]) for r in applying.read(folder / "applied.jsonl")]


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_worker_killed_mid_delivery_loses_nothing_and_applies_nothing_twice(folder, when):
    _block(folder, "case:a", 2, when)
    child = _worker(folder, batch=1)  # the other case's messages are not in its batch
    _wait_until((folder / "blocked").exists, child, folder)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    stuck = Message.objects.get(stream="case:a", sequence=2)
    assert stuck.status == Message.Status.PENDING and stuck.lease_owner  # the lease remains
    assert stuck.leased_until is not None
    assert ("case:a", 3) not in _applied(folder)  # held back behind the stuck message

    # A second worker while the lease holds: it goes on with the other case only.
    (folder / "block.json").unlink()
    Worker().run(once=True)
    assert [n for s, n in _applied(folder) if s == "case:b"] == list(SEQUENCES)
    assert ("case:a", 3) not in _applied(folder)

    # Once the lease has run out, a worker finishes the work.
    expiry = stuck.leased_until + timedelta(seconds=1)
    assert stuck.leased_until <= clock.now() + timedelta(
        seconds=applying.SUBSCRIBER.timeout_seconds) + LEASE_MARGIN
    with clock.frozen_at(expiry):
        Worker().run(once=True)

    assert set(Message.objects.values_list("status", flat=True)) == {Message.Status.DELIVERED}
    applied = _applied(folder)
    assert sorted(applied) == sorted((s, n) for s in STREAMS for n in SEQUENCES)  # once each
    for stream in STREAMS:
        assert [n for s, n in applied if s == stream] == list(SEQUENCES)  # in order
    deliveries = [(r["stream"], r["sequence"]) for r in applying.read(
        folder / "deliveries.jsonl")]
    assert deliveries.count(("case:a", 2)) == 2  # delivered again after the kill
    redelivered = Message.objects.get(stream="case:a", sequence=2)
    assert (redelivered.attempts, redelivered.failure) == (1, Message.Failure.ABANDONED)


def test_sigterm_stops_the_worker_after_the_delivery_in_progress(folder):
    _block(folder, "case:a", 1, "before")
    child = _worker(folder, batch=2)  # case:a#1 and case:b#1
    _wait_until((folder / "blocked").exists, child, folder)
    child.send_signal(signal.SIGTERM)
    time.sleep(0.3)  # the worker must not give up the delivery in progress
    assert child.poll() is None
    (folder / "release").touch()
    assert child.wait(timeout=15) == 0, (folder / "stderr").read_text()
    assert "stopped: 1 delivered" in (folder / "stdout").read_text()
    assert _applied(folder) == [("case:a", 1)]
    assert Message.objects.get(stream="case:a", sequence=1).status == Message.Status.DELIVERED
    # What it had claimed and not tried is given back at once, not left to a lease.
    rest = Message.objects.exclude(stream="case:a", sequence=1)
    assert set(rest.values_list("status", "lease_owner")) == {(Message.Status.PENDING, "")}
