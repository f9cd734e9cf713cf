"""Benchmark: the access log keyed (HMAC-SHA256, ADR 15) against plain SHA-256, in one run.

    .venv/bin/python benchmarks/audit.py --entries 20000
    .venv/bin/python benchmarks/audit.py --entries 5000 --database-url postgres://postgres@127.0.0.1:5432/postgres

In a fresh temporary database (as benchmarks/seed.py makes it), the same entries, each
concerning one person:

1. the digest alone, in memory: plain SHA-256 (as before keying) and keyed;
2. appended by ``record_access``, one transaction each (a request's way) and in a bulk session
   (the seeder's way): first unkeyed, as the product wrote them before keying (the key left
   out), then keyed after ``retour audit new-key``, which seals the unkeyed ones (so the keyed
   entries go into a log twice as long, and the order favours plain SHA-256 a little);
3. verified: ``retour audit verify``'s walk over all of them, with the person index.

It prints entries per second; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import io
import os
import platform
import secrets
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable

from seed import _temporary_postgres, _temporary_sqlite


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=20_000, help="entries per way (20000)")
    parser.add_argument("--database-url", default="",
                        help="a PostgreSQL server to run on, as postgres://user@host:port/db "
                             "(default: a temporary SQLite file)")
    return parser.parse_args()


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>10,.0f} entries/s  ({1e6 * seconds / count:.1f} µs each)"


def _run(count: int, database_url: str, key_folder: str) -> None:
    os.environ["RETOUR_DATABASE_URL"] = database_url
    os.environ.setdefault("RETOUR_SECRET_KEY", secrets.token_urlsafe(32))
    os.environ["RETOUR_AUDIT_KEY_DIR"] = key_folder
    # The health data's keys (not used here), which production settings also ask for.
    os.environ.setdefault("RETOUR_DATA_KEY_DIR", os.path.join(key_folder, "data"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "retour.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from retour import bulk
    from retour.accounts.models import Authority, User
    from retour.audit import keys, log
    from retour.audit.models import AccessLogEntry

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_reference", stdout=io.StringIO())
    officer = User.objects.create(username="benchmark",
                                  authority=Authority.objects.get(code="nl-dtv"))
    persons = [uuid.uuid4() for _ in range(count)]

    def one_each() -> None:
        for person in persons:
            log.record_access(officer, "read", "person", [person], person_ids=[person])

    def in_a_session() -> None:
        with bulk.bulk_session():
            one_each()

    def timed(write: Callable[[], None]) -> float:
        started = time.perf_counter()
        write()
        return time.perf_counter() - started

    # Before keying: the product's old way, an entry with no key and a plain SHA-256 digest.
    real_current_key = keys.current_key
    keys.current_key = lambda: keys.ChainKey("", b"")
    unkeyed = timed(one_each), timed(in_a_session)
    keys.current_key = real_current_key
    call_command("audit", "new-key", stdout=io.StringIO())
    keyed = timed(one_each), timed(in_a_session)

    sample = AccessLogEntry.objects.order_by("-sequence")[:count]
    messages = [e.previous_digest.encode() + log._canonical(e) for e in sample]
    secret = keys.current_key().secret
    started = time.perf_counter()
    for message in messages:
        hashlib.sha256(message).hexdigest()
    plain_digest = time.perf_counter() - started
    started = time.perf_counter()
    for message in messages:
        hmac.digest(secret, message, "sha256").hex()
    keyed_digest = time.perf_counter() - started

    total = AccessLogEntry.objects.count()
    started = time.perf_counter()
    broken = log.verify_chain()
    verify = time.perf_counter() - started
    if broken is not None:
        raise SystemExit(f"the benchmark's own log does not verify: {broken}")

    print(f"database        {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"machine         {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"Django {django.get_version()}")
    print(f"digest alone    plain SHA-256     {_rate(count, plain_digest)}")
    print(f"                HMAC-SHA256       {_rate(count, keyed_digest)}")
    print(f"one each        plain SHA-256     {_rate(count, unkeyed[0])}")
    print(f"                HMAC-SHA256       {_rate(count, keyed[0])}")
    print(f"bulk session    plain SHA-256     {_rate(count, unkeyed[1])}")
    print(f"                HMAC-SHA256       {_rate(count, keyed[1])}")
    print(f"verify          {total} entries   {_rate(total, verify)}")
    print(f"ratio           keyed / plain: digest {keyed_digest / plain_digest:.2f}x, "
          f"one each {keyed[0] / unkeyed[0]:.2f}x, bulk {keyed[1] / unkeyed[1]:.2f}x")


def main() -> None:
    arguments = _arguments()
    if arguments.entries < 1:
        raise SystemExit("--entries must be at least 1")
    temporary = (
        _temporary_postgres(arguments.database_url) if arguments.database_url
        else _temporary_sqlite()
    )
    key_folder = tempfile.mkdtemp(prefix="retour-benchmark-keys-")
    try:
        with temporary as database_url:
            _run(arguments.entries, database_url, key_folder)
    finally:
        shutil.rmtree(key_folder, ignore_errors=True)


if __name__ == "__main__":
    main()
