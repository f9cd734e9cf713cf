"""A subscriber for the worker tests that applies each message once, as a real subscriber
applies it to its own system keyed by ``message.key``; the "system" is a JSON-lines file in
the folder named by ``RETOUR_OUTBOX_TEST_DIR``. It can be told to block on one message, before
or after applying it, so that a test can kill the worker in the middle of a delivery.

Named in ``RETOUR_OUTBOX_SUBSCRIBERS`` for a worker run as a child process
(``retour.outbox.tests.applying.SUBSCRIBER``).

Files in the folder: ``deliveries.jsonl`` (every delivery, applied or not), ``applied.jsonl``
(each message once), ``block.json`` ({"stream", "sequence", "when": "before" | "after"}),
``blocked`` (written by the subscriber when it blocks) and ``release`` (written by the test to
let it go on).
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from pathlib import Path
from typing import Any

from retour.outbox.models import Message
from retour.outbox.subscribers import Subscriber

FOLDER = "RETOUR_OUTBOX_TEST_DIR"


def _append(path: Path, record: dict[str, Any]) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(json.dumps(record) + "\n")
        file.flush()
        os.fsync(file.fileno())


def read(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _wait_for_release(folder: Path) -> None:
    _append(folder / "blocked", {"pid": os.getpid()})
    deadline = time.monotonic() + 60  # a test that forgot to release must not hang forever
    while not (folder / "release").exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def apply(message: Message) -> None:
    folder = Path(os.environ[FOLDER])
    record = {"key": str(message.key), "stream": message.stream, "sequence": message.sequence}
    _append(folder / "deliveries.jsonl", {**record, "pid": os.getpid()})
    block = json.loads((folder / "block.json").read_text()) if (
        folder / "block.json").exists() else {}
    blocking = (block.get("stream"), block.get("sequence")) == (message.stream,
                                                                 message.sequence)
    if blocking and block["when"] == "before":
        _wait_for_release(folder)
    with (folder / "applied.jsonl").open("a+", encoding="utf-8") as applied:
        # One transaction of the "system": look the key up and write it, under a lock.
        fcntl.flock(applied, fcntl.LOCK_EX)
        applied.seek(0)
        if all(json.loads(line)["key"] != record["key"] for line in applied if line.strip()):
            applied.write(json.dumps(record) + "\n")
            applied.flush()
            os.fsync(applied.fileno())
    if blocking and block["when"] == "after":
        _wait_for_release(folder)


SUBSCRIBER = Subscriber(
    name="applying", deliver=apply, description="Applies messages to a file (tests)",
    max_attempts=3,
)
