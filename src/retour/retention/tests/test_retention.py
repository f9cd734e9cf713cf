"""Retention: what has passed its period is erased with every row that refers to it, in any
app; nothing else is touched; a run is all or nothing."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from retour.audit.log import verify_chain
from retour.audit.models import AccessLogEntry
from retour.cases.models import CaseEvent, ReturnCase
from retour.outbox.models import Message
from retour.people.models import Person
from retour.retention import erasure
from retour.retention.models import RetentionRun
from retour.retention.rules import closed_case_period, kept_until
from retour.retention.run import apply_retention
from retour.seam.models import SubjectEvent
from retour.simulation.seeding import seed

SEEDED_ON = date(2026, 6, 1)


@pytest.fixture
def caseload(db):
    seed(cases=40, seed=7, today=SEEDED_ON)
    closed = ReturnCase.objects.filter(closed_at__isnull=False)
    assert closed.count() >= 10 and ReturnCase.objects.filter(closed_at__isnull=True).exists()


def _past_their_period(today: date) -> set[uuid.UUID]:
    return {
        case.id for case in ReturnCase.objects.filter(closed_at__isnull=False)
        if kept_until(closed_case_period(case.outcome, timezone.localdate(case.closed_at),
                                         case.member_state_id),
                      timezone.localdate(case.closed_at)) < today
    }


def _open_cases() -> list[tuple[str, int]]:
    return sorted(ReturnCase.objects.filter(closed_at__isnull=True)
                  .values_list("number", "version"))


def test_cases_past_their_period_go_with_every_row_that_refers_to_them(caseload):
    today = date(2032, 1, 1)  # past every shipped period of a case closed before 2026-06
    doomed = _past_their_period(today)
    persons = set(ReturnCase.objects.filter(id__in=doomed).values_list("person_id", flat=True))
    kept_persons = set(ReturnCase.objects.exclude(id__in=doomed)
                       .values_list("person_id", flat=True))
    open_before = _open_cases()
    assert doomed

    report = apply_retention(today)

    assert report.cases == len(doomed)
    assert report.persons == len(persons - kept_persons)
    assert not ReturnCase.objects.filter(id__in=doomed).exists()
    assert not CaseEvent.objects.filter(case_id__in=doomed).exists()
    gone = persons - kept_persons
    assert not Person.objects.filter(id__in=gone).exists()
    assert Person.objects.filter(id__in=persons & kept_persons).count() == len(
        persons & kept_persons)
    # Nothing anywhere still points at what was erased (the walk finds no row left) …
    left = erasure.collect({ReturnCase: doomed, Person: gone})
    assert {m._meta.label: k for m, k in left.items()
            if m not in (ReturnCase, Person) and k} == {}
    assert not SubjectEvent.objects.filter(
        subject_kind="person", subject_key__in=[str(p) for p in gone]).exists()
    # … nothing past its period survives, and the open cases are as they were.
    assert _past_their_period(today) == set()
    assert _open_cases() == open_before


def test_each_erasure_is_in_the_access_log_and_the_chain_still_verifies(caseload):
    today = date(2032, 1, 1)
    doomed = _past_their_period(today)
    apply_retention(today)
    erased = AccessLogEntry.objects.filter(operation="erase")
    assert {uuid.UUID(i) for e in erased for i in e.object_ids} == doomed
    assert all("retention.closed_case" in e.reason and e.channel == "system" for e in erased)
    assert verify_chain() is None


def test_the_period_follows_the_outcome(caseload):
    # Two cases closed on the same day, one because legal stay was granted (kept one year),
    # one after removal (kept five): fourteen months later only the first has gone.
    first, second = ReturnCase.objects.filter(closed_at__isnull=False)[:2]
    closed_at = timezone.make_aware(datetime(2025, 1, 10, 12))
    ReturnCase.objects.filter(id=first.id).update(outcome="legal_stay_granted",
                                                  closed_at=closed_at)
    ReturnCase.objects.filter(id=second.id).update(outcome="removed", closed_at=closed_at)
    report = apply_retention(date(2026, 3, 1))
    assert not ReturnCase.objects.filter(id=first.id).exists()
    assert ReturnCase.objects.filter(id=second.id).exists()
    assert report.rules["retention.closed_case.legal_stay_granted@EU"] >= 1
    assert "retention.closed_case@EU" not in report.rules


def test_a_national_period_wins_over_the_default(caseload):
    from retour.reference.models import LegalParameter

    LegalParameter.objects.create(
        code="retention.closed_case", jurisdiction="NL", value=100, unit="years",
        valid_from=date(2000, 1, 1), description="test", source="test", verification="unverified")
    today = date(2032, 1, 1)
    apply_retention(today)
    closed_nl = ReturnCase.objects.filter(closed_at__isnull=False, member_state_id="NL")
    kept = closed_nl.exclude(outcome__in=["legal_stay_granted", "decision_withdrawn"])
    assert kept.exists()


def test_a_dry_run_reports_and_erases_nothing(caseload):
    today = date(2032, 1, 1)
    counts = (ReturnCase.objects.count(), Person.objects.count(), AccessLogEntry.objects.count())
    out = StringIO()
    call_command("retention", "--dry-run", "--today", "2032-01-01", stdout=out)
    assert out.getvalue().startswith(
        f"retention on 2032-01-01: would erase {len(_past_their_period(today))} closed cases")
    assert (ReturnCase.objects.count(), Person.objects.count(),
            AccessLogEntry.objects.count()) == counts
    assert not RetentionRun.objects.exists()


def test_a_run_that_fails_half_way_erases_nothing(caseload, monkeypatch):
    counts = (ReturnCase.objects.count(), Person.objects.count(), CaseEvent.objects.count())
    real_erase = erasure.erase

    def erase_then_fail(rows):
        real_erase(rows)
        raise RuntimeError("disk full")

    monkeypatch.setattr(erasure, "erase", erase_then_fail)
    with pytest.raises(RuntimeError):
        apply_retention(date(2032, 1, 1))
    assert (ReturnCase.objects.count(), Person.objects.count(),
            CaseEvent.objects.count()) == counts


def _message(delivered_at) -> Message:
    return Message.objects.create(
        subscriber="feed", key=uuid.uuid4(), event_type="case_opened", event_version=1,
        stream="case:x", sequence=1, member_state="NL", occurred_at=delivered_at,
        status=Message.Status.DELIVERED, next_attempt_at=delivered_at,
        created_at=delivered_at, delivered_at=delivered_at)


@pytest.mark.django_db
def test_delivered_messages_and_expired_sessions_go_after_their_period():
    now = timezone.now()
    old, recent = _message(now - timedelta(days=45)), _message(now - timedelta(days=5))
    expired = SessionStore()
    expired.set_expiry(1)
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=now - timedelta(hours=1))
    live = SessionStore()
    live.create()

    out = StringIO()
    call_command("retention", stdout=out)

    assert list(Message.objects.values_list("id", flat=True)) == [recent.id]
    assert not Message.objects.filter(id=old.id).exists()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert "1 delivered outbox messages; cleared 1 expired sessions" in out.getvalue()
    run = RetentionRun.objects.get()
    assert (run.messages, run.sessions) == (1, 1)


def test_nothing_is_erased_inside_an_open_transaction_that_is_rolled_back(caseload):
    with transaction.atomic():
        apply_retention(date(2032, 1, 1))
        transaction.set_rollback(True)
    assert ReturnCase.objects.filter(closed_at__isnull=False).exists()


@pytest.mark.django_db
def test_the_lockout_s_records_of_sign_ins_go_after_their_period(anna):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from retour.accounts.models import SignedInSession

    now = timezone.now()
    for age in (120, 10):  # a user's sessions, by when they were last used
        SignedInSession.objects.create(user=anna, signed_in_at=now - timedelta(days=age),
                                       last_seen_at=now - timedelta(days=age))
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        for age in (120, 10):
            extra = {"failures_since_start": 1} if model is AccessAttempt else {}
            record = model.objects.create(username="nl-officer", ip_address="192.0.2.7",
                                          user_agent=f"test {age}", path_info="/accounts/login/",
                                          **extra)
            model.objects.filter(pk=record.pk).update(attempt_time=now - timedelta(days=age))

    report = apply_retention()

    assert report.sign_in_records == 4
    assert [(now - t).days for t in SignedInSession.objects.values_list(
        "last_seen_at", flat=True)] == [10]
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        assert [(now - t).days for t in model.objects.values_list("attempt_time", flat=True)] \
            == [10]


@pytest.mark.django_db
def test_access_log_entries_go_after_their_own_period_and_the_log_still_verifies():
    from datetime import UTC

    from retour import clock
    from retour.audit.log import record_access

    person = uuid.uuid4()
    for moment in (datetime(2015, 3, 1, tzinfo=UTC), datetime(2016, 7, 1, tzinfo=UTC)):
        with clock.frozen_at(moment):
            record_access(None, "read", "person", [person], person_ids=[person])

    report = apply_retention(date(2026, 6, 1))  # ten years: the 2015 entry has passed

    assert report.access_log_entries == 1
    assert [e.at.year for e in AccessLogEntry.objects.filter(person_ids=[str(person)])] == [2016]
    assert verify_chain() is None


def test_a_bad_day_is_refused_naming_the_option(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match=r"--today: '2026-13-01' is not a date"):
        call_command("retention", "--today", "2026-13-01", stdout=StringIO())
