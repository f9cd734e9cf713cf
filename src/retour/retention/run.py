"""Applying the retention periods: the daily job (``retour retention``).

A closed case is erased when the period of its outcome (``rules.closed_case_period``) has run
from the day it closed; its person goes with it when none of their cases is kept. Delivered
outbox messages, expired sign-in sessions, the lockout's records of sign-ins and the oldest
entries of the access log (by checkpointed segment, ``retour.audit.segments``) go when theirs
has. Everything in one
transaction: a run stopped half-way erases nothing."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from importlib import import_module
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from retour import clock
from retour.accounts.models import SignedInSession
from retour.audit import segments
from retour.audit.log import record_access
from retour.cases.models import ReturnCase
from retour.outbox.models import Message
from retour.people.models import Person
from retour.reference.legal import require_parameter
from retour.reference.models import LegalParameter
from retour.retention import erasure
from retour.retention.models import RetentionRun
from retour.retention.rules import (
    ACCESS_LOG,
    DELIVERED_MESSAGE,
    SIGN_IN_RECORDS,
    closed_case_period,
    first_day_kept,
    kept_until,
)


@dataclass
class RetentionReport:
    today: date
    dry_run: bool
    cases: int = 0
    persons: int = 0
    messages: int = 0
    sessions: int = 0
    sign_in_records: int = 0
    access_log_entries: int = 0
    rows: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)  # cases per rule (code@jurisdiction)


@dataclass(frozen=True)
class _Due:
    case_id: Any
    person_id: Any
    rule: LegalParameter


def _due_cases(today: date) -> list[_Due]:
    due = []
    closed = ReturnCase.objects.filter(closed_at__isnull=False).values_list(
        "id", "person_id", "outcome", "closed_at", "member_state_id")
    for case_id, person_id, outcome, closed_at, member_state in closed.iterator():
        closed_on = timezone.localdate(closed_at)
        rule = closed_case_period(outcome, closed_on, member_state)
        if kept_until(rule, closed_on) < today:
            due.append(_Due(case_id, person_id, rule))
    return due


def _persons_without_kept_cases(due: list[_Due]) -> set[Any]:
    erased_cases = {d.case_id for d in due}
    cases_of: dict[Any, set[Any]] = defaultdict(set)
    persons = {d.person_id for d in due}
    for case_id, person_id in ReturnCase.objects.filter(person_id__in=persons).values_list(
            "id", "person_id"):
        cases_of[person_id].add(case_id)
    return {p for p in persons if cases_of[p] <= erased_cases}


def _delivered_messages_due(today: date) -> list[int]:
    due = []
    delivered = Message.objects.filter(
        status=Message.Status.DELIVERED, delivered_at__isnull=False,
    ).values_list("id", "delivered_at", "member_state")
    for message_id, delivered_at, member_state in delivered.iterator():
        on = timezone.localdate(delivered_at)
        rule = require_parameter(DELIVERED_MESSAGE, on, member_state or "EU")
        if kept_until(rule, on) < today:
            due.append(message_id)
    return due


def _start_of_first_day_kept(code: str, today: date) -> datetime:
    day = first_day_kept(require_parameter(code, today, "EU"), today)
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _erase_sign_in_records(today: date) -> int:
    """The lockout's records (django-axes): attempts, failures and sign-ins with the address
    and browser, of the days whose period has ended; and the users' sessions last used then."""
    cutoff = _start_of_first_day_kept(SIGN_IN_RECORDS, today)
    lockout = sum(model.objects.filter(attempt_time__lt=cutoff).delete()[0]
                  for model in (AccessAttempt, AccessFailureLog, AccessLog))
    return lockout + SignedInSession.objects.filter(last_seen_at__lt=cutoff).delete()[0]


def _clear_expired_sessions() -> int:
    """Django's own clearing (``clearsessions``), counted: sessions live outside the clock
    of the simulation, on the wall clock."""
    before = Session.objects.count()
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return before - Session.objects.count()


def apply_retention(today: date | None = None, *, dry_run: bool = False) -> RetentionReport:
    """Erase what has passed its period on ``today`` (default: today) and report it; with
    ``dry_run``, only report what would go. Regulation (EU) 2016/679 Art. 5(1)(e), 17(1)(a)."""
    today = today or clock.today()
    report = RetentionReport(today=today, dry_run=dry_run)
    with transaction.atomic():
        due = _due_cases(today)
        persons = _persons_without_kept_cases(due)
        messages = _delivered_messages_due(today)
        report.cases, report.persons, report.messages = len(due), len(persons), len(messages)
        report.rules.update(f"{d.rule.code}@{d.rule.jurisdiction}" for d in due)
        if dry_run:
            transaction.set_rollback(True)
            return report
        rows = erasure.collect({
            ReturnCase: {d.case_id for d in due}, Person: persons, Message: set(messages),
        })
        for d in due:
            record_access(
                None, "erase", "return_case", [d.case_id],
                person_ids=[d.person_id] if d.person_id in persons else [],
                reason=(f"retention period ended: {d.rule.code} ({d.rule.value} {d.rule.unit}; "
                        f"{d.rule.source})"),
                channel="system",
            )
        report.rows = erasure.erase(rows)
        report.sessions = _clear_expired_sessions()
        report.sign_in_records = _erase_sign_in_records(today)
        # Last: the entries this run wrote are today's, and stay.
        report.access_log_entries = segments.erase_before(
            _start_of_first_day_kept(ACCESS_LOG, today))
        RetentionRun.objects.create(
            ran_at=clock.now(), today=today, cases=report.cases, persons=report.persons,
            messages=report.messages, sessions=report.sessions,
            rows={**report.rows, "axes.sign_in_records": report.sign_in_records,
                  "audit.AccessLogEntry": report.access_log_entries},
            rules=dict(report.rules),
        )
    return report

