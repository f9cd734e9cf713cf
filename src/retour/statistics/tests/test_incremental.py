"""Recomputing only the quarters touched gives the cube a full computation gives."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retour.statistics.cube import periods_of, quarters_to_recompute, to_arrow
from retour.statistics.engine import compute
from retour.statistics.tests.fixtures import parameters, row, shipped

INDICATORS = shipped()
FIRST = date(2025, 1, 1)
DATES = (
    "legal_stay_ended_on",
    "return_decision_on",
    "voluntary_departure_ends_on",
    "readmission_requested_on",
    "readmission_replied_on",
    "travel_document_issued_on",
    "identified_on",
    "absconded_on",
    "departed_on",
    "closed_on",
)


def _day(offset: int | None) -> date | None:
    return None if offset is None else FIRST + timedelta(days=offset)


@st.composite
def milestone_rows(draw: Any) -> dict[str, Any]:
    """A row with any of its dates set or not, within two years (later dates need not follow
    earlier ones: the engine must not care)."""
    dates = {name: _day(draw(st.none() | st.integers(0, 700))) for name in DATES}
    departed = dates["departed_on"] is not None
    return row(
        member_state=draw(st.sampled_from(["NL", "BE"])),
        citizenship=draw(st.sampled_from(["MA", "TR", ""])),
        sex=draw(st.sampled_from(["M", "F"])),
        birth_year=draw(st.none() | st.integers(1990, 2015)),
        origin=draw(st.sampled_from(["negative_asylum_decision", "irregular_stay_detected"])),
        authority=draw(st.sampled_from(["nl-dtv", "nl-kmar", ""])),
        readmission_outcome=draw(st.sampled_from(["", "accepted", "rejected"])),
        return_type=draw(st.sampled_from(["voluntary", "enforced"])) if departed else "",
        assisted=draw(st.booleans()) if departed else None,
        destination="MA" if departed else "",
        **dates,
    )


def _cells(table: Any) -> list[tuple[Any, ...]]:
    return sorted(tuple(cell.values()) for cell in table.to_pylist())


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    before=st.lists(milestone_rows(), min_size=1, max_size=8),
    changes=st.lists(st.tuples(st.integers(0, 7), milestone_rows()), max_size=4),
    added=st.lists(milestone_rows(), max_size=3),
    days_later=st.integers(0, 120),
)
def test_incremental_equals_full(
    before: list[dict[str, Any]],
    changes: list[tuple[int, dict[str, Any]]],
    added: list[dict[str, Any]],
    days_later: int,
) -> None:
    first_as_of = date(2026, 6, 30)
    as_of = first_as_of + timedelta(days=days_later)
    after = list(before)
    old, new = [], []
    for index, replacement in changes:
        if index < len(after):
            old.append(after[index])
            after[index] = replacement
            new.append(replacement)
    after += added
    new += added
    params = parameters()
    cube = compute(to_arrow(before), INDICATORS, as_of=first_as_of, parameters=params)
    quarters = quarters_to_recompute(old, new, INDICATORS, first_as_of, as_of)
    recomputed = compute(
        to_arrow(after), INDICATORS, as_of=as_of, parameters=params, quarters=quarters
    )
    replaced = set(periods_of(quarters))
    incremental = [c for c in _cells(cube) if c[2] not in replaced] + _cells(recomputed)
    full = compute(to_arrow(after), INDICATORS, as_of=as_of, parameters=params)
    assert sorted(incremental) == _cells(full)
