"""Benchmark: the case list, a search by name and the case page under concurrent clients on
the production server, beside a bare Django JSON view on the same server in the same run.

    .venv/bin/python benchmarks/load.py --cases 1000000
    .venv/bin/python benchmarks/load.py --cases 100000 --clients 20 --seconds 60

On PostgreSQL, in a database of its own that is kept between runs (the data is made once):

1. data: 10,000 cases seeded through the actions (``retour seed``), then copied with SQL
   (``INSERT … SELECT``) until there are N: each copy repeats the seeded persons with their
   names, nationalities and vulnerabilities, and their cases with milestone rows, events,
   decisions, timers and tasks, under new keys and case numbers (``NL-2025-000123.7``);
   then ``VACUUM ANALYZE``. Seeding a million cases through the actions would take hours
   here; the copies are what the pages read, consistent row for row, but not what the access
   log says;
2. gunicorn with the production settings and ``deploy/gunicorn.conf.py`` (``load_settings``
   adds the bare view ``/bench/bare``), as behind the TLS proxy (``X-Forwarded-Proto``);
3. the simulation's case officer of the Dutch return service signed in by a session made
   directly in the database (no sign-in form, no second factor);
4. for each page in turn, ``--clients`` threads send requests one after another for
   ``--seconds``: the case list (a random one of its first 20 pages), a search by a surname
   drawn from the Dutch persons (POST, as the page sends it), a random Dutch case's page, and
   the bare view (anonymous).

It prints throughput, p50/p95/p99 and errors per page and each page's throughput as a share of
the bare view's; it asserts nothing about time. The goal (issue 13): p95 ≤ 100 ms, no error,
at least half the bare view's throughput.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BASE_CASES = 10_000
# Keys of copied rows with whole-number keys: the original's plus the copy's number times this,
# far above what the seeding's sequences hand out.
KEY_OFFSET = 1_000_000_000
AUTHORITY = "nl-dtv"
CASE_LINK = re.compile(r'href="/cases/([0-9a-f-]{36})/"')
# The folders of keys production needs (RETOUR_*_KEY_DIR), and the command that makes the first.
KEYS = [
    ("RETOUR_AUDIT_KEY_DIR", "audit-keys", ("audit", "new-key")),
    ("RETOUR_DATA_KEY_DIR", "data-keys", ("encryption", "new-key")),
]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases (1000000)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (20)")
    parser.add_argument("--seconds", type=float, default=60, help="seconds per page (60)")
    parser.add_argument("--database-url",
                        default="postgres://postgres@127.0.0.1:5432/retour_bench_load",
                        help="the benchmark's PostgreSQL database, made if missing and kept")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (a free one)")
    parser.add_argument("--work-dir", default="/tmp/retour-bench-load",  # noqa: S108
                        help="static files, the access log's keys, gunicorn's log")
    return parser.parse_args()


def _environment(arguments: argparse.Namespace, secret: str) -> dict[str, str]:
    work = Path(arguments.work_dir)
    return {
        "DJANGO_SETTINGS_MODULE": "load_settings",
        "PYTHONPATH": str(ROOT / "benchmarks"),
        "RETOUR_DATABASE_URL": arguments.database_url,
        "RETOUR_SECRET_KEY": secret,
        "RETOUR_ALLOWED_HOSTS": "127.0.0.1",
        "RETOUR_DATA_DIR": str(work),
        **{variable: str(work / folder) for variable, folder, _ in KEYS},
    }


def _create_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _prepare(cases: int) -> None:
    """Migrate, load the reference data, seed the base through the actions, copy up to
    ``cases``; each step only if not done yet."""
    from django.conf import settings
    from django.core.management import call_command

    from retour.cases.models import ReturnCase

    call_command("migrate", verbosity=0)
    for variable, _, command in KEYS:
        keys = Path(os.environ[variable])
        if not keys.exists() or not any(keys.iterdir()):
            call_command(*command)
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", "--no-input", verbosity=0)
    if not ReturnCase.objects.exists():
        call_command("load_reference")
        started = time.perf_counter()
        call_command("seed", "--cases", str(min(cases, BASE_CASES)), "--seed", "1")
        print(f"seeded {min(cases, BASE_CASES)} cases in {time.perf_counter() - started:.0f} s")
    _copy_until(cases)


def _copy_until(cases: int) -> None:
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_returncase WHERE number NOT LIKE '%.%'")
        base = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM cases_returncase")
        have = cursor.fetchone()[0]
    copies = range(have // base, -(-cases // base))
    started = time.perf_counter()
    for copy in copies:
        with transaction.atomic(), connection.cursor() as cursor:
            for table, where, replaced in _COPIED:
                _copy(cursor, table, where, copy, replaced)
        print(f"copy {copy}: {(copy + 1) * base} cases, {time.perf_counter() - started:.0f} s",
              flush=True)
    if copies:
        # As autovacuum leaves a table that is mostly read: statistics for the planner, and
        # the visibility map that lets a count read an index only.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


_BASE_CASES = "SELECT id FROM cases_returncase WHERE number NOT LIKE '%.%'"
_BASE_PERSONS = "SELECT person_id FROM cases_returncase WHERE number NOT LIKE '%.%'"
_WHOLE = "{column} + {copy}::bigint * " + str(KEY_OFFSET)
_UUID = "md5({column}::text || ':{copy}')::uuid"
# Table, which rows are the originals, and how a copy's columns differ from the original's.
_COPIED: list[tuple[str, str, dict[str, str]]] = [
    ("people_person", f"id IN ({_BASE_PERSONS})", {"id": _UUID}),
    ("people_personname", f"person_id IN ({_BASE_PERSONS})", {"id": _WHOLE, "person_id": _UUID}),
    ("people_nationality", f"person_id IN ({_BASE_PERSONS})",
     {"id": _WHOLE, "person_id": _UUID}),
    ("people_vulnerability", f"person_id IN ({_BASE_PERSONS})",
     {"id": _WHOLE, "person_id": _UUID}),
    ("cases_returncase", f"id IN ({_BASE_CASES})",
     {"id": _UUID, "person_id": _UUID, "number": "{column} || '.{copy}'"}),
    ("cases_casemilestones", f"case_id IN ({_BASE_CASES})", {"case_id": _UUID}),
    ("cases_caseevent", f"case_id IN ({_BASE_CASES})", {"id": _WHOLE, "case_id": _UUID}),
    ("cases_decision", f"case_id IN ({_BASE_CASES})",
     {"id": _WHOLE, "case_id": _UUID, "contested_id": _WHOLE}),
    ("cases_timer", f"case_id IN ({_BASE_CASES})",
     {"id": _WHOLE, "case_id": _UUID, "decision_id": _WHOLE,
      "subject_key": "CASE WHEN subject = 'case' THEN (md5({column} || ':{copy}')::uuid)::text "
                     "ELSE {column} END"}),
    ("cases_task", f"case_id IN ({_BASE_CASES})", {"id": _WHOLE, "case_id": _UUID}),
]


def _copy(cursor: object, table: str, where: str, copy: int, replaced: dict[str, str]) -> None:
    from django.db import connection

    columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
    chosen = [replaced[c].format(column=c, copy=copy) if c in replaced else c for c in columns]
    cursor.execute(  # type: ignore[attr-defined]
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(chosen)} FROM {table} WHERE {where}"
    )


def _session_cookie() -> tuple[str, list[str]]:
    """A signed-in session of the Dutch return service's case officer, and the surnames of
    Dutch persons to search for."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from retour.accounts.models import Authority
    from retour.simulation.actors import simulation_user

    officer = simulation_user(Authority.objects.get(code=AUTHORITY))
    client = Client()
    client.force_login(officer)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT n.surname FROM people_personname n JOIN people_person p "
            "ON p.id = n.person_id WHERE p.member_state_id = 'NL' AND n.script = 'Latn' "
            "LIMIT 2000")
        surnames = [row[0] for row in cursor.fetchall()]
    return client.cookies[settings.SESSION_COOKIE_NAME].value, surnames


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _serve(environment: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603
        [str(Path(sys.executable).parent / "gunicorn"), "--config",
         str(ROOT / "deploy" / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
         "retour.wsgi:application"],
        env={**os.environ, **environment}, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if _request(port, "GET", "/healthz", {}).status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"gunicorn did not answer on port {port}:\n{log.read_text()}")


@dataclass
class _Answer:
    status: int
    body: bytes


def _request(port: int, method: str, path: str, headers: dict[str, str],
             body: str | None = None) -> _Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers={
            "X-Forwarded-Proto": "https", **headers})
        response = connection.getresponse()
        return _Answer(response.status, response.read())
    finally:
        connection.close()


@dataclass
class _Page:
    name: str
    send: object  # (random.Random) -> _Answer
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def line(self, bare: _Page | None) -> str:
        done = len(self.latencies)
        rate = done / self.seconds if self.seconds else 0.0
        cuts = statistics.quantiles(self.latencies, n=100) if done > 1 else [0.0] * 99
        share = f"{rate / (len(bare.latencies) / bare.seconds):6.0%}" if bare else "      "
        return (f"{self.name:<12} {done:>7} {rate:>8.1f} {cuts[49] * 1000:>7.0f} "
                f"{cuts[94] * 1000:>7.0f} {cuts[98] * 1000:>7.0f} {self.errors:>6} {share}")


def _pages(port: int, session: str, surnames: list[str]) -> tuple[list[_Page], int]:
    """The pages to load, and how many cases the case page is asked for: those on the case
    list's first 20 pages, the cases the officer may see (need to know) and would open."""
    from django.conf import settings

    csrf = secrets.token_hex(16)  # 32 characters: a CSRF secret, sent as cookie and in the form
    signed_in = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; "
                           f"{settings.CSRF_COOKIE_NAME}={csrf}"}
    origin = f"https://127.0.0.1:{port}"
    cases = sorted({
        found for number in range(1, 21)
        for found in CASE_LINK.findall(
            _request(port, "GET", f"/cases/?page={number}", signed_in).body.decode())
    })
    if not cases:
        raise SystemExit("the case list shows the officer no case")

    def case_list(chooser: random.Random) -> _Answer:
        return _request(port, "GET", f"/cases/?page={chooser.randint(1, 20)}", signed_in)

    def search(chooser: random.Random) -> _Answer:
        form = urlencode({"csrfmiddlewaretoken": csrf, "q": chooser.choice(surnames)})
        return _request(port, "POST", "/cases/", {
            **signed_in, "Origin": origin, "Referer": f"{origin}/cases/",
            "Content-Type": "application/x-www-form-urlencoded"}, form)

    def case_page(chooser: random.Random) -> _Answer:
        return _request(port, "GET", f"/cases/{chooser.choice(cases)}/", signed_in)

    def bare(chooser: random.Random) -> _Answer:
        return _request(port, "GET", "/bench/bare", {})

    pages = [_Page("bare view", bare), _Page("case list", case_list), _Page("search", search),
             _Page("case page", case_page)]
    return pages, len(cases)


def _load(page: _Page, clients: int, seconds: float) -> None:
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(number: int) -> None:
        chooser = random.Random(number)
        latencies, errors = [], 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                answer = page.send(chooser)  # type: ignore[operator]
                failed = answer.status != 200
            except OSError:
                failed = True
            latencies.append(time.perf_counter() - started)
            errors += failed
        with lock:
            page.latencies += latencies
            page.errors += errors

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    page.seconds = time.monotonic() - started


def main() -> None:
    arguments = _arguments()
    secret = secrets.token_urlsafe(40)
    environment = _environment(arguments, secret)
    os.environ.update(environment)
    sys.path.insert(0, environment["PYTHONPATH"])
    Path(arguments.work_dir).mkdir(parents=True, exist_ok=True)
    _create_database(arguments.database_url)

    import django

    django.setup()
    from django.db import connection

    _prepare(arguments.cases)
    session, surnames = _session_cookie()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE member_state_id = 'NL') "
                       "FROM cases_returncase")
        total, dutch = cursor.fetchone()
    connection.close()
    port = arguments.port or _free_port()
    server = _serve(environment, port, Path(arguments.work_dir) / "gunicorn.log")
    try:
        pages, cases = _pages(port, session, surnames)
        chooser = random.Random(0)
        for page in pages:
            answer = page.send(chooser)  # type: ignore[operator]
            if answer.status != 200:
                raise SystemExit(f"{page.name}: {answer.status} before the load:\n"
                                 f"{answer.body[:2000].decode(errors='replace')}")
        for page in pages:
            _load(page, arguments.clients, arguments.seconds)
    finally:
        server.terminate()
        server.wait()
    print(f"{platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} cores, PostgreSQL, gunicorn (deploy/gunicorn.conf.py), "
          f"{arguments.clients} clients, {arguments.seconds:.0f} s per page")
    print(f"{total} cases ({dutch} Dutch, the officer's), "
          f"{cases} case pages (from the list's first 20 pages) and {len(surnames)} surnames "
          "drawn from")
    print(f"{'page':<12} {'requests':>7} {'per s':>8} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'p99 ms':>7} {'errors':>6} {'of bare':>6}")
    bare = pages[0]
    print(bare.line(None))
    for page in pages[1:]:
        print(page.line(bare))


if __name__ == "__main__":
    main()
