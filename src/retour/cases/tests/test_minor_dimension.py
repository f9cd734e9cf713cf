"""The milestone row's ``minor`` counts a child as the guards do: a date of birth known only
in part gives the benefit of the doubt (Directive 2013/32/EU Art. 25(5)), so the statistics
and the procedure never disagree on who is a minor."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retour.cases import actions, guards
from retour.cases.tests import support as s

# Today is 2 March 2026: whoever was born on 2 March 2008 or earlier is 18.


@pytest.mark.parametrize(
    ("year", "month", "day", "minor"),
    [
        (2008, None, None, True),  # 18 only if born on 1 January 2008
        (2008, 3, None, True),  # 18 only if born on 1 or 2 March 2008
        (2008, 3, 3, True),
        (2008, 3, 2, False),  # 18 today
        (2007, None, None, False),
        (None, None, None, False),
    ],
)
def test_minor_on_opening_is_the_guards_minor(anna, today, year, month, day, minor):
    case = s.registered(anna, birth_year=year, birth_month=month, birth_day=day)
    case.milestones.refresh_from_db()
    assert case.milestones.minor is minor
    assert guards.is_minor(case) is minor
    assert (guards.concerns_a_minor(case) is None) is minor


def test_minor_when_a_vulnerability_is_recorded_counts_on_the_day_it_was_noted(anna, today):
    # 18 today, but still a child on 31 January, when the vulnerability was noted; noted as
    # a minor, a person of unknown age counts as one too.
    born_2008 = s.registered(anna, birth_year=2008, birth_month=3, birth_day=2)
    unknown_age = s.registered(anna, birth_year=None, birth_month=None, birth_day=None)
    noted_on = today - timedelta(days=30)
    actions.record_vulnerability(anna, born_2008.person_id, kind="pregnancy", noted_on=noted_on)
    actions.record_vulnerability(anna, unknown_age.person_id, kind="minor", noted_on=noted_on)
    for case in (born_2008, unknown_age):
        event = case.events.latest("sequence")
        assert event.payload["minor"] is True
        case.milestones.refresh_from_db()
        assert case.milestones.minor is True
