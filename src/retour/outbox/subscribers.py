"""Who receives the outbox's messages: a registry of subscribers by name.

An app registers its subscriber when it is imported (``subscribe(Subscriber(...))``); a
separate process can add subscribers by configuration (``RETOUR_OUTBOX_SUBSCRIBERS``, read in
``OutboxConfig.ready``). Publishing writes one message per interested subscriber, so every
process that runs actions must have the same subscribers registered as the workers that
deliver them: a subscriber registered only in a worker receives nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from retour.outbox.models import Message

# Stored on every message and used in addresses of the outbox page: lower-case, no spaces.
NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,49}")


@dataclass(frozen=True)
class Subscriber:
    """A receiver of case events, such as an adapter to SIS or a notifier.

    ``deliver`` raises to fail; it may be called more than once for the same message (a worker
    that stopped during a delivery, a lost acknowledgement), so it must apply each
    ``message.key`` only once. The exception's text is kept on the message and shown to
    administrators, who see no personal data: it must not quote the payload."""

    name: str
    deliver: Callable[[Message], None]
    event_types: frozenset[str] | None = None  # None: every event type
    description: Any = ""  # plain words, marked for translation
    max_attempts: int = 8  # failed attempts before the message becomes a dead letter
    timeout_seconds: float = 30.0  # a delivery that takes longer fails

    def __post_init__(self) -> None:
        if not NAME.fullmatch(self.name):
            raise ValueError(
                f"subscriber name {self.name!r}: use 1 to 50 lower-case letters, digits, "
                "'-' or '_', starting with a letter or digit"
            )
        if self.max_attempts < 1:
            raise ValueError(f"subscriber {self.name}: max_attempts must be at least 1")
        if self.timeout_seconds <= 0:
            raise ValueError(f"subscriber {self.name}: timeout_seconds must be positive")

    def wants(self, event_type: str) -> bool:
        return self.event_types is None or event_type in self.event_types


_registry: dict[str, Subscriber] = {}


def subscribe(subscriber: Subscriber) -> Subscriber:
    """Register ``subscriber``; one registered under the same name before is replaced (an app
    imported twice, or a test that swaps in its own)."""
    _registry[subscriber.name] = subscriber
    return subscriber


def unsubscribe(name: str) -> None:
    """Forget the subscriber ``name``; its messages stay in the outbox."""
    _registry.pop(name, None)


def subscribers() -> list[Subscriber]:
    """The registered subscribers, by name."""
    return [_registry[name] for name in sorted(_registry)]


def subscriber(name: str) -> Subscriber | None:
    return _registry.get(name)
