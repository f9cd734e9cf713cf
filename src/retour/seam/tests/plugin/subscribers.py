from typing import Any

from retour.outbox.subscribers import Subscriber, subscribe

# What the feed received, by idempotency key: a delivery made twice is applied once.
RECEIVED: dict[str, dict[str, Any]] = {}


def _deliver(message: Any) -> None:
    RECEIVED.setdefault(str(message.key), dict(message.payload))


subscribe(Subscriber(
    "welfare-feed", _deliver, frozenset({"record_welfare_visit"}),
    description="Welfare visits, to the welfare service",
))
