"""`retour backup` and `retour restore` on the database the suite runs on (SQLite, and
PostgreSQL with RETOUR_DATABASE_URL): what is restored is what was backed up, and the access
log is verified after the restore. Outside any transaction (``transactional_db``): a backup
copies what is committed."""

from __future__ import annotations

import io
import json
import tarfile
from dataclasses import asdict
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from retour.audit.log import record_access
from retour.audit.models import AccessLogEntry, ChainHead
from retour.cases.models import ReturnCase
from retour.operations.backup import MANIFEST, read_manifest
from retour.testing.factories import case_for


def _state() -> tuple[list[str], list[tuple[int, str]], tuple[int, str]]:
    head = ChainHead.objects.get(pk=1)
    return (
        sorted(ReturnCase.objects.values_list("number", flat=True)),
        list(AccessLogEntry.objects.order_by("sequence").values_list("sequence", "digest")),
        (head.sequence, head.digest),
    )


def test_a_restore_brings_back_what_was_backed_up_and_verifies_the_access_log(
    transactional_db: None, anna: object, tmp_path: Path
) -> None:
    case = case_for(anna)
    record_access(anna, "view", "return_case", [case.pk], person_ids=[case.person_id])
    before = _state()
    backup = tmp_path / "retour.backup"
    out = StringIO()
    call_command("backup", str(backup), stdout=out)
    assert f"access log up to entry {before[2][0]}" in out.getvalue()
    manifest = read_manifest(backup)
    assert (manifest.database, manifest.access_log_sequence) == (connection.vendor, before[2][0])
    assert manifest.access_log_digest == before[2][1]
    assert manifest.migrations["cases"].startswith("00")

    later = case_for(anna)  # made after the backup: gone after the restore
    record_access(anna, "view", "return_case", [later.pk], person_ids=[later.person_id])
    assert _state() != before

    out = StringIO()
    call_command("restore", str(backup), "--yes", stdout=out)
    assert _state() == before
    assert "restored the backup of" in out.getvalue()
    assert "access log intact" in out.getvalue()


def test_a_restored_access_log_that_does_not_verify_fails_the_restore(
    transactional_db: None, anna: object, tmp_path: Path
) -> None:
    case = case_for(anna)
    entry = record_access(anna, "view", "return_case", [case.pk], person_ids=[case.person_id])
    # Changed behind the log's back before the backup: the backup carries the change.
    AccessLogEntry.objects.filter(pk=entry.pk).update(reason="nothing to see")
    backup = tmp_path / "retour.backup"
    call_command("backup", str(backup), stdout=StringIO())
    with pytest.raises(CommandError, match="restored, but the access log does not verify"):
        call_command("restore", str(backup), "--yes", stdout=StringIO())


def test_a_backup_older_than_the_last_anchor_fails_the_restore(
    transactional_db: None, anna: object, tmp_path: Path, settings: Any
) -> None:
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    case = case_for(anna)
    backup = tmp_path / "retour.backup"
    call_command("backup", str(backup), stdout=StringIO())
    record_access(anna, "view", "return_case", [case.pk], person_ids=[case.person_id])
    call_command("audit", "anchor", stdout=StringIO())  # the daily anchor, after the backup
    with pytest.raises(CommandError, match="behind its last anchor"):
        call_command("restore", str(backup), "--yes", stdout=StringIO())


def _archive(path: Path, manifest: dict[str, object]) -> Path:
    with tarfile.open(path, "w") as archive:
        text = json.dumps(manifest).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(text)
        archive.addfile(info, io.BytesIO(text))
    return path


def test_restore_refuses_what_it_cannot_restore_and_changes_nothing(
    transactional_db: None, anna: object, tmp_path: Path
) -> None:
    case_for(anna)
    before = _state()
    backup = tmp_path / "retour.backup"
    call_command("backup", str(backup), stdout=StringIO())
    manifest = asdict(read_manifest(backup))
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    refusals = {
        "add --yes": [str(backup)],
        "no such file": [str(tmp_path / "missing"), "--yes"],
        "not a backup made by `retour backup`": [
            str((tmp_path / "text").write_text("hello") and tmp_path / "text"), "--yes"],
        f"a {other} backup cannot be restored": [
            str(_archive(tmp_path / "other", {**manifest, "database": other})), "--yes"],
        "cases.9999_from_the_future": [str(_archive(
            tmp_path / "newer",
            {**manifest, "migrations": {**manifest["migrations"],
                                        "cases": "9999_from_the_future"}})), "--yes"],
    }
    for message, arguments in refusals.items():
        with pytest.raises(CommandError, match=message.replace(".", r"\.")):
            call_command("restore", *arguments, stdout=StringIO())
    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(backup), stdout=StringIO())
    assert _state() == before
