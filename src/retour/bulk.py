"""Bulk sessions: many actions in one transaction, written with few statements.

The seeder replays thousands of actions through the one write path. Per action, most of the
time goes into the ORM building statements, not into the database; a bulk session cuts the
statements an action needs without changing what it writes (ADR 0005):

- append-only records (case events, access-log entries) are collected in memory and written
  with a few multi-row inserts when the session ends;
- rows that only the session's actions change (a case's milestone row, the case itself) are
  kept in memory between actions and written back at the end; persons and cases made in the
  session are inserted at the end;
- lookups of reference data that cannot change during the session (legal parameters,
  countries) are remembered;
- the rows that hang off a case or a person (decisions, deadlines, tasks, hand-overs,
  vulnerabilities, nationalities) are kept per owner: read once (or not at all for an owner
  made in the session), searched in memory, and new or changed rows written at the end, new
  ones with keys the session takes from the table's sequence in blocks.

Code reaches related rows through ``select``, ``add``, ``save`` and ``update`` below, which
read and write the database directly when no session is in progress, so the action functions
are the same in both modes.

The session runs inside one transaction that it opens itself: everything it collects is
written, or nothing is. An exception inside the session must leave it (the session then
writes nothing and the transaction rolls back); catching an action's refusal inside a session
and going on is not supported, and the session refuses to write if an action failed inside it.
Outside a session, every helper here is a no-op and actions write row by row as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db import connection, connections, models, router, transaction

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)
Flush = Callable[[list[Any]], object]

# Keys taken from a table's sequence at a time, and rows per INSERT or UPDATE when a session
# writes what it kept (SQLite allows 32,766 parameters per statement).
KEY_BLOCK = 1000
BATCH = 500


class BulkSessionFailed(RuntimeError):
    """An action failed inside a bulk session that then tried to write."""


class BulkSession:
    def __init__(self) -> None:
        self._memo: dict[Hashable, Any] = {}
        # Buffers in the order they were first used, so rows are written before rows that
        # refer to them.
        self._buffers: dict[str, tuple[list[Any], Flush]] = {}
        # Related rows per (owner model, owner key, relation); objects made in the session,
        # whose relations start empty; rows to insert at the end, which need no update.
        self._related: dict[tuple[str, Any, str], list[Any]] = {}
        self._made: set[tuple[str, Any]] = set()
        self._inserted: set[tuple[str, Any]] = set()
        self._changed: dict[type[models.Model], dict[Any, tuple[Any, set[str]]]] = {}
        self._keys: dict[type[models.Model], Iterator[int]] = {}
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

    def made(self, obj: models.Model) -> None:
        """``obj`` was created in this session: none of its related rows is in the database."""
        self._made.add((obj._meta.label, obj.pk))

    def is_made(self, obj: models.Model) -> bool:
        return (obj._meta.label, obj.pk) in self._made

    def related(self, owner: models.Model, relation: str) -> list[Any]:
        key = (owner._meta.label, owner.pk, relation)
        rows = self._related.get(key)
        if rows is None:
            rows = [] if self.is_made(owner) else list(getattr(owner, relation).all())
            self._related[key] = rows
        return rows

    def new_key(self, model: type[models.Model]) -> int:
        keys = self._keys.get(model)
        if keys is None:
            keys = self._keys[model] = _key_blocks(model)
        return next(keys)

    def insert(self, row: models.Model) -> None:
        self.made(row)
        self._inserted.add((row._meta.label, row.pk))
        model = type(row)
        self.collect(f"insert {model._meta.label}", row, insert_rows)

    def changed(self, row: models.Model, fields: Iterable[str]) -> None:
        if (row._meta.label, row.pk) in self._inserted:
            return  # inserted as it is at the end
        model = type(row)
        if model not in self._changed:
            self.collect(f"update {model._meta.label}", model, lambda _: self._update(model))
            self._changed[model] = {}
        kept = self._changed[model].setdefault(row.pk, (row, set()))
        kept[1].update(fields)

    def _update(self, model: type[models.Model]) -> None:
        by_fields: dict[frozenset[str], list[Any]] = {}
        for row, fields in self._changed.pop(model).values():
            by_fields.setdefault(frozenset(fields), []).append(row)
        for names, rows in by_fields.items():
            model._default_manager.bulk_update(rows, sorted(names), batch_size=BATCH)

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


def _key_blocks(model: type[models.Model]) -> Iterator[int]:
    """Keys for new rows of ``model``, taken from its sequence as the database would.

    PostgreSQL hands out a block from the column's sequence (``nextval``), so other writers
    never get the same keys. SQLite has no sequence to reserve from: the keys follow the
    highest one used (``sqlite_sequence`` remembers keys of deleted rows too). A writer that
    adds rows to the same table before the session ends makes the session's inserts fail and
    the whole session roll back; rows are never mixed up."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = model._meta.pk.column
    if connection.vendor == "postgresql":
        while True:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [table, column, KEY_BLOCK],
                )
                block = [key for (key,) in cursor.fetchall()]
            yield from block
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(column)}) FROM {table}")  # noqa: S608
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s",
                       [model._meta.db_table])
        used = cursor.fetchone()
    key = max(highest, used[0] if used else 0)
    while True:
        key += 1
        yield key


def _has_sequence(model: type[models.Model]) -> bool:
    return model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField")


def insert_rows(rows: list[Any]) -> None:
    """Insert new ``rows`` of one model: one prepared statement executed for every row
    (``executemany``). For thousands of rows this costs a fraction of ``bulk_create``, which
    compiles a statement with a placeholder per value; values are prepared by each field as
    ``save`` prepares them. Rows without a key get one from the table's sequence."""
    if not rows:
        return
    model = type(rows[0])
    meta = model._meta
    if _has_sequence(model) and any(row.pk is None for row in rows):
        keys = _key_blocks(model)
        for row in rows:
            if row.pk is None:
                row.pk = next(keys)
    fields = meta.local_concrete_fields
    # The connection itself, not the proxy ``connection``: a value is prepared 10^5–10^6 times
    # and the proxy looks the connection up at each attribute.
    database = connections[router.db_for_write(model)]
    quote = database.ops.quote_name
    statement = (
        f"INSERT INTO {quote(meta.db_table)} "  # noqa: S608 (names from the model's _meta)
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    values = [
        [field.get_db_prep_save(field.pre_save(row, True), database) for field in fields]
        for row in rows
    ]
    with database.cursor() as cursor:
        cursor.executemany(statement, values)
    for row in rows:  # as after ``save``: in the database now, a later save updates it
        row._state.adding = False
        row._state.db = database.alias


@contextmanager
def atomic_action() -> Iterator[None]:
    """The transaction of one action (usable as a decorator): all of it or nothing, and
    inside a bulk session, a failure marks the session failed.

    In a session no savepoint is made: a failed action fails the whole session anyway, and
    two statements per action are worth saving there."""
    try:
        with transaction.atomic(savepoint=_current.get() is None):
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


# Reading: a block that only reads (a page) keeps the related rows ``select`` reads.

_read: ContextVar[dict[tuple[str, Any, str], list[Any]] | None] = ContextVar(
    "retour_bulk_read", default=None
)


@contextmanager
def reading() -> Iterator[None]:
    """Run a block that reads (a page): outside a session, ``select`` reads the rows of each
    owner's relation once and searches them in memory after, as a session does. The guards
    of every step a case page weighs ask for the same few relations again and again (the
    decisions in force, the person's vulnerabilities, an open detention). A relation
    ``prefetch_related`` fetched is taken as fetched. A write through this module forgets
    what was read; in a session, or inside another ``reading``, this does nothing."""
    if _current.get() is not None or _read.get() is not None:
        yield
        return
    token = _read.set({})
    try:
        yield
    finally:
        _read.reset(token)


def _forget_read() -> None:
    kept = _read.get()
    if kept is not None:
        kept.clear()


def _in_memory(key: str) -> bool:
    """Whether ``_matches`` answers this criterion."""
    return key.partition("__")[2] in ("", "in", "isnull")


# Related rows: the same calls in and out of a session.


def _attname(row: models.Model, name: str) -> str:
    """The attribute holding field ``name``'s value (``case_id`` for ``case``)."""
    field = row._meta.get_field(name)
    return getattr(field, "attname", name)


def _matches(row: models.Model, criteria: dict[str, Any]) -> bool:
    """``row`` satisfies ``criteria`` written as for ``QuerySet.filter``: exact values,
    ``__in`` and ``__isnull`` (the lookups the actions use)."""
    for key, wanted in criteria.items():
        name, _, lookup = key.partition("__")
        value = row.pk if name == "pk" else getattr(row, _attname(row, name))
        if lookup == "":
            ok = value == (wanted.pk if isinstance(wanted, models.Model) else wanted)
        elif lookup == "in":
            ok = value in {w.pk if isinstance(w, models.Model) else w for w in wanted}
        elif lookup == "isnull":
            ok = (value is None) == wanted
        else:
            raise ValueError(f"lookup {key!r} is not supported on kept rows")
        if not ok:
            return False
    return True


def select(owner: models.Model, relation: str, **criteria: Any) -> list[Any]:
    """The rows of ``owner.<relation>`` that match ``criteria``, in no particular order."""
    session = _current.get()
    if session is None:
        kept = _read.get()
        if kept is not None and all(_in_memory(key) for key in criteria):
            key = (owner._meta.label, owner.pk, relation)
            if key not in kept:
                kept[key] = list(getattr(owner, relation).all())
            return [row for row in kept[key] if _matches(row, criteria)]
        manager = getattr(owner, relation)
        # ``all()`` keeps what ``prefetch_related`` fetched; ``filter()`` would query again.
        return list(manager.filter(**criteria) if criteria else manager.all())
    return [row for row in session.related(owner, relation) if _matches(row, criteria)]


def add(owner: models.Model, relation: str, row: M) -> M:
    """Save a new row of ``owner.<relation>``; in a session, keep it and insert it at the end
    (it gets its key now, so events and other rows can refer to it)."""
    session = _current.get()
    if session is None:
        _forget_read()
        row.save()
        return row
    if _has_sequence(type(row)):
        row.pk = session.new_key(type(row))
    session.insert(row)
    session.related(owner, relation).append(row)
    return row


def add_all(owner: models.Model, relation: str, rows: Iterable[M]) -> None:
    """``add`` for several rows; without a session, one multi-row insert."""
    if _current.get() is None:
        _forget_read()
        getattr(owner, relation).model.objects.bulk_create(rows)
        return
    for row in rows:
        add(owner, relation, row)


def create(obj: M) -> M:
    """Save a new object that is no one's related row (a person, a case); in a session it is
    inserted at the end, and its related rows start empty without a query."""
    session = _current.get()
    if session is None:
        _forget_read()
        obj.save(force_insert=True)
    else:
        session.insert(obj)
    return obj


def save(row: models.Model, *fields: str) -> None:
    """Save ``fields`` of a row changed in place; in a session, at its end."""
    session = _current.get()
    if session is None:
        _forget_read()
        row.save(update_fields=fields)
    else:
        session.changed(row, fields)


def update(owner: models.Model, relation: str, values: dict[str, Any], **criteria: Any) -> None:
    """Set ``values`` on the rows of ``owner.<relation>`` that match ``criteria``."""
    session = _current.get()
    if session is None:
        _forget_read()
        getattr(owner, relation).filter(**criteria).update(**values)
        return
    for row in select(owner, relation, **criteria):
        for name, value in values.items():
            setattr(row, name, value)
        session.changed(row, values)


def made(obj: models.Model) -> None:
    """Note that ``obj`` was just created, so a session need not read its related rows."""
    session = _current.get()
    if session is not None:
        session.made(obj)
