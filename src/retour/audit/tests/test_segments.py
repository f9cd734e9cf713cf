"""Erasing the oldest entries of the access log after their retention period: what remains
still verifies, and nobody without the key can erase more than the period allows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from retour import clock
from retour.audit import anchors, segments
from retour.audit.log import anchor_head, record_access, verify_chain
from retour.audit.models import AccessLogEntry, AccessLogPerson, ChainStart

PERSON = uuid.uuid4()


@pytest.fixture
def log(settings: Any, tmp_path: Path, db: Any, anna: Any) -> list[AccessLogEntry]:
    """Six entries, one a year from 2016, each about the same person."""
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    entries = []
    for year in range(2016, 2022):
        with clock.frozen_at(datetime(year, 3, 1, 10, tzinfo=UTC)):
            entries.append(record_access(anna, "read", "person", [PERSON], person_ids=[PERSON]))
    return entries


def _cut(year: int) -> int:
    return segments.erase_before(datetime(year, 1, 1, tzinfo=UTC))


def _sequences() -> list[int]:
    return list(AccessLogEntry.objects.values_list("sequence", flat=True))


def test_the_oldest_entries_go_with_their_index_and_the_rest_verifies(log):
    first = log[0].sequence
    assert _cut(2019) == 3
    assert _sequences() == [first + 3, first + 4, first + 5]
    assert not AccessLogPerson.objects.filter(entry__sequence__lt=first + 3).exists()
    assert AccessLogPerson.objects.count() == 3
    assert verify_chain() is None
    # New entries link on as before.
    record_access(None, "read", "person", [PERSON], person_ids=[PERSON])
    assert verify_chain() is None


def test_a_second_erasure_moves_the_start_and_nothing_is_erased_twice(log):
    _cut(2018)
    assert _cut(2018) == 0
    assert _cut(2020) == 2
    assert ChainStart.objects.get().sequence == log[3].sequence
    assert verify_chain() is None


def test_an_entry_after_a_younger_one_stays(log):
    # A late entry dated earlier than the one before it (a clock set back) is kept, and so is
    # every entry after it: only an unbroken run from the start is erased.
    with clock.frozen_at(datetime(2012, 1, 1, tzinfo=UTC)):
        record_access(None, "read", "person", [PERSON], person_ids=[PERSON])
    assert _cut(2019) == 3
    assert verify_chain() is None


def test_erasing_more_by_hand_is_found(log):
    _cut(2018)
    oldest = AccessLogEntry.objects.order_by("sequence").first()
    assert oldest is not None
    AccessLogPerson.objects.filter(entry=oldest)._raw_delete("default")
    AccessLogEntry.objects.filter(pk=oldest.pk)._raw_delete("default")
    broken = verify_chain()
    assert broken is not None and "is missing" in broken.problem


def test_a_start_moved_without_the_key_is_refused(log):
    _cut(2018)
    later = log[4]
    AccessLogPerson.objects.filter(entry__sequence__lte=later.sequence)._raw_delete("default")
    AccessLogEntry.objects.filter(sequence__lte=later.sequence)._raw_delete("default")
    ChainStart.objects.filter(id=1).update(sequence=later.sequence, digest=later.digest)
    broken = verify_chain()
    assert broken is not None and "not sealed by the log's key" in broken.problem


def test_a_start_removed_is_found(log):
    _cut(2018)
    ChainStart.objects.all().delete()
    broken = verify_chain()
    assert broken is not None and broken.sequence == 1


def test_anchors_older_than_the_start_still_agree(log):
    anchored = anchor_head(anchors.read())
    for year in (2022, 2023):
        with clock.frozen_at(datetime(year, 3, 1, tzinfo=UTC)):
            record_access(None, "read", "person", [PERSON], person_ids=[PERSON])
    _cut(2023)  # erases up to and past the anchored head
    assert ChainStart.objects.get().sequence > anchored.sequence
    assert verify_chain(anchors.read()) is None


def test_the_start_must_be_the_entry_an_anchor_names(log):
    _cut(2019)
    start = ChainStart.objects.get()
    line = anchors.append(start.sequence, "f" * 64, start.key_id)
    broken = verify_chain(anchors.read())
    assert broken is not None and "anchored by" in broken.problem
    assert line.sequence == start.sequence
