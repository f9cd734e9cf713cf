"""Fixtures for the outbox tests: a registry of subscribers of the test's own, and events."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from retour.accounts.models import User
from retour.outbox import subscribers as registry
from retour.outbox.models import Message
from retour.outbox.publish import PublishedEvent
from retour.outbox.subscribers import Subscriber, subscribe

OCCURRED = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def pytest_configure(config: Any) -> None:
    config.addinivalue_line(
        "markers", "subprocess: runs `retour worker` as a child process (seconds, not ms)"
    )


@pytest.fixture(autouse=True)
def own_subscribers() -> Iterator[None]:
    """Each test starts with no subscriber registered and leaves the registry as it was, so
    the subscribers of installed apps neither receive nor count the test's messages."""
    saved = dict(registry._registry)
    registry._registry.clear()
    try:
        yield
    finally:
        registry._registry.clear()
        registry._registry.update(saved)


def event(stream: str = "case:a", sequence: int = 1, type: str = "case_opened",
          **payload: Any) -> PublishedEvent:
    return PublishedEvent(
        type=type, version=1, stream=stream, sequence=sequence, occurred_at=OCCURRED,
        member_state="NL", payload=payload,
    )


class Recorder:
    """A subscriber's delivery function that records what it received and can be told to
    fail: ``failures[(stream, sequence)]`` failed attempts before it succeeds."""

    def __init__(self, failures: dict[tuple[str, int], int] | None = None,
                 act: Callable[[Message], None] | None = None) -> None:
        self.failures = dict(failures or {})
        self.received: list[tuple[str, int]] = []
        self.act = act

    def __call__(self, message: Message) -> None:
        where = (message.stream, message.sequence)
        self.received.append(where)
        if self.act is not None:
            self.act(message)
        if self.failures.get(where, 0) > 0:
            self.failures[where] -= 1
            raise ConnectionError(f"peer refused {message.stream}#{message.sequence}")


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def recorder() -> Recorder:
    """A recording subscriber named "peer", registered for every event type."""
    deliver = Recorder()
    subscribe(Subscriber(name="peer", deliver=deliver, description="The peer system"))
    return deliver
