"""Every shipped indicator against values computed by hand on the fixture of ``fixtures.py``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from retour.statistics.cube import to_arrow
from retour.statistics.engine import _by_counting, _by_sorting, compute
from retour.statistics.tests.fixtures import AS_OF, ROWS, D, parameters, row, shipped

# (numerator, denominator, value) for NL, 2026Q1, no breakdown.
NL_2026Q1: dict[str, tuple[int, int | None, float]] = {
    "m30.return_decisions_after_asylum": (2, None, 2),  # A, B
    "m30.readmission_requests": (2, None, 2),  # B, D
    "m30.voluntary_return_share": (2, 3, 100 * 2 / 3),  # A, D of A, B, D
    "days_legal_stay_to_return_decision.median": (2, None, 12.5),  # 5, 20
    "days_legal_stay_to_return_decision.p90": (2, None, 18.5),  # 5 + 0.9 * 15
    "return_decisions_within_target": (1, 2, 50),  # A (5 <= 7), not B (20)
    "days_return_decision_to_readmission_request.median": (2, None, 31),  # 11, 51
    "days_return_decision_to_readmission_request.p90": (2, None, 47),  # 11 + 0.9 * 40
    "days_return_decision_to_readmission_reply.median": (2, None, 50.5),  # 25, 76
    "days_return_decision_to_readmission_reply.p90": (2, None, 70.9),  # 25 + 0.9 * 51
    "days_return_decision_to_travel_document.median": (1, None, 30),  # B
    "days_return_decision_to_travel_document.p90": (1, None, 30),
    "days_return_decision_to_departure.median": (3, None, 39),  # 22, 39, 61
    "days_return_decision_to_departure.p90": (3, None, 56.6),  # 39 + 0.8 * 22
    "voluntary_departure_complied": (1, 2, 50),  # A complied, C did not
    "absconding_rate": (1, 3, 100 / 3),  # C of A, B, C
    "identification_complete_share": (1, 3, 100 / 3),  # A
    "readmission_acceptance_rate": (1, 2, 50),  # B accepted, D rejected
    "assisted_return_share": (1, 3, 100 / 3),  # A
    "backlog": (1, None, 1),  # C on 31 March
    "backlog_age.mean": (1, None, 49),  # 10 February to 31 March
    "return_rate_eurostat": (3, 3, 100),  # A, B, D left; A, B, C ordered to leave
    "cohort_return_rate_6_months": (2, 3, 100 * 2 / 3),  # A, B of A, B, C
    "cohort_return_rate_12_months": (2, 3, 100 * 2 / 3),
    "detention_ended_by_return": (1, 2, 50),  # B removed, D released by a court
    "detention_released_without_return": (1, None, 1),  # D
    "reintegration_uptake": (1, 2, 50),  # A accepted before leaving; D after it
    "non_cooperation_cases": (1, None, 1),  # C, first on 25 February
}


@pytest.fixture(scope="module")
def cube() -> list[dict[str, Any]]:
    table = compute(to_arrow(ROWS), shipped(), as_of=AS_OF, parameters=parameters())
    return table.to_pylist()


def cell(
    cube: list[dict[str, Any]],
    code: str,
    period: str = "2026Q1",
    member_state: str = "NL",
    dimension: str = "total",
    value: str = "",
) -> dict[str, Any] | None:
    found = [
        c
        for c in cube
        if (c["indicator"], c["period"], c["member_state"], c["dimension"], c["dimension_value"])
        == (code, period, member_state, dimension, value)
    ]
    assert len(found) <= 1
    return found[0] if found else None


def test_every_shipped_indicator_is_checked() -> None:
    assert {i.code for i in shipped()} == set(NL_2026Q1)


@pytest.mark.parametrize("code", sorted(NL_2026Q1))
def test_shipped_indicator_by_hand(cube: list[dict[str, Any]], code: str) -> None:
    numerator, denominator, value = NL_2026Q1[code]
    found = cell(cube, code)
    assert found is not None
    assert (found["numerator"], found["denominator"]) == (numerator, denominator)
    assert found["value"] == pytest.approx(value)


def test_months_member_states_and_the_eu(cube: list[dict[str, Any]]) -> None:
    january = cell(cube, "m30.return_decisions_after_asylum", "2026-01")
    assert january is not None and january["value"] == 2
    assert cell(cube, "m30.return_decisions_after_asylum", "2026-02") is None
    eu = cell(cube, "return_rate_eurostat", member_state="EU")
    assert eu is not None and (eu["numerator"], eu["denominator"]) == (3, 4)
    belgium = cell(cube, "days_legal_stay_to_return_decision.median", member_state="BE")
    assert belgium is not None and belgium["value"] == 2


def test_breakdowns(cube: list[dict[str, Any]]) -> None:
    girls = cell(cube, "absconding_rate", dimension="sex", value="F")
    assert girls is not None and girls["value"] == 100
    teens = cell(cube, "absconding_rate", dimension="age_band", value="14_17")
    assert teens is not None and teens["numerator"] == 1
    turkish = cell(cube, "return_rate_eurostat", dimension="citizenship", value="TR")
    assert turkish is not None and (turkish["numerator"], turkish["denominator"]) == (1, 0)
    # A breakdown the definition does not allow is not in the cube.
    assert cell(cube, "absconding_rate", dimension="destination", value="MA") is None
    voluntary = cell(
        cube, "days_return_decision_to_departure.median", dimension="return_type", value="voluntary"
    )
    assert voluntary is not None and voluntary["value"] == pytest.approx(41.5)  # 22, 61


def test_by_authority(cube: list[dict[str, Any]]) -> None:
    """NL 2026Q1 by responsible authority: B is with the KMar, A, C and D with the DT&V."""
    by_authority = {
        (code, authority): cell(cube, code, dimension="authority", value=authority)
        for code in (
            "days_legal_stay_to_return_decision.median",
            "absconding_rate",
            "days_return_decision_to_departure.median",
            "backlog",
        )
        for authority in ("nl-dtv", "nl-kmar")
    }
    figures = {
        key: (found["numerator"], found["denominator"], found["value"])
        for key, found in by_authority.items()
        if found is not None
    }
    assert figures == {
        ("days_legal_stay_to_return_decision.median", "nl-dtv"): (1, None, 5),  # A
        ("days_legal_stay_to_return_decision.median", "nl-kmar"): (1, None, 20),  # B
        ("absconding_rate", "nl-dtv"): (1, 2, 50),  # C of A, C
        ("absconding_rate", "nl-kmar"): (0, 1, 0),  # not B
        ("days_return_decision_to_departure.median", "nl-dtv"): (2, None, 41.5),  # A 22, D 61
        ("days_return_decision_to_departure.median", "nl-kmar"): (1, None, 39),  # B
        ("backlog", "nl-dtv"): (1, None, 1),  # C on 31 March
    }
    belgium = cell(
        cube, "absconding_rate", member_state="EU", dimension="authority", value="be-dvz"
    )
    assert belgium is not None and (belgium["numerator"], belgium["denominator"]) == (0, 1)  # E
    # Only the definitions that allow it are broken down by authority.
    assert cell(cube, "m30.readmission_requests", dimension="authority", value="nl-dtv") is None


def test_stocks_at_the_end_of_each_period(cube: list[dict[str, Any]]) -> None:
    december = cell(cube, "backlog_age.mean", "2025Q4")
    assert december is not None and (december["numerator"], december["value"]) == (1, 46)  # D
    january = cell(cube, "backlog_age.mean", "2026-01")  # A 21 days, B 10; D left
    assert january is not None and (january["numerator"], january["value"]) == (2, 15.5)
    march = cell(cube, "backlog_age.mean", "2026-03", member_state="EU")  # C 49, E 30
    assert march is not None and (march["numerator"], march["value"]) == (2, 39.5)
    june = cell(cube, "backlog_age.mean", "2026Q2")
    assert june is not None and june["value"] == 140  # C, 10 February to 30 June
    assert cell(cube, "backlog", "2026Q3") is None  # after as_of


def test_a_national_target_wins_over_the_union_one() -> None:
    table = compute(to_arrow(ROWS), shipped(), as_of=AS_OF, parameters=parameters(7, NL=30))
    found = cell(table.to_pylist(), "return_decisions_within_target")
    assert found is not None and found["value"] == 100


def test_age_band_is_counted_at_the_period() -> None:
    rows = [
        row(birth_year=2012, return_decision_on=D("2025-06-01")),
        row(birth_year=2012, return_decision_on=D("2026-06-01")),
    ]
    table = compute(to_arrow(rows), shipped(), as_of=AS_OF, parameters=parameters())
    cube = table.to_pylist()
    assert cell(cube, "absconding_rate", "2025Q2", dimension="age_band", value="under_14")
    assert cell(cube, "absconding_rate", "2026Q2", dimension="age_band", value="14_17")


def test_restricted_to_quarters(cube: list[dict[str, Any]]) -> None:
    table = compute(
        to_arrow(ROWS), shipped(), as_of=AS_OF, parameters=parameters(), quarters={"2026Q1"}
    )
    periods = set(table.column("period").to_pylist())
    assert periods == {"2026Q1", "2026-01", "2026-02", "2026-03"}
    assert _sorted(table.to_pylist()) == _sorted([c for c in cube if c["period"] in periods])


def _sorted(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(cells, key=lambda c: tuple(str(v) for v in c.values()))


def test_no_rows_no_cube() -> None:
    assert compute(to_arrow([]), shipped(), as_of=AS_OF).num_rows == 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_quantiles_by_counting_and_by_sorting_agree(seed: int) -> None:
    """Both ways of summarising durations give numpy's linear quantiles and the mean (the
    fixtures above are small enough to be counted; large tables are sorted)."""
    rng = np.random.default_rng(seed)
    total = 40
    group = rng.integers(0, total, 2_000).astype(np.int32)
    days = np.sort(rng.integers(-3, 200, 2_000))  # by days, as ``_durations`` passes them
    by_sorting = _by_sorting(group, total, days)
    by_counting = _by_counting(group, total, days + 3, 203)
    np.testing.assert_array_equal(by_sorting[0], by_counting[0])
    np.testing.assert_array_equal(by_sorting[1], by_counting[1])
    np.testing.assert_allclose(by_sorting[2], by_counting[2] - 3)
    for index, present in enumerate(by_sorting[0]):
        mine = days[group == present]
        expected = [*np.quantile(mine, [0.5, 0.9]), mine.mean()]
        np.testing.assert_allclose(by_sorting[2][:, index], expected)


def test_detention_outcomes_by_member_state_and_breakdown(cube: list[dict[str, Any]]) -> None:
    """E, in Belgium, was released without return; D, released, is Turkish."""
    belgium = cell(cube, "detention_ended_by_return", member_state="BE")
    assert belgium is not None and (belgium["numerator"], belgium["denominator"]) == (0, 1)
    eu = cell(cube, "detention_released_without_return", member_state="EU")
    assert eu is not None and eu["value"] == 2
    turkish = cell(cube, "detention_released_without_return", dimension="citizenship",
                   value="TR")
    assert turkish is not None and turkish["value"] == 1
    kmar = cell(cube, "detention_ended_by_return", dimension="authority", value="nl-kmar")
    assert kmar is not None and kmar["value"] == 100
    assert cell(cube, "detention_ended_by_return", "2026-02") is None
