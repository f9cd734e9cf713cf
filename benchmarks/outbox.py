"""Benchmark: what the outbox adds to an action's writes, and how fast a worker delivers.

    .venv/bin/python benchmarks/outbox.py --messages 10000
    .venv/bin/python benchmarks/outbox.py --messages 2000 --database-url postgres://postgres@127.0.0.1:5432/postgres

In a fresh temporary database (as ``benchmarks/seed.py``: a SQLite file, or a new database on
the PostgreSQL server given), with one subscriber that does nothing:

- writes: N case events, each in a transaction of its own as an action writes it, against the
  same with ``publish`` writing the subscriber's message beside each event; then the same two
  in one bulk session (ADR 5);
- delivery: N messages delivered by the worker loop (``Worker.run(once=True)``), one message
  per case, and ten messages per case (a round delivers one message per case, to keep each
  case's order), against the time the plain writes took.

It prints figures and ratios; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import datetime
from typing import Any

import production
from django import get_version as django_version

# The same throw-away databases as the seeding benchmark.
from seed import _temporary_postgres, _temporary_sqlite

PAYLOAD = {"origin": "irregular_stay_detected", "number": "BENCH-00000001"}
EVENT_TYPE = "case_opened"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000,
                        help="events written and messages delivered (10000)")
    parser.add_argument("--database-url", default="",
                        help="a PostgreSQL server to run on, as postgres://user@host:port/db "
                             "(default: a temporary SQLite file)")
    return parser.parse_args()


def _a_case(now: datetime) -> Any:
    from retour.accounts.models import Authority
    from retour.cases.models import ReturnCase
    from retour.people.models import Person

    authority = Authority.objects.get(code="nl-dtv")
    person = Person.objects.create(member_state_id="NL", registered_by=authority, sex="M",
                                   birth_year=1990, created_at=now)
    return ReturnCase.objects.create(
        number="BENCH-00000001", person=person, member_state_id="NL",
        origin="irregular_stay_detected", responsible_authority=authority, opened_at=now,
        updated_at=now,
    )


class EventWriter:
    """Writes the events of one case, numbered on from the last one written."""

    def __init__(self, case: Any, now: datetime) -> None:
        self.case, self.now, self.sequence = case, now, 0

    def write(self, *, publishing: bool) -> None:
        from retour import bulk
        from retour.cases.models import CaseEvent
        from retour.outbox.publish import PublishedEvent, publish

        self.sequence += 1
        event = CaseEvent(case=self.case, sequence=self.sequence, occurred_at=self.now,
                          type=EVENT_TYPE, version=1, payload=PAYLOAD)
        session = bulk.current()
        if session is None:
            event.save()
        else:
            session.collect("cases.events", event, bulk.insert_rows)
        if publishing:
            publish(PublishedEvent(
                type=EVENT_TYPE, version=1, stream=f"case:{self.case.pk}",
                sequence=self.sequence, occurred_at=self.now, member_state="NL",
                payload=PAYLOAD,
            ))

    def one_transaction_each(self, count: int, *, publishing: bool) -> float:
        from django.db import transaction

        started = time.perf_counter()
        for _ in range(count):
            with transaction.atomic():
                self.write(publishing=publishing)
        return time.perf_counter() - started

    def one_bulk_session(self, count: int, *, publishing: bool) -> float:
        from retour import bulk

        started = time.perf_counter()
        with bulk.bulk_session():
            for _ in range(count):
                self.write(publishing=publishing)
        return time.perf_counter() - started


def _delivery(count: int, per_case: int, now: datetime) -> float:
    """Seconds for the worker loop to deliver ``count`` messages, ``per_case`` per case."""
    from retour import bulk
    from retour.outbox.models import Message
    from retour.outbox.publish import PublishedEvent, publish
    from retour.outbox.worker import Worker

    Message.objects.all().delete()
    with bulk.bulk_session():
        for index in range(count):
            publish(PublishedEvent(
                type=EVENT_TYPE, version=1, stream=f"case:{index // per_case}",
                sequence=index % per_case + 1, occurred_at=now, member_state="NL",
                payload=PAYLOAD,
            ))
    started = time.perf_counter()
    tally = Worker().run(once=True)
    seconds = time.perf_counter() - started
    if tally.delivered != count:
        raise SystemExit(f"delivered {tally.delivered} of {count} messages")
    return seconds


def _run(count: int, database_url: str) -> None:
    production.setup(database_url)
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from retour.outbox.models import Message
    from retour.outbox.subscribers import Subscriber, subscribe

    call_command("migrate", verbosity=0, interactive=False)
    for app in ("reference", "accounts"):  # the countries and authorities a case needs
        apps.get_app_config(app).load_reference_data()
    now = timezone.now()
    writer = EventWriter(_a_case(now), now)
    writer.one_transaction_each(min(count, 500), publishing=False)  # warm up
    plain = writer.one_transaction_each(count, publishing=False)
    subscribe(Subscriber(name="nothing", deliver=lambda message: None,
                         description="does nothing (benchmark)"))
    published = writer.one_transaction_each(count, publishing=True)
    bulk_plain = writer.one_bulk_session(count, publishing=False)
    bulk_published = writer.one_bulk_session(count, publishing=True)
    if Message.objects.count() != 2 * count:
        raise SystemExit("the outbox does not hold one message per event published")
    one_each = _delivery(count, 1, now)
    ten_each = _delivery(count, 10, now)

    def per(seconds: float) -> str:
        return f"{seconds:.2f} s ({1000 * seconds / count:.3f} ms each, {count / seconds:.0f}/s)"

    print(f"database      {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"machine       {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"Django {django_version()}")
    print(f"writes        {count} case events, one transaction each, with one subscriber:")
    print(f"  baseline    event only            {per(plain)}")
    print(f"  outbox      event + message       {per(published)}")
    print(f"  ratio       outbox / baseline = {published / plain:.2f}x")
    print(f"writes        {count} case events in one bulk session:")
    print(f"  baseline    event only            {per(bulk_plain)}")
    print(f"  outbox      event + message       {per(bulk_published)}")
    print(f"  ratio       outbox / baseline = {bulk_published / bulk_plain:.2f}x")
    print(f"delivery      {count} messages to a subscriber that does nothing, by the worker loop:")
    print(f"  one a case  {per(one_each)}")
    print(f"  ten a case  {per(ten_each)}")
    print(f"  ratio       delivery (one a case) / plain event write = {one_each / plain:.2f}x")


def main() -> None:
    arguments = _arguments()
    if arguments.messages < 10:
        raise SystemExit("--messages must be at least 10")
    temporary = (
        _temporary_postgres(arguments.database_url) if arguments.database_url
        else _temporary_sqlite()
    )
    with temporary as database_url:
        _run(arguments.messages, database_url)


if __name__ == "__main__":
    main()
