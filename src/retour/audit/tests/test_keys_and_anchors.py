"""A keyed and anchored access log: someone who can change the database, but cannot read the
key folder nor rewrite the anchor file, cannot forge, shorten or roll the log back unseen.

Each test plays what an attacker with database access did and what passed `retour audit
verify` before keys and anchors (issue 13): recomputing digests with the product's own plain
SHA-256, removing the last entries and moving the head back, restoring an older copy."""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from retour import clock
from retour.audit import keys
from retour.audit.anchors import anchor_file
from retour.audit.log import GENESIS, ChainBreak, _canonical, digest_of, record_access, verify_chain
from retour.audit.models import AccessLogEntry, AccessLogPerson, ChainHead

P1 = "5d0c6a3e-0000-4000-8000-000000000001"


@pytest.fixture
def keyring(settings: Any, tmp_path: Path, db: Any) -> Path:
    """A key folder and anchor file of the test's own, the keys made as in production."""
    settings.AUDIT_KEY_DIR = tmp_path / "keys"
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    settings.AUDIT_KEY_GENERATE = False
    _command("new-key")
    return tmp_path


def _command(*arguments: str) -> str:
    out = io.StringIO()
    call_command("audit", *arguments, stdout=out)
    return out.getvalue()


def _refused(*arguments: str) -> str:
    with pytest.raises(CommandError) as refusal:
        _command(*arguments)
    return str(refusal.value)


def _read(user: Any, count: int) -> list[AccessLogEntry]:
    return [record_access(user, "read", "return_case", [f"c-{n}"], person_ids=[P1])
            for n in range(count)]


def _entry(sequence: int) -> AccessLogEntry:
    return AccessLogEntry.objects.get(sequence=sequence)


def _rewrite_with_plain_sha256(start: int, *, drop_key: bool, **changes: Any) -> None:
    """Change entry ``start`` and recompute every digest from it on with plain SHA-256, as the
    product did before keying, and move the head onto the last: the forgery that passed."""
    previous = _entry(start - 1).digest if start > 1 else GENESIS
    for entry in AccessLogEntry.objects.filter(sequence__gte=start).order_by("sequence"):
        fields = dict(changes) if entry.sequence == start else {}
        if drop_key:
            fields["key_id"] = ""
        for name, value in fields.items():
            setattr(entry, name, value)
        entry.previous_digest = previous
        entry.digest = hashlib.sha256(previous.encode() + _canonical(entry)).hexdigest()
        AccessLogEntry.objects.filter(pk=entry.pk).update(
            **fields, previous_digest=previous, digest=entry.digest
        )
        previous = entry.digest
    ChainHead.objects.filter(id=1).update(digest=previous)


def _remove_from(sequence: int) -> None:
    """Delete the entries from ``sequence`` on and move the head back onto the one before."""
    AccessLogPerson.objects.filter(entry__sequence__gte=sequence).delete()
    table = connection.ops.quote_name(AccessLogEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE sequence >= %s", [sequence])  # noqa: S608
    last = _entry(sequence - 1)
    ChainHead.objects.filter(id=1).update(sequence=last.sequence, digest=last.digest)


# --- the key -----------------------------------------------------------------------------


def test_entries_are_keyed_and_a_plain_sha256_digest_no_longer_matches(keyring, anna):
    entries = _read(anna, 2)
    assert entries[0].key_id == keys.current_key().id != ""
    plain = hashlib.sha256(entries[0].previous_digest.encode() + _canonical(entries[0]))
    assert entries[0].digest != plain.hexdigest()
    assert verify_chain() is None


def test_an_edit_with_digests_recomputed_in_plain_sha256_is_refused(keyring, anna):
    entries = _read(anna, 4)
    _rewrite_with_plain_sha256(2, drop_key=False, reason="nothing to see")
    assert verify_chain() == ChainBreak(2, entries[1].id, "content does not match its digest")


def test_an_edit_passed_off_as_from_before_keying_is_refused(keyring, anna):
    entries = _read(anna, 4)
    _rewrite_with_plain_sha256(2, drop_key=True, reason="nothing to see")
    assert verify_chain() == ChainBreak(
        2, entries[1].id, "has no key, but the log is keyed from entry 1 on"
    )


def test_a_whole_log_rewritten_as_from_before_keying_is_refused(keyring, anna):
    """The first key records where keying began (the head when it was made: 0 here)."""
    entries = _read(anna, 3)
    _rewrite_with_plain_sha256(1, drop_key=True, reason="nothing to see")
    assert verify_chain() == ChainBreak(
        1, entries[0].id, "has no key, but the log is keyed after entry 0"
    )


def test_entries_keyed_with_a_replaced_key_still_verify(keyring, anna):
    old = _read(anna, 2)
    assert "entries are keyed with it from now on" in _command("new-key")
    new = _read(anna, 2)
    assert old[0].key_id == old[1].key_id != new[0].key_id == new[1].key_id
    assert _command("verify").startswith("access log intact: 4 entries;")
    # The old key lost: its entries cannot be checked, and verify says which key is missing.
    (keyring / "keys" / f"{old[0].key_id}.key").unlink()
    keys._read.clear()
    assert _refused("verify") == (
        f"access log broken at entry 1 (id {old[0].id}): the access log's key "
        f"'{old[0].key_id}' is not in {keyring / 'keys'}"
    )


def _legacy_entry(user: Any) -> AccessLogEntry:
    """An entry as the product wrote it before keying: no key, a plain SHA-256 digest."""
    head, _ = ChainHead.objects.get_or_create(id=1)
    entry = AccessLogEntry(
        at=clock.now(), user=user, username=user.username, operation="read",
        object_type="person", object_ids=[P1], person_ids=[P1],
        sequence=head.sequence + 1, previous_digest=head.digest, key_id="",
    )
    entry.digest = digest_of(entry)
    entry.save()
    AccessLogPerson.objects.create(entry=entry, person_id=P1)
    ChainHead.objects.filter(id=1).update(sequence=entry.sequence, digest=entry.digest)
    return entry


def test_entries_from_before_keying_are_sealed_by_the_first_keyed_entry(
    settings, tmp_path, anna
):
    settings.AUDIT_KEY_DIR = tmp_path / "keys"
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    settings.AUDIT_KEY_GENERATE = False
    legacy = [_legacy_entry(anna), _legacy_entry(anna)]
    _command("new-key")  # on upgrading: the log is keyed after entry 2
    sealing = record_access(anna, "read", "person", [P1], person_ids=[P1])
    assert sealing.previous_digest == legacy[1].digest
    assert _command("verify") == (
        f"access log intact: 3 entries (2 from before keying); "
        f"no anchor yet in {tmp_path / 'anchors.jsonl'}\n"
    )
    # The entries from before keying cannot be rewritten without breaking the seal, which
    # cannot be recomputed without the key, nor passed off as from before keying.
    _rewrite_with_plain_sha256(1, drop_key=False, reason="nothing to see")
    assert verify_chain() == ChainBreak(3, sealing.id, "content does not match its digest")
    _rewrite_with_plain_sha256(1, drop_key=True, reason="nothing to see")
    assert verify_chain() == ChainBreak(
        3, sealing.id, "has no key, but the log is keyed after entry 2"
    )


# --- the anchors -------------------------------------------------------------------------


def test_removing_the_last_entries_and_moving_the_head_back_is_refused(keyring, anna):
    _read(anna, 4)
    assert _command("anchor") == f"anchored entry 4 in {keyring / 'anchors.jsonl'}\n"
    _remove_from(3)
    assert verify_chain() is None  # without the anchor, nothing shows it
    assert re.fullmatch(
        r"access log broken at entry 4 \(no such entry\): the database is behind its last "
        r"anchor: the log ends at entry 2, before the anchor on line 1 of "
        + re.escape(str(keyring / "anchors.jsonl"))
        + r" \(entry 4, anchored \S+\)",
        _refused("verify"),
    )


_LOG_TABLES = (ChainHead, AccessLogEntry, AccessLogPerson)  # in the order rows refer


def _backup() -> list[tuple[str, list[str], list[tuple[Any, ...]]]]:
    """The access log's tables row for row, as a database backup holds them."""
    tables = []
    for model in _LOG_TABLES:
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
            columns = [connection.ops.quote_name(c[0]) for c in cursor.description]
            tables.append((table, columns, cursor.fetchall()))
    return tables


def _restore(backup: list[tuple[str, list[str], list[tuple[Any, ...]]]]) -> None:
    with connection.cursor() as cursor:
        for table, _, _ in reversed(backup):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        for table, columns, rows in backup:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows  # noqa: S608
            )


def test_a_restored_older_copy_of_the_database_is_refused(keyring, anna):
    _read(anna, 2)
    backup = _backup()
    _read(anna, 3)
    _command("anchor")
    _command("anchor")  # a second day, nothing written: the same head again
    # The older copy restored: its log is intact, but two days of anchors say it is behind.
    _restore(backup)
    assert AccessLogEntry.objects.count() == 2
    assert verify_chain() is None
    assert "the database is behind its last anchor: the log ends at entry 2, before the anchor " \
           "on line 2 of" in _refused("verify")
    # Writing on until past the anchor does not help: entry 5 is not the one anchored.
    entries = _read(anna, 3)
    assert _refused("verify").startswith(
        f"access log broken at entry 5 (id {entries[-1].id}): is not the entry anchored by the "
        f"anchor on line 2 of {keyring / 'anchors.jsonl'} (entry 5, anchored "
    )


def test_a_tampered_anchor_line_is_refused(keyring, anna):
    _read(anna, 2)
    _command("anchor")
    _read(anna, 2)
    _command("anchor")
    path = anchor_file()
    lines = path.read_text().splitlines()
    moved_back = json.loads(lines[1])
    moved_back["sequence"] = 2  # to let the last two entries go
    path.write_text("\n".join([lines[0], json.dumps(moved_back)]) + "\n")
    assert _refused("verify") == (
        f"access log not verified: line 2 of {path} (entry 2) does not match its signature"
    )
    path.write_text(lines[0] + "\nnot an anchor\n")
    assert _refused("verify") == f"access log not verified: line 2 of {path} is not an anchor"


def test_anchors_are_appended_and_a_broken_log_is_not_anchored(keyring, anna):
    _read(anna, 2)
    _command("anchor")
    first = anchor_file().read_text()
    _read(anna, 1)
    _command("anchor")
    assert anchor_file().read_text().startswith(first)
    assert _command("verify").endswith("; 2 anchors hold, the last at entry 3\n")
    _rewrite_with_plain_sha256(3, drop_key=False, reason="nothing to see")
    assert _refused("anchor").startswith("not anchored: access log broken at entry 3 ")
    assert len(anchor_file().read_text().splitlines()) == 2


def test_without_a_key_nothing_is_written(settings, tmp_path, anna):
    """Production (no keys made on first use) refuses to write an unkeyed entry."""
    settings.AUDIT_KEY_DIR = tmp_path / "empty"
    settings.AUDIT_KEY_GENERATE = False
    with pytest.raises(keys.KeyMissing, match="create one with `retour audit new-key`"):
        record_access(anna, "read", "person", [P1], person_ids=[P1])
    assert not AccessLogEntry.objects.exists()
