"""Detention for the purpose of removal (Directive 2008/115/EC Art. 15): ordered and ended
through the procedure table, ended by a removal, folded into the milestone row."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retour.audit.models import AccessLogEntry
from retour.cases import actions
from retour.cases.models import CaseEvent, CaseMilestones
from retour.cases.tests import support as s
from retour.detention import actions as detention
from retour.detention.models import DetentionMilestones, DetentionPeriod
from retour.errors import InvalidInput, PermissionRefused, TransitionRefused
from retour.testing.projections import assert_same_as_replayed, stored


def _order(user, case, **changes):
    fields = {"ordered_on": s.days_ago(10), "ground": "risk_of_absconding",
              "facility": "Detentiecentrum Rotterdam"}
    return detention.order_detention(user, case.pk, **{**fields, **changes})


def _same_as_rebuilt(case) -> None:
    assert_same_as_replayed(case)


def test_ordered_and_ended_with_events_access_log_and_milestones(anna, today):
    case = s.forced_return_preparation(anna)
    writes = AccessLogEntry.objects.filter(operation="write").count()
    _order(anna, case, reason="no fixed address")
    period = DetentionPeriod.objects.get(case=case)
    assert (period.ordered_by.code, period.ended_on) == ("nl-dtv", None)
    event = CaseEvent.objects.filter(case=case).latest("sequence")
    assert event.type == "order_detention"
    assert event.payload["detention"]["ground"] == "risk_of_absconding"
    assert AccessLogEntry.objects.filter(operation="write").count() == writes + 1
    row = stored(case, DetentionMilestones)
    assert (row.detained_on, row.detention_ended_on) == (s.days_ago(10), None)

    detention.end_detention(anna, case.pk, ended_on=today, reason="released_by_court",
                          note="court of The Hague: unlawful")
    period.refresh_from_db()
    assert (period.ended_on, period.end_reason) == (today, "released_by_court")
    assert period.note == "court of The Hague: unlawful"
    row.refresh_from_db()
    assert (row.detained_on, row.detention_ended_on, row.detention_end_reason) == (
        s.days_ago(10), today, "released_by_court")
    _same_as_rebuilt(case)

    # A second period: the first start stays, the last end is the new one.
    _order(anna, case, ordered_on=today)
    detention.end_detention(anna, case.pk, ended_on=today, reason="alternative")
    row.refresh_from_db()
    assert (row.detained_on, row.detention_end_reason) == (s.days_ago(10), "alternative")
    _same_as_rebuilt(case)


def test_one_open_period_at_a_time(anna, today):
    case = s.forced_return_preparation(anna)
    _order(anna, case)
    with s.writes_nothing(case.pk), pytest.raises(TransitionRefused, match="already detained"):
        _order(anna, case, ordered_on=today)


def test_needs_an_enforceable_return_decision(anna, today):
    for case in (s.legal_stay_ended(anna), s.voluntary_departure(anna)):
        with s.writes_nothing(case.pk), pytest.raises(TransitionRefused):
            _order(anna, case)


def test_every_wrong_field_at_once_and_nothing_written(anna, today):
    case = s.forced_return_preparation(anna)
    with s.writes_nothing(case.pk), pytest.raises(InvalidInput) as refused:
        _order(anna, case, ordered_on=today + timedelta(days=1), ground="suspicion",
               facility=" ")
    assert set(refused.value.errors) == {"ordered_on", "ground", "facility"}
    with s.writes_nothing(case.pk), pytest.raises(InvalidInput) as refused:
        _order(anna, case, ordering_authority="nl-nope")
    assert set(refused.value.errors) == {"ordering_authority"}


def test_end_refuses_a_date_before_the_order_and_an_unknown_reason(anna, today):
    case = s.forced_return_preparation(anna)
    with pytest.raises(TransitionRefused, match="not detained"):
        detention.end_detention(anna, case.pk, ended_on=today, reason="other")
    _order(anna, case)
    with s.writes_nothing(case.pk), pytest.raises(InvalidInput) as refused:
        detention.end_detention(anna, case.pk, ended_on=s.days_ago(11), reason="bored")
    assert set(refused.value.errors) == {"ended_on", "reason"}


def test_a_minor_is_detained_only_with_the_reason_it_is_the_last_resort(anna, today):
    """Art. 17(1): a measure of last resort; the order must say why."""
    case = s.forced_return_preparation(anna)
    actions.record_vulnerability(anna, case.person_id, kind="minor", noted_on=s.days_ago(20))
    with pytest.raises(InvalidInput) as refused:
        _order(anna, case)
    assert "Art. 17(1)" in refused.value.errors["reason"]
    _order(anna, case, reason="family absconded twice; reporting duty failed")
    assert DetentionPeriod.objects.filter(case=case).exists()


def test_a_removal_ends_the_open_period_with_an_event_of_its_own(anna, today):
    case = s.removal_scheduled(anna)
    _order(anna, case)
    actions.record_removal(anna, case.pk, departed_on=today, destination="MA")
    assert list(case.events.order_by("-sequence").values_list("type", flat=True)[:2]) == [
        "end_detention", "record_removal"]
    period = DetentionPeriod.objects.get(case=case)
    assert (period.ended_on, period.end_reason) == (today, "removed")
    row = stored(case, DetentionMilestones)
    assert (row.detention_ended_on, row.detention_end_reason) == (today, "removed")
    assert CaseMilestones.objects.get(case=case).return_type == "enforced"
    _same_as_rebuilt(case)


def test_a_removal_dated_before_the_detention_is_refused_whole(anna, today):
    with s.on(today - timedelta(days=5)):
        case = s.removal_scheduled(anna)
    _order(anna, case, ordered_on=today)
    with s.writes_nothing(case.pk), pytest.raises(InvalidInput) as refused:
        actions.record_removal(anna, case.pk, departed_on=s.days_ago(1), destination="MA")
    assert "before detention was ordered" in refused.value.errors["departed_on"]


def test_who_may_order_it(anna, lotte, ruud, today):
    case = s.forced_return_preparation(anna)
    for user in (ruud,):
        with s.writes_nothing(case.pk), pytest.raises(PermissionRefused):
            _order(user, case)
    assert not lotte.can("order_detention")
    assert s.officer("dina", "nl-dtv").can("order_detention")
