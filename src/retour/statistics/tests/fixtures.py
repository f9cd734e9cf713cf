"""A small milestone table whose indicators are computed by hand in ``test_engine``."""

from __future__ import annotations

from datetime import date
from typing import Any

import pyarrow as pa

from retour.reference.loading import read_toml
from retour.statistics.engine import PARAMETER_SCHEMA
from retour.statistics.formula import Indicator, parse_definitions
from retour.statistics.loading import DEFINITIONS, milestone_columns

D = date.fromisoformat
AS_OF = D("2026-06-30")
TARGET = "return_decision.target_after_end_of_legal_stay"


def row(**values: Any) -> dict[str, Any]:
    """A milestone row: an adult Moroccan man found staying irregularly, unless told."""
    base: dict[str, Any] = {name: None for name in milestone_columns()}
    base.update(
        member_state="NL",
        citizenship="MA",
        sex="M",
        birth_year=1990,
        minor=False,
        unaccompanied_minor=False,
        origin="irregular_stay_detected",
        authority="nl-dtv",
        opened_on=D("2025-10-01"),
        suspended_days=0,
        non_cooperation_count=0,
        readmission_outcome="",
        detention_end_reason="",
        return_type="",
        destination="",
        outcome="",
        stage="registered",
        event_count=1,
    )
    base.update(values)
    return base


# A: asylum case, decision 5 days after legal stay ended, left voluntarily with assistance
# within the voluntary-departure period, identified. B: asylum case, decision after 20 days,
# readmission request accepted, travel document, removed. C: a girl of 16, did not cooperate
# (twice, first on 25 February), absconded, still
# open. D: decision in 2025Q4, left voluntarily in 2026Q1 after the period had ended,
# readmission rejected. E: Belgium. All NL cases are with the DT&V but B, with the KMar.
# Detention: B detained from 1 February until removed; D detained in December, released by a
# court in January; E released in March for lack of a prospect of removal. Reintegration: A
# accepted before leaving; D accepted only after having left.
ROWS = [
    row(
        origin="negative_asylum_decision",
        legal_stay_ended_on=D("2026-01-05"),
        return_decision_on=D("2026-01-10"),
        voluntary_departure_ends_on=D("2026-02-09"),
        departed_on=D("2026-02-01"),
        return_type="voluntary",
        assisted=True,
        destination="MA",
        identified_on=D("2026-01-20"),
        reintegration_referred_on=D("2026-01-12"),
        reintegration_accepted_on=D("2026-01-20"),
    ),
    row(
        origin="negative_asylum_decision",
        authority="nl-kmar",
        legal_stay_ended_on=D("2026-01-01"),
        return_decision_on=D("2026-01-21"),
        readmission_requested_on=D("2026-02-01"),
        readmission_replied_on=D("2026-02-15"),
        readmission_outcome="accepted",
        travel_document_issued_on=D("2026-02-20"),
        detained_on=D("2026-02-01"),
        detention_ended_on=D("2026-03-01"),
        detention_end_reason="removed",
        departed_on=D("2026-03-01"),
        return_type="enforced",
        assisted=False,
        destination="MA",
    ),
    row(
        sex="F",
        birth_year=2010,
        minor=True,
        return_decision_on=D("2026-02-10"),
        absconded_on=D("2026-03-05"),
        voluntary_departure_ends_on=D("2026-03-12"),
        first_non_cooperation_on=D("2026-02-25"),
        non_cooperation_count=2,
    ),
    row(
        citizenship="TR",
        return_decision_on=D("2025-11-15"),
        voluntary_departure_ends_on=D("2025-12-15"),
        readmission_requested_on=D("2026-01-05"),
        readmission_replied_on=D("2026-01-30"),
        readmission_outcome="rejected",
        detained_on=D("2025-12-20"),
        detention_ended_on=D("2026-01-10"),
        detention_end_reason="released_by_court",
        reintegration_referred_on=D("2026-01-05"),
        reintegration_accepted_on=D("2026-01-20"),
        departed_on=D("2026-01-15"),
        return_type="voluntary",
        assisted=False,
        destination="TR",
    ),
    row(
        member_state="BE",
        authority="be-dvz",
        legal_stay_ended_on=D("2026-02-27"),
        return_decision_on=D("2026-03-01"),
        detained_on=D("2026-03-02"),
        detention_ended_on=D("2026-03-20"),
        detention_end_reason="no_prospect_of_removal",
    ),
]


def shipped() -> list[Indicator]:
    _version, indicators = parse_definitions(read_toml(DEFINITIONS), milestone_columns(), {TARGET})
    return indicators


def parameters(days: int = 7, **national: int) -> pa.Table:
    rows = [
        {
            "code": TARGET,
            "jurisdiction": "EU",
            "valid_from": D("2023-03-24"),
            "valid_until": None,
            "days": days,
        }
    ]
    rows += [
        {
            "code": TARGET,
            "jurisdiction": ms,
            "valid_from": D("2020-01-01"),
            "valid_until": None,
            "days": value,
        }
        for ms, value in national.items()
    ]
    return pa.Table.from_pylist(rows, schema=PARAMETER_SCHEMA)
