"""Eurostat's return tables: counted by hand on the fixture of ``fixtures.py``, totals equal to
every breakdown's sum, and small counts withheld so that no published total gives them away."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retour.statistics.eirt import TOTAL, Table, quarter_bounds, tables
from retour.statistics.suppression import suppress
from retour.statistics.tests.fixtures import ROWS, D, row


def counts(table: Table) -> dict[tuple[str, str], int]:
    return {c.key: c.count for c in table.cells}


def test_the_fixture_counted_by_hand() -> None:
    ordered, returned = tables(ROWS, "NL", "2026Q1")
    # Ordered to leave in 2026Q1: A, B, C (D's decision was in 2025Q4; E is Belgian).
    assert (ordered.code, ordered.total.count) == ("migr_eiord1", 3)
    assert counts(ordered) == {
        (TOTAL, ""): 3,
        ("citizenship", "MA"): 3,
        ("sex", "F"): 1,
        ("sex", "M"): 2,
        ("age", "Y14-17"): 1,  # C, born 2010
        ("age", "Y_GE35"): 2,  # born 1990: 36 in 2026
        ("unaccompanied_minor", "NO"): 3,
    }
    # Returned in 2026Q1: A (voluntary, assisted), B (enforced), D (voluntary, to Türkiye).
    assert counts(returned) == {
        (TOTAL, ""): 3,
        ("citizenship", "MA"): 2,
        ("citizenship", "TR"): 1,
        ("sex", "M"): 3,
        ("age", "Y_GE35"): 3,
        ("unaccompanied_minor", "NO"): 3,
        ("return_type", "ENF"): 1,
        ("return_type", "VOL"): 2,
        ("assistance", "ASS"): 1,
        ("assistance", "NASS"): 2,
        ("destination", "MA"): 2,
        ("destination", "TR"): 1,
    }
    assert [t.total.count for t in tables(ROWS, "BE", "2026Q1")] == [1, 0]
    assert [t.total.count for t in tables(ROWS, "NL", "2025Q4")] == [1, 0]


def test_a_departure_without_an_order_to_leave_is_not_a_return() -> None:
    left = row(departed_on=D("2026-02-01"), return_type="voluntary")
    assert tables([left], "NL", "2026Q1")[1].total.count == 0


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("2026Q1", (date(2026, 1, 1), date(2026, 3, 31))),
        ("2024q1", (date(2024, 1, 1), date(2024, 3, 31))),
        ("2026Q4", (date(2026, 10, 1), date(2026, 12, 31))),
    ],
)
def test_quarter_bounds(text: str, bounds: tuple[date, date]) -> None:
    assert quarter_bounds(text) == bounds


@pytest.mark.parametrize("text", ["2026Q5", "2026-01", "Q1 2026", ""])
def test_not_a_quarter(text: str) -> None:
    with pytest.raises(ValueError, match="not a quarter"):
        quarter_bounds(text)


_DAYS = st.dates(date(2025, 12, 1), date(2026, 4, 30))
_ROWS = st.lists(
    st.builds(
        lambda decided, departed, **values: row(
            return_decision_on=decided,
            departed_on=departed if departed is None or decided is None else max(decided, departed),
            **values,
        ),
        decided=st.none() | _DAYS,
        departed=st.none() | _DAYS,
        citizenship=st.sampled_from(["MA", "TR", "DZ", "GE", "AF", ""]),
        sex=st.sampled_from(["F", "M", ""]),
        birth_year=st.none() | st.integers(1950, 2025),
        unaccompanied_minor=st.booleans(),
        return_type=st.sampled_from(["voluntary", "enforced", ""]),
        assisted=st.none() | st.booleans(),
        destination=st.sampled_from(["MA", "TR", "DE", ""]),
        member_state=st.sampled_from(["NL", "NL", "BE"]),
    ),
    max_size=60,
)


@given(rows=_ROWS)
@settings(max_examples=150, deadline=None)
def test_every_breakdown_adds_up_to_the_total(rows: list[dict[str, Any]]) -> None:
    for table in tables(rows, "NL", "2026Q1"):
        assert set(table.groups()) <= {
            "citizenship",
            "sex",
            "age",
            "unaccompanied_minor",
            "return_type",
            "assistance",
            "destination",
        }
        for name, cells in table.groups().items():
            assert sum(c.count for c in cells) == table.total.count, name
            assert all(c.count > 0 for c in cells)


def recover(table: Table) -> dict[tuple[str, str], int]:
    """What a reader of the published table can work out about the withheld cells, knowing
    that each breakdown adds up to the total and that a listed cell counts at least one."""
    known = {c.key: c.count for c in table.cells if not c.suppressed}
    total = table.total.key
    progress = True
    while progress:
        progress = False
        for cells in table.groups().values():
            unknown = [c.key for c in cells if c.key not in known]
            shown = sum(known[c.key] for c in cells if c.key in known)
            if total not in known:
                if not unknown:
                    known[total] = shown
                    progress = True
                continue
            rest = known[total] - shown
            if len(unknown) == 1:
                known[unknown[0]] = rest
                progress = True
            elif unknown and rest == len(unknown):
                known.update({key: 1 for key in unknown})
                progress = True
    return {c.key: known[c.key] for c in table.cells if c.suppressed and c.key in known}


@given(rows=_ROWS, minimum=st.integers(1, 8))
@settings(max_examples=300, deadline=None)
def test_withheld_counts_cannot_be_recovered_from_the_totals(
    rows: list[dict[str, Any]], minimum: int
) -> None:
    for table in tables(rows, "NL", "2026Q1"):
        published = suppress(table, minimum)
        assert counts(published) == counts(table)  # only the flags change
        assert all(c.suppressed for c in published.cells if 0 < c.count < minimum)
        assert recover(published) == {}


def test_secondary_suppression_withholds_the_next_smallest_cell() -> None:
    rows = [
        row(return_decision_on=D("2026-01-10"), citizenship=citizenship)
        for citizenship in ["MA"] * 9 + ["TR"] * 6 + ["DZ"] * 2
    ]
    ordered = suppress(tables(rows, "NL", "2026Q1")[0], 5)
    shown = {c.key: c.shown for c in ordered.cells if c.breakdown in (TOTAL, "citizenship")}
    # DZ (2) is below 5; alone it would be 17 - 9 - 6, so TR (6) is withheld too.
    assert shown == {
        (TOTAL, ""): "17",
        ("citizenship", "DZ"): ":",
        ("citizenship", "MA"): "9",
        ("citizenship", "TR"): ":",
    }
    assert {c.flag for c in ordered.cells if c.suppressed} == {"c"}
    # Without the threshold nothing is withheld.
    assert not any(c.suppressed for c in suppress(tables(rows, "NL", "2026Q1")[0], 1).cells)


def test_single_persons_in_every_cell_withhold_the_total() -> None:
    rows = [
        row(return_decision_on=D("2026-01-10"), citizenship=citizenship)
        for citizenship in ["MA", "TR", "DZ", "GE", "AF", "SY"]
    ]
    ordered = suppress(tables(rows, "NL", "2026Q1")[0], 5)
    # Six withheld ones add up to the total of six: each must be one, so the total goes too,
    # and then one cell of every breakdown that would add up to it.
    assert ordered.total.suppressed
    assert all(any(c.suppressed for c in cells) for cells in ordered.groups().values())
    assert recover(ordered) == {}
