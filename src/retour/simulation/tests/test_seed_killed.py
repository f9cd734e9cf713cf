"""`retour seed` as a real child process, killed with SIGKILL half-way: the database holds
everything it held before and nothing of the run (no officers without cases, no cases
without the persons registered again)."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection

from retour.testing.processes import RETOUR, child_environment

# Committed data the child can see; named as a fixture, so that the reference data emptied
# by an earlier transactional test is loaded again first (src/conftest.py).
pytestmark = pytest.mark.usefixtures("transactional_db")

# Long enough in the one transaction that the kill lands in the middle of it.
IN_TRANSACTION = 1.0


def _rows() -> dict[str, int]:
    tables = set(connection.introspection.table_names())
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()
            if model._meta.db_table in tables}


def _writing_since(started: dict[str, float]) -> float:
    """For how long the child has held a transaction open (0 when it holds none now)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXTRACT(EPOCH FROM now() - xact_start) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND state IN ('active', 'idle in transaction') AND xact_start IS NOT NULL "
                "ORDER BY xact_start LIMIT 1"
            )
            found = cursor.fetchone()
        return float(found[0]) if found else 0.0
    # SQLite: the child's transactions take the write lock at BEGIN (IMMEDIATE), so a
    # second writer that may not wait finds it locked.
    probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        started.clear()
        return 0.0
    except sqlite3.OperationalError:
        now = time.monotonic()
        return now - started.setdefault("at", now)
    finally:
        probe.close()


def test_a_seeder_killed_half_way_leaves_nothing_half_made(tmp_path: Path) -> None:
    before = _rows()
    child = subprocess.Popen(
        [str(RETOUR), "seed", "--cases", "2000", "--seed", "5", "--today", "2026-06-01"],
        env=child_environment(), stdout=(tmp_path / "stdout").open("wb"),
        stderr=(tmp_path / "stderr").open("wb"),
    )
    started: dict[str, float] = {}
    deadline = time.monotonic() + 120
    try:
        while _writing_since(started) < IN_TRANSACTION:
            assert child.poll() is None, (
                "the seeder ended before it could be killed:\n"
                + (tmp_path / "stderr").read_text())
            assert time.monotonic() < deadline, "the seeder never started writing"
            time.sleep(0.05)
        assert child.poll() is None
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -9
    assert _rows() == before
