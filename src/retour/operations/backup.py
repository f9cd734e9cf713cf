"""Backing up and restoring the whole database, with a manifest that says what the backup holds.

A backup is one tar file: ``manifest.json`` and the database, copied while the application
runs: SQLite through its online backup API (a consistent copy, writers wait only for the
pages being copied), PostgreSQL with ``pg_dump`` in its custom format (one snapshot). The
manifest records when and from what it was made, the migrations applied, and the access
log's head (the last entry's number and digest), so that a restore can show the log came back
whole: the restored head must be the manifest's, and ``retour audit verify`` must pass (its
keys and anchors live outside the database and are not in the backup; docs/operations.md).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from retour import clock
from retour.audit.models import AccessLogEntry, ChainHead

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupRefused(RuntimeError):
    """The backup cannot be made or restored; the message says why."""


@dataclass(frozen=True)
class Manifest:
    format: int
    made_at: str
    database: str  # the vendor: sqlite or postgresql
    migrations: dict[str, str]  # app -> the last migration applied
    access_log_sequence: int
    access_log_digest: str
    access_log_entries: int


def _migrations() -> dict[str, str]:
    last: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        last[app] = max(last.get(app, ""), name)
    return dict(sorted(last.items()))


def _head() -> tuple[int, str]:
    head = ChainHead.objects.filter(pk=1).first()
    return (head.sequence, head.digest) if head else (0, "0" * 64)


def _postgres_command(program: str) -> tuple[list[str], dict[str, str]]:
    settings = connection.settings_dict
    command = [shutil.which(program) or program, "--no-password"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            command += [flag, str(settings[key])]
    environment = {**os.environ}
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings["PASSWORD"])
    return command, environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=environment, capture_output=True, text=True,  # noqa: S603
                              check=False)
    except FileNotFoundError:
        raise BackupRefused(f"{command[0]} is not installed (PostgreSQL's client tools)") from None
    if done.returncode != 0:
        raise BackupRefused(f"{Path(command[0]).name} failed: {done.stderr.strip()}")


def _copy_database(target: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    elif connection.vendor == "postgresql":
        command, environment = _postgres_command("pg_dump")
        _run([*command, "--format=custom", "--file", str(target),
              str(connection.settings_dict["NAME"])], environment)
    else:
        raise BackupRefused(f"no backup for a {connection.vendor} database")


def backup(path: Path) -> Manifest:
    """Write a backup of the database to ``path`` (a tar file) and return its manifest."""
    if connection.in_atomic_block:
        raise BackupRefused("a backup is made outside any transaction")
    with tempfile.TemporaryDirectory(prefix="retour-backup-") as folder:
        copy = Path(folder) / DATABASE.get(connection.vendor, "database")
        # The head is read before the copy: entries written meanwhile are in the copy, after
        # the head, and the restore's verification walks them too.
        sequence, digest = _head()
        entries = AccessLogEntry.objects.filter(sequence__lte=sequence).count()
        _copy_database(copy)
        manifest = Manifest(
            format=FORMAT, made_at=clock.now().isoformat(), database=connection.vendor,
            migrations=_migrations(), access_log_sequence=sequence, access_log_digest=digest,
            access_log_entries=entries,
        )
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            text = json.dumps(asdict(manifest), indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(text)
            archive.addfile(info, io.BytesIO(text))
            archive.add(copy, arcname=copy.name)
        # Renamed only when whole: a backup interrupted half-way never looks like a backup.
        partial.replace(path)
    return manifest


def read_manifest(path: Path) -> Manifest:
    try:
        with tarfile.open(path) as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            data: dict[str, Any] = json.loads(member.read())
    except FileNotFoundError:
        raise BackupRefused(f"{path}: no such file") from None
    except (tarfile.TarError, KeyError, ValueError):
        raise BackupRefused(f"{path}: not a backup made by `retour backup`") from None
    if data.get("format") != FORMAT:
        raise BackupRefused(f"{path}: backup format {data.get('format')}, expected {FORMAT}")
    return Manifest(**data)


@contextmanager
def _extracted(path: Path, manifest: Manifest) -> Iterator[Path]:
    name = DATABASE[manifest.database]
    with tempfile.TemporaryDirectory(prefix="retour-restore-") as folder, \
            tarfile.open(path) as archive:
        archive.extract(name, folder, filter="data")
        yield Path(folder) / name


def restore(path: Path) -> Manifest:
    """Replace the whole database with the backup at ``path``; returns its manifest.

    Refused when the backup comes from another kind of database or from code with
    migrations this code does not have. The restored access log's head must be the one the
    manifest names; whether the log verifies is ``retour audit verify``'s to say."""
    manifest = read_manifest(path)
    if manifest.database != connection.vendor:
        raise BackupRefused(f"{path}: a {manifest.database} backup cannot be restored into a "
                            f"{connection.vendor} database")
    if connection.in_atomic_block:
        raise BackupRefused("a restore is made outside any transaction")
    known = {(migration.app_label, migration.name) for migration in _loader_migrations()}
    unknown = sorted(f"{app}.{name}" for app, name in manifest.migrations.items()
                     if (app, name) not in known)
    if unknown:
        raise BackupRefused(f"{path}: made by a newer Retour (migrations {', '.join(unknown)} "
                            "are unknown here); restore it with that version")
    with _extracted(path, manifest) as copy:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            source = sqlite3.connect(copy)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
        else:
            connection.close()
            command, environment = _postgres_command("pg_restore")
            _run([*command, "--clean", "--if-exists", "--no-owner", "--single-transaction",
                  "--dbname", str(connection.settings_dict["NAME"]), str(copy)], environment)
    sequence, digest = _head()
    if sequence < manifest.access_log_sequence or (
        sequence == manifest.access_log_sequence and digest != manifest.access_log_digest
    ):
        raise BackupRefused(
            f"restored, but the access log's head is entry {sequence} ({digest[:12]}…), not the "
            f"manifest's entry {manifest.access_log_sequence} "
            f"({manifest.access_log_digest[:12]}…)")
    return manifest


def _loader_migrations() -> list[Any]:
    from django.db.migrations.loader import MigrationLoader

    return list(MigrationLoader(None, ignore_no_migrations=True).disk_migrations.values())
