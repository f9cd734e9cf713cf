"""The access log's hash chain: built by record_access, verified entry by entry, and any
change made behind the application's back is found and named."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction

from retour import clock
from retour.audit.log import GENESIS, ChainBreak, digest_of, record_access, verify_chain
from retour.audit.models import AccessLogEntry, AccessLogPerson, ChainHead

TABLE = connection.ops.quote_name(AccessLogEntry._meta.db_table)


def _sql(statement: str, *params: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement.format(table=TABLE), params)


def _delete_entry(sequence: int) -> None:
    """As someone with database access would: the entry and its index rows."""
    _sql("DELETE FROM audit_accesslogperson WHERE entry_id IN "
         "(SELECT id FROM {table} WHERE sequence = %s)", sequence)
    _sql("DELETE FROM {table} WHERE sequence = %s", sequence)


# Persons the entries concern (their records need not exist for the log).
P1, P2 = "5d0c6a3e-0000-4000-8000-000000000001", "5d0c6a3e-0000-4000-8000-000000000002"


@pytest.fixture
def entries(anna, ruud) -> list[AccessLogEntry]:
    with clock.frozen_at(datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)):
        return [
            record_access(anna, "search", "person", [], search_terms={"name": "Ḥaddād"},
                          reason="intake", channel="web"),
            record_access(anna, "read", "return_case", ["c-1"], person_ids=[P1]),
            record_access(ruud, "export", "access_log", [], reason="quarterly audit"),
            record_access(anna, "write", "return_case", ["c-1"], person_ids=[P1]),
        ]


def _entry(sequence: int) -> AccessLogEntry:
    return AccessLogEntry.objects.get(sequence=sequence)


def test_record_access_builds_a_chain(entries, anna):
    stored = list(AccessLogEntry.objects.order_by("sequence"))
    assert [e.sequence for e in stored] == [1, 2, 3, 4]
    assert stored[0].previous_digest == GENESIS
    for previous, entry in itertools.pairwise(stored):
        assert entry.previous_digest == previous.digest
    for entry in stored:
        assert digest_of(entry) == entry.digest
    head = ChainHead.objects.get()
    assert (head.sequence, head.digest) == (4, stored[-1].digest)
    first = stored[0]
    assert (first.username, first.authority, first.member_state) == ("anna", "nl-dtv", "NL")
    assert first.search_terms == {"name": "Ḥaddād"}
    assert verify_chain() is None


def test_an_empty_log_is_intact(db):
    assert verify_chain() is None


@pytest.mark.parametrize("zone", ["Europe/Brussels", "America/Sao_Paulo", "Asia/Kolkata"])
def test_entries_written_in_any_time_zone_verify(anna, zone):
    """The moment comes back from the database in UTC; the digest must not depend on the
    zone the clock was in when the entry was written."""
    with clock.frozen_at(datetime(2026, 7, 1, 23, 59, 59, 999999, tzinfo=ZoneInfo(zone))):
        record_access(anna, "read", "person", ["p-1"])
        record_access(anna, "read", "person", ["p-2"])
    assert verify_chain() is None


def test_a_changed_field_is_found(entries):
    _sql("UPDATE {table} SET reason = %s WHERE sequence = %s", "nothing to see", 2)
    assert verify_chain() == ChainBreak(2, entries[1].id, "content does not match its digest")


def test_a_changed_entry_with_a_recomputed_digest_breaks_the_next_link(entries):
    """Even for someone holding the key: the next entry's link gives the change away."""
    forged = _entry(2)
    forged.reason = "routine check"
    _sql("UPDATE {table} SET reason = %s, digest = %s WHERE sequence = %s",
         "routine check", digest_of(forged), 2)
    assert verify_chain() == ChainBreak(
        3, entries[2].id, "does not link to the previous entry's digest"
    )


def test_a_changed_last_entry_with_a_recomputed_digest_is_found(entries):
    forged = _entry(4)
    forged.operation = "read"
    _sql("UPDATE {table} SET operation = %s, digest = %s WHERE sequence = %s",
         "read", digest_of(forged), 4)
    assert verify_chain() == ChainBreak(
        4, entries[3].id, "is not the last entry the log's head recorded"
    )


def test_a_deleted_middle_entry_is_found(entries):
    _delete_entry(2)
    assert verify_chain() == ChainBreak(2, entries[2].id, "entry 2 is missing")


def test_a_deleted_last_entry_is_found(entries):
    _delete_entry(4)
    assert verify_chain() == ChainBreak(4, None, "the log ends at 3 but 4 entries were written")


def test_reordered_entries_are_found(entries):
    _sql("UPDATE {table} SET sequence = %s WHERE sequence = %s", 1000, 2)
    _sql("UPDATE {table} SET sequence = %s WHERE sequence = %s", 2, 3)
    _sql("UPDATE {table} SET sequence = %s WHERE sequence = %s", 3, 1000)
    assert verify_chain() == ChainBreak(
        2, entries[2].id, "does not link to the previous entry's digest"
    )


def test_entries_cannot_be_changed_or_deleted_through_the_model(entries):
    entry = _entry(2)
    entry.reason = "edited"
    with pytest.raises(TypeError, match="append-only"):
        entry.save()
    with pytest.raises(TypeError, match="append-only"):
        entry.delete()
    assert _entry(2).reason == "" and AccessLogEntry.objects.count() == 4
    assert verify_chain() is None


def test_an_entry_rolled_back_with_its_transaction_leaves_the_chain_whole(entries, anna):
    with transaction.atomic():
        record_access(anna, "write", "person", ["p-9"])
        transaction.set_rollback(True)
    record_access(anna, "read", "person", ["p-9"])
    assert list(AccessLogEntry.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5]
    assert verify_chain() is None


def test_a_persons_deleted_index_rows_are_found_naming_the_entry_and_the_person(entries):
    """The index a person's history is read from: deleting their rows hid the accesses."""
    AccessLogPerson.objects.filter(person_id=P1).delete()
    assert verify_chain() == ChainBreak(
        2, entries[1].id, f"the person index lacks person {P1}, whom the entry concerns"
    )


def test_an_index_row_added_to_an_entry_is_found(entries):
    AccessLogPerson.objects.create(entry=entries[2], person_id=P2)
    assert verify_chain() == ChainBreak(
        3, entries[2].id, f"the person index names person {P2}, whom the entry does not concern"
    )


def test_an_entry_added_beyond_the_head_is_found(entries):
    forged = _entry(4)
    forged.pk, forged.sequence, forged.previous_digest = None, 5, forged.digest
    forged._state.adding = True
    forged.digest = digest_of(forged)
    forged.save()
    assert verify_chain() == ChainBreak(5, forged.pk, "lies beyond the log's head")
