"""``retour audit verify`` reports an intact log, or names the first broken entry and fails."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from retour.audit.log import record_access
from retour.audit.models import AccessLogEntry, ChainHead


def _verify() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def test_an_intact_log(anna, settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    assert _verify() == f"access log intact: 0 entries; no anchor yet in {tmp_path}/anchors.jsonl\n"
    for object_id in ("p-1", "p-2", "p-3"):
        record_access(anna, "read", "person", [object_id])
    assert _verify().startswith("access log intact: 3 entries;")


def test_a_broken_log_fails_naming_the_entry(anna):
    entries = [record_access(anna, "read", "person", [f"p-{n}"]) for n in range(3)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {connection.ops.quote_name(AccessLogEntry._meta.db_table)} "  # noqa: S608
            "SET username = %s WHERE id = %s",
            ["someone-else", entries[1].id],
        )
    with pytest.raises(CommandError) as failure:
        _verify()
    assert str(failure.value) == (
        f"access log broken at entry 2 (id {entries[1].id}): content does not match its digest"
    )


def test_a_missing_tail_names_no_entry(anna):
    entries = [record_access(anna, "read", "person", [f"p-{n}"]) for n in range(2)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(AccessLogEntry._meta.db_table)} "  # noqa: S608
            "WHERE id = %s",
            [entries[1].id],
        )
    with pytest.raises(CommandError, match=r"^access log broken at entry 2 \(no such entry\): "
                                           "the log ends at 1 but 2 entries were written$"):
        _verify()


def test_only_known_subcommands(db):
    with pytest.raises(CommandError, match=r"invalid choice: 'repair' .*'anchor', 'new-key'"):
        call_command("audit", "repair")


def test_the_console_script_keys_anchors_and_refuses_as_in_production(tmp_path):
    """The commands as an operator runs them, with the production settings, on a database of
    their own: no start without a key folder, no migration without a key, then a log keyed,
    anchored and refused once broken."""
    database = tmp_path / "cli.sqlite3"
    env = {
        **os.environ, "RETOUR_SECRET_KEY": "cli-test", "RETOUR_DATA_DIR": str(tmp_path),
        "RETOUR_DATABASE_URL": f"sqlite:///{database}", "RETOUR_DEBUG": "false",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("RETOUR_AUDIT_KEY_DIR", None)
    retour = str(Path(sys.executable).with_name("retour"))

    def run(*arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [retour, *arguments], env=env, capture_output=True, text=True, check=False
        )

    unkeyed = run("migrate", "-v0")
    assert unkeyed.returncode == 1
    assert "RETOUR_AUDIT_KEY_DIR is not set" in unkeyed.stderr
    env["RETOUR_AUDIT_KEY_DIR"] = str(tmp_path / "keys")
    no_key = run("migrate", "-v0")
    assert no_key.returncode == 1
    assert "create one with `retour audit new-key`" in no_key.stderr
    assert run("audit", "new-key").returncode == 0
    assert run("migrate", "-v0").returncode == 0
    intact = run("audit", "verify")
    assert (intact.returncode, intact.stdout) == (
        0, f"access log intact: 0 entries; no anchor yet in {tmp_path}/keys/anchors.jsonl\n"
    )
    anchored = run("audit", "anchor")
    assert (anchored.returncode, anchored.stdout) == (
        0, f"anchored entry 0 in {tmp_path}/keys/anchors.jsonl\n"
    )
    with sqlite3.connect(database) as connection_:
        connection_.execute(
            f"INSERT INTO {ChainHead._meta.db_table} (id, sequence, digest) "  # noqa: S608
            "VALUES (1, 1, ?)",
            ["0" * 64],
        )
    broken = run("audit", "verify")
    assert broken.returncode == 1
    assert "access log broken at entry 1 (no such entry)" in broken.stderr
