"""Bulk sessions: many actions in one transaction, written with few statements.

The seeder replays thousands of actions through the one write path. Per action, most of the
time goes into the ORM building statements, not into the database; a bulk session cuts the
statements an action needs without changing what it writes (ADR 0005):

- append-only records (case events, access-log entries) are collected in memory and written
  with a few multi-row inserts when the session ends;
- rows that only the session's actions change (a case's milestone row, the case itself) are
  kept in memory between actions and written back at the end;
- lookups of reference data that cannot change during the session (legal parameters,
  countries) are remembered.

The session runs inside one transaction that it opens itself: everything it collects is
written, or nothing is. An exception inside the session must leave it (the session then
writes nothing and the transaction rolls back); catching an action's refusal inside a session
and going on is not supported, and the session refuses to write if an action failed inside it.
Outside a session, every helper here is a no-op and actions write row by row as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db import transaction

T = TypeVar("T")
Flush = Callable[[list[Any]], None]


class BulkSessionFailed(RuntimeError):
    """An action failed inside a bulk session that then tried to write."""


class BulkSession:
    def __init__(self) -> None:
        self._memo: dict[Hashable, Any] = {}
        # Buffers in the order they were first used, so rows are written before rows that
        # refer to them.
        self._buffers: dict[str, tuple[list[Any], Flush]] = {}
        self.failed = False

    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` the first time ``key`` is asked for, the same value after."""
        if key not in self._memo:
            self._memo[key] = compute()
        value: T = self._memo[key]
        return value

    def forget(self, key: Hashable) -> None:
        self._memo.pop(key, None)

    def collect(self, buffer: str, item: Any, flush: Flush) -> None:
        """Keep ``item`` to be written by ``flush(items)`` when the session ends."""
        self._buffers.setdefault(buffer, ([], flush))[0].append(item)

    def write(self) -> None:
        if self.failed:
            raise BulkSessionFailed(
                "an action failed inside the bulk session: its collected records would be "
                "written without it; nothing was written"
            )
        for items, flush in self._buffers.values():
            flush(items)
        self._buffers.clear()


_current: ContextVar[BulkSession | None] = ContextVar("retour_bulk_session", default=None)


def current() -> BulkSession | None:
    """The bulk session in progress, or None."""
    return _current.get()


@contextmanager
def bulk_session() -> Iterator[BulkSession]:
    """Run the block as one transaction whose append-only writes are batched (see module)."""
    if _current.get() is not None:
        raise RuntimeError("bulk sessions do not nest")
    session = BulkSession()
    token = _current.set(session)
    try:
        with transaction.atomic():
            yield session
            session.write()
    finally:
        _current.reset(token)


@contextmanager
def atomic_action() -> Iterator[None]:
    """The transaction of one action (usable as a decorator): all of it or nothing, and
    inside a bulk session, a failure marks the session failed."""
    try:
        with transaction.atomic():
            yield
    except BaseException:
        session = _current.get()
        if session is not None:
            session.failed = True
        raise


def remembered(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, remembered for the rest of the bulk session if one is in progress."""
    session = _current.get()
    return compute() if session is None else session.remember(key, compute)
