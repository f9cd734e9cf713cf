"""The case funnel on a hand-built milestone table: stages reached, cases waiting at their
furthest stage and for how long, by member state and citizenship."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retour.cases.models import CaseMilestones
from retour.statistics.funnel import STAGES, funnel, quantile
from retour.testing.factories import case_for
from retour.testing.projections import write

D = date.fromisoformat
ON = D("2026-03-01")


def funnel_case(user: Any, citizenship: str = "MA", **dates: date) -> None:
    """A case whose milestone row has exactly ``dates`` set among the funnel's dates."""
    case = case_for(user)
    cleared: dict[str, Any] = {stage.column: None for stage in STAGES}
    write(case, citizenship=citizenship, closed_on=None, absconded_on=None,
          **{**cleared, **dates})


@pytest.fixture
def world(anna: Any, lucas: Any) -> None:
    # Days waited are counted to 1 March 2026.
    funnel_case(
        anna,
        legal_stay_ended_on=D("2026-01-01"),
        return_decision_on=D("2026-01-10"),
        departed_on=D("2026-02-01"),
    )  # departed: not waiting
    funnel_case(
        anna,
        legal_stay_ended_on=D("2026-01-01"),
        return_decision_on=D("2026-01-05"),
        identified_on=D("2026-01-20"),
        readmission_requested_on=D("2026-01-25"),
    )  # 35 days
    funnel_case(anna, legal_stay_ended_on=D("2026-02-01"), return_decision_on=D("2026-02-11"))  # 18
    funnel_case(anna, legal_stay_ended_on=D("2026-02-19"))  # 10 days
    funnel_case(anna, citizenship="DZ", legal_stay_ended_on=D("2026-02-25"))  # 4 days
    # Identified before the return decision: waits at identification, the further stage.
    funnel_case(anna, return_decision_on=D("2026-01-30"), identified_on=D("2026-01-10"))  # 50 days
    funnel_case(anna, return_decision_on=D("2026-02-21"))  # 8 days
    funnel_case(anna, return_decision_on=D("2026-01-01"))  # absconded below
    CaseMilestones.objects.filter(return_decision_on=D("2026-01-01")).update(
        absconded_on=D("2026-02-01")
    )
    funnel_case(anna, return_decision_on=D("2026-02-19"))  # closed below
    CaseMilestones.objects.filter(return_decision_on=D("2026-02-19")).update(
        closed_on=D("2026-02-20")
    )
    funnel_case(anna)  # in no stage of the funnel
    funnel_case(lucas, return_decision_on=D("2026-02-01"))  # Belgium: 28 days


def _figures(member_state: str | None, citizenship: str | None = None) -> dict[str, tuple]:
    result = funnel(member_state, citizenship, on=ON)
    return {s.stage: (s.reached, s.waiting, s.waited_median, s.waited_p90) for s in result.stages}


@pytest.mark.django_db
@pytest.mark.usefixtures("world")
def test_the_funnel_counted_by_hand() -> None:
    assert _figures("NL") == {
        "legal_stay_ended": (5, 2, 7.0, 9.4),  # waited 4 and 10 days
        "return_decision": (7, 2, 13.0, 17.0),  # 8 and 18
        "identification_complete": (2, 1, 50.0, 50.0),
        "readmission_request": (1, 1, 35.0, 35.0),
        "readmission_reply": (0, 0, None, None),
        "travel_document": (0, 0, None, None),
        "departure": (1, 0, None, None),
    }
    assert funnel("NL", on=ON).waiting == 6


@pytest.mark.django_db
@pytest.mark.usefixtures("world")
def test_one_citizenship_and_every_member_state() -> None:
    assert _figures("NL", "DZ")["legal_stay_ended"] == (1, 1, 4.0, 4.0)
    assert _figures("NL", "DZ")["return_decision"] == (0, 0, None, None)
    everyone = _figures(None)
    assert everyone["return_decision"] == (8, 3, 18.0, 26.0)  # 8, 18 and Belgium's 28
    assert _figures("BE")["return_decision"] == (1, 1, 28.0, 28.0)


@pytest.mark.django_db
def test_an_empty_funnel() -> None:
    result = funnel("NL", on=ON)
    assert [s.stage for s in result.stages] == [s.code for s in STAGES]
    assert result.waiting == 0
    assert all(s.reached == 0 and s.waited_median is None for s in result.stages)


def test_quantiles_interpolate_between_the_nearest_days() -> None:
    assert quantile(Counter({1: 1, 2: 1, 3: 1, 4: 1}), 0.5) == 2.5
    assert quantile(Counter({1: 1, 2: 1, 3: 1, 4: 1}), 0.9) == pytest.approx(3.7)
    assert quantile(Counter({7: 3}), 0.9) == 7
    assert quantile(Counter(), 0.5) is None


@given(st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=60))
def test_quantiles_agree_with_numpy(days: list[int]) -> None:
    histogram = Counter(days)
    for share in (0.5, 0.9):
        assert quantile(histogram, share) == pytest.approx(np.quantile(days, share))
