"""The cube in the database, from cases changed through the actions: incremental runs equal a
full computation; ``retour indicators`` prints the cells."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from retour.cases import actions
from retour.statistics.cube import refresh
from retour.statistics.loading import load_indicators
from retour.statistics.models import IndicatorValue, StatisticsRun
from retour.testing.factories import case_in_forced_return, case_in_voluntary_departure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def _cube() -> list[tuple[Any, ...]]:
    return sorted(
        IndicatorValue.objects.values_list(
            "indicator",
            "period",
            "member_state",
            "dimension",
            "dimension_value",
            "numerator",
            "denominator",
            "value",
        )
    )


def _value(indicator: str, period: str = "2026Q1") -> IndicatorValue:
    return IndicatorValue.objects.get(
        indicator=indicator, period=period, member_state="NL", dimension="total"
    )


@pytest.fixture(autouse=True)
def _definitions() -> None:
    load_indicators()


def test_incremental_runs_equal_a_full_run(anna: Any) -> None:
    first = case_in_voluntary_departure(anna, decided_on=date(2026, 1, 15))
    report = refresh()
    assert report.full and report.rows_written > 0
    assert _value("m30.return_decisions_after_asylum").numerator == 1
    assert _value("backlog", "2026-01").numerator == 1

    actions.record_voluntary_departure(
        anna, first.pk, departed_on=date(2026, 2, 20), destination="MA", assisted=True
    )
    case_in_forced_return(anna, decided_on=date(2026, 2, 1))
    report = refresh()
    assert not report.full and report.quarters == ["2026Q1"]
    incremental = _cube()
    assert _value("m30.voluntary_return_share").value == 100
    assert _value("return_rate_eurostat").numerator == 1
    assert _value("return_rate_eurostat").denominator == 2

    refresh(full=True)
    assert _cube() == incremental
    assert StatisticsRun.objects.count() == 3


def test_nothing_changed_nothing_recomputed(anna: Any) -> None:
    case_in_voluntary_departure(anna, decided_on=date(2026, 1, 15))
    refresh()
    before = _cube()
    report = refresh()
    assert (report.full, report.quarters) == (False, [])
    assert _cube() == before


def test_the_command_prints_cells(anna: Any) -> None:
    case = case_in_voluntary_departure(anna, decided_on=date(2026, 1, 15))
    call_command("compute_indicators", stdout=io.StringIO())
    out = io.StringIO()
    call_command(
        "indicators",
        "--period",
        "2026q1",
        "--member-state",
        "nl",
        "--indicator",
        "m30.return_decisions_after_asylum",
        "--format",
        "csv",
        stdout=out,
    )
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    total = [r for r in rows if r["dimension"] == "total"]
    assert [(r["period"], r["member_state"], r["numerator"], r["value"]) for r in total] == [
        ("2026Q1", "NL", "1", "1.0")
    ]
    assert {r["dimension"] for r in rows} >= {"total", "citizenship", "sex", "age_band"}
    out = io.StringIO()
    call_command("indicators", "--period", "2026-01", "--member-state", "EU", stdout=out)
    cells = json.loads(out.getvalue())
    assert cells and {c["member_state"] for c in cells} == {"EU"}
    # Aggregates only: nothing that names a case or a person.
    names = (str(case.pk), case.number, str(case.person_id))
    assert not any(name in out.getvalue() for name in names)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--period", "2026Q5"], "--period"),
        (["--period", "2026Q1", "--member-state", "Netherlands"], "--member-state"),
        (["--period", "2026Q1", "--indicator", "no.such"], "--indicator: no indicator"),
    ],
)
def test_the_command_refuses_bad_input(arguments: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("indicators", *arguments, stdout=io.StringIO(), stderr=io.StringIO())


def test_no_cell_for_a_period_after_today(anna: Any) -> None:
    # Decided on the last day of the quarter: the departure period ends in the next one.
    case_in_voluntary_departure(anna, decided_on=date(2026, 3, 2), days=30)
    refresh()
    complied = IndicatorValue.objects.filter(indicator="voluntary_departure_complied")
    assert not complied.filter(period__in=("2026Q2", "2026-04")).exists()
    assert IndicatorValue.objects.filter(period="2026-03", indicator="backlog").exists()
    assert not IndicatorValue.objects.filter(period__gt="2026Q1", period_kind="quarter").exists()
    assert not IndicatorValue.objects.filter(period__gt="2026-03", period_kind="month").exists()
