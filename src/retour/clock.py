"""The current time, which simulations and tests may set.

Actions stamp events with ``clock.now()``; the seeder replays months of casework by setting
the clock, so synthetic timelines look like real ones.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date, datetime

from django.utils import timezone

_frozen: datetime | None = None


def now() -> datetime:
    return _frozen if _frozen is not None else timezone.now()


def today() -> date:
    return timezone.localdate(now())


@contextlib.contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    global _frozen
    previous, _frozen = _frozen, moment
    try:
        yield
    finally:
        _frozen = previous
