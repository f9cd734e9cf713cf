"""Benchmark: seed N synthetic cases through the action functions, against a bulk baseline.

    .venv/bin/python benchmarks/seed.py --cases 10000
    .venv/bin/python benchmarks/seed.py --cases 2000 --database-url postgres://postgres@127.0.0.1:5432/postgres

Each run works in a fresh temporary database that is thrown away afterwards: a SQLite file
in a temporary folder, or, with ``--database-url``, a new database created on that PostgreSQL
server (the URL's own database is only used to create and drop it). The run migrates, loads
the reference data, seeds the cases through ``retour.simulation`` (every write an action
call), then times a baseline: the same number of bare Person and ReturnCase rows written with
``bulk_create``, no actions, events, deadlines or access log. It prints figures; it asserts
nothing about time.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import production
from django import get_version as django_version

BASELINE_BATCH = 1000


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases to seed (10000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    parser.add_argument("--database-url", default="",
                        help="a PostgreSQL server to run on, as postgres://user@host:port/db "
                             "(default: a temporary SQLite file)")
    return parser.parse_args()


@contextmanager
def _temporary_sqlite() -> Iterator[str]:
    folder = tempfile.mkdtemp(prefix="retour-benchmark-")
    try:
        yield f"sqlite:///{folder}/benchmark.sqlite3"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _temporary_postgres(server_url: str) -> Iterator[str]:
    import psycopg
    from psycopg import sql

    parts = urlsplit(server_url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit(f"--database-url: expected a postgres:// URL, not {parts.scheme}://")
    name = f"retour_benchmark_{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))


def _baseline(cases: int) -> float:
    """Seconds to write ``cases`` bare persons and cases with ``bulk_create``."""
    from django.db import transaction
    from django.utils import timezone

    from retour.accounts.models import Authority
    from retour.cases.models import ReturnCase
    from retour.people.models import Person

    authority = Authority.objects.get(code="nl-dtv")
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        for start in range(0, cases, BASELINE_BATCH):
            size = min(BASELINE_BATCH, cases - start)
            persons = Person.objects.bulk_create(
                Person(member_state_id="NL", registered_by=authority, sex="M", birth_year=1990,
                       created_at=now)
                for _ in range(size)
            )
            ReturnCase.objects.bulk_create(
                ReturnCase(number=f"BENCH-{start + i:08d}", person=person, member_state_id="NL",
                           origin="irregular_stay_detected", responsible_authority=authority,
                           opened_at=now, updated_at=now)
                for i, person in enumerate(persons)
            )
    return time.perf_counter() - started


def _run(cases: int, seed: int, database_url: str) -> None:
    production.setup(database_url)
    from django.core.management import call_command
    from django.db import connection

    from retour.audit.models import AccessLogEntry
    from retour.simulation.seeding import seed as seed_cases

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_reference", stdout=io.StringIO())
    log_before = AccessLogEntry.objects.count()

    cpu_before = time.process_time()
    report = seed_cases(cases=cases, seed=seed)
    cpu_seconds = time.process_time() - cpu_before
    action_seconds = report.planning_seconds + report.replay_seconds
    log_entries = AccessLogEntry.objects.count() - log_before
    baseline_seconds = _baseline(cases)

    print(f"database      {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"machine       {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"Django {django_version()}")
    print(f"seeded        {report.case_count} cases, {report.person_count} persons, "
          f"{len(report.households)} households")
    print(f"written       {report.events} case events, {log_entries} access-log entries")
    print(f"action path   {action_seconds:.1f} s total (planning {report.planning_seconds:.1f} s, "
          f"actions {report.replay_seconds:.1f} s), {cpu_seconds:.1f} s CPU in this process")
    print(f"              {report.case_count / action_seconds:.0f} cases/s, "
          f"{report.events / report.replay_seconds:.0f} events/s, "
          f"{1000 * action_seconds / report.case_count:.2f} ms per case")
    print(f"baseline      {baseline_seconds:.2f} s for {cases} bare persons + cases with "
          f"bulk_create ({cases / baseline_seconds:.0f} cases/s)")
    print(f"ratio         action path / baseline = {action_seconds / baseline_seconds:.0f}x")


def main() -> None:
    arguments = _arguments()
    if arguments.cases < 1:
        raise SystemExit("--cases must be at least 1")
    temporary = (
        _temporary_postgres(arguments.database_url) if arguments.database_url
        else _temporary_sqlite()
    )
    with temporary as database_url:
        _run(arguments.cases, arguments.seed, database_url)


if __name__ == "__main__":
    main()
