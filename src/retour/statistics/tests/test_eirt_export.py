"""``retour export eirt``: the tables from cases changed through the actions, written as CSV,
XLSX and SDMX-ML that parse back to the same figures, small counts withheld."""

from __future__ import annotations

import csv
import io
import math
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sdmx
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from retour.cases import actions
from retour.statistics.eirt import COLUMNS, milestone_rows, tables
from retour.statistics.exports import structure, to_csv, to_sdmx, to_xlsx
from retour.statistics.suppression import suppress
from retour.statistics.tests.fixtures import ROWS, D, row
from retour.testing.factories import case_in_forced_return, case_in_voluntary_departure

pytestmark = pytest.mark.usefixtures("frozen_clock")

# The fixture plus eight Georgians ordered to leave, so that some cells are published.
MORE = ROWS + [row(citizenship="GE", return_decision_on=D("2026-03-02"))] * 8


def published() -> list[Any]:
    return [suppress(t, 4) for t in tables(MORE, "NL", "2026Q1")]


def expected() -> set[tuple[str, str, str, str, str]]:
    return {(t.code, c.breakdown, c.value, c.shown, c.flag) for t in published() for c in t.cells}


def test_the_suppressed_tables_withhold_something() -> None:
    shown = {(t.code, c.breakdown, c.value): c.shown for t in published() for c in t.cells}
    assert shown[("migr_eiord1", "total", "")] == "11"
    # MA (3) is below 4; GE (8) goes too, or it would be 11 - 8.
    assert shown[("migr_eiord1", "citizenship", "MA")] == ":"
    assert shown[("migr_eiord1", "citizenship", "GE")] == ":"
    assert shown[("migr_eiord1", "unaccompanied_minor", "NO")] == "11"
    assert shown[("migr_eirtn1", "total", "")] == ":"  # three: below 4
    assert shown[("migr_eirtn1", "return_type", "VOL")] == ":"


def test_csv_parses_back() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(published()))))
    assert {(r["table"], r["breakdown"], r["value"], r["count"], r["flag"]) for r in rows} == (
        expected()
    )
    assert {(r["member_state"], r["period"]) for r in rows} == {("NL", "2026Q1")}


def test_xlsx_parses_back() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(published())), read_only=True)
    assert book.sheetnames == ["migr_eiord1", "migr_eirtn1"]
    found = set()
    for name in book.sheetnames:
        header, *rows = book[name].iter_rows(values_only=True)
        assert header == ("member_state", "period", "breakdown", "value", "count", "flag")
        for _ms, _period, breakdown, value, count, flag in rows:
            assert isinstance(count, int) or count == ":"
            found.add((name, breakdown, value or "", str(count), flag or ""))
    assert found == expected()


def test_sdmx_parses_back() -> None:
    message = sdmx.read_sdmx(io.BytesIO(to_sdmx(published())), structure=structure())
    assert isinstance(message, sdmx.message.DataMessage)
    found = set()
    for dataset in message.data:
        for observation in dataset.obs:
            key = {k: v.value for k, v in observation.dimension.values.items()}
            assert (key["FREQ"], key["GEO"], key["UNIT"], key["TIME_PERIOD"]) == (
                "Q",
                "NL",
                "PER",
                "2026-Q1",
            )
            breakdowns = {
                "CITIZEN": "citizenship",
                "SEX": "sex",
                "AGE": "age",
                "UNACC_MINOR": "unaccompanied_minor",
                "RETURN_TYPE": "return_type",
                "ASSISTANCE": "assistance",
                "C_DEST": "destination",
            }
            broken = [(b, key[d]) for d, b in breakdowns.items() if key[d] != "TOTAL"]
            breakdown, value = broken[0] if broken else ("total", "")
            assert len(broken) <= 1
            flag = observation.attached_attribute.get("OBS_FLAG")
            number = float(observation.value)
            shown = ":" if math.isnan(number) else str(int(number))
            found.add((key["DATASET"], breakdown, value, shown, flag.value if flag else ""))
    assert found == expected()


@pytest.mark.django_db
def test_the_command_exports_the_member_states_tables(
    anna: Any, lucas: Any, tmp_path: Path, settings: Any
) -> None:
    settings.SUPPRESSION_THRESHOLD = 2
    left = case_in_voluntary_departure(anna, decided_on=date(2026, 1, 15))
    actions.record_voluntary_departure(
        anna, left.pk, departed_on=date(2026, 2, 20), destination="MA", assisted=True
    )
    for _ in range(3):
        case_in_forced_return(anna, decided_on=date(2026, 2, 3))
    case_in_forced_return(lucas, decided_on=date(2026, 2, 3))
    # The rows read carry no case or person: only the columns the tables need.
    rows = milestone_rows("NL", "2026Q1")
    assert len(rows) == 4 and {tuple(r) for r in rows} == {COLUMNS}

    target = tmp_path / "eirt.csv"
    call_command(
        "export", "eirt", "--period", "2026q1", "--member-state", "nl", "--format", "csv",
        "--output", str(target),
    )  # fmt: skip
    text = target.read_text()
    lines = list(csv.DictReader(io.StringIO(text)))
    totals = {r["table"]: r["count"] for r in lines if r["breakdown"] == "total"}
    assert totals == {"migr_eiord1": "4", "migr_eirtn1": ":"}  # one return: below 2
    assert {r["member_state"] for r in lines} == {"NL"}
    names = (str(left.pk), left.number, str(left.person_id))
    assert not any(name in text for name in names)

    out = io.StringIO()
    call_command(
        "export", "eirt", "--period", "2026Q1", "--member-state", "NL", "--format", "sdmx",
        stdout=out,
    )  # fmt: skip
    message = sdmx.read_sdmx(io.BytesIO(out.getvalue().encode()), structure=structure())
    assert isinstance(message, sdmx.message.DataMessage)
    assert len(message.data) == 2

    workbook = tmp_path / "eirt.xlsx"
    call_command(
        "export", "eirt", "--period", "2026Q1", "--member-state", "NL", "--format", "xlsx",
        "--output", str(workbook),
    )  # fmt: skip
    assert load_workbook(workbook).sheetnames == ["migr_eiord1", "migr_eirtn1"]

    # Without --member-state: every member state with cases in the quarter, each suppressed
    # on its own (Belgium's one return decision is below 2 there too).
    every = tmp_path / "eirt-every.xlsx"
    call_command(
        "export", "eirt", "--period", "2026Q1", "--format", "xlsx", "--output", str(every),
    )  # fmt: skip
    book = load_workbook(every)
    assert book.sheetnames == ["migr_eiord1", "migr_eirtn1"]
    sheet = book["migr_eiord1"].iter_rows(min_row=2, values_only=True)
    ordered = [(r[0], r[2], r[4]) for r in sheet if r[2] == "total"]
    assert ordered == [("BE", "total", ":"), ("NL", "total", 4)]
    out = io.StringIO()
    call_command("export", "eirt", "--period", "2026Q1", "--format", "sdmx", stdout=out)
    message = sdmx.read_sdmx(io.BytesIO(out.getvalue().encode()), structure=structure())
    assert isinstance(message, sdmx.message.DataMessage)
    assert len(message.data) == 4
    geos = {obs.key["GEO"].value for data in message.data for obs in data.obs}
    assert geos == {"BE", "NL"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--period", "2026Q1", "--member-state", "XX", "--format", "csv"], "not a member"),
        (["--period", "2026Q1", "--member-state", "MA", "--format", "csv"], "not a member"),
        (["--period", "2026Q1", "--member-state", "NL", "--format", "xlsx"], "--output"),
    ],
)
def test_the_command_refuses_bad_input(arguments: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message) as raised:
        call_command("export", "eirt", *arguments, stdout=io.StringIO(), stderr=io.StringIO())
    assert raised.value.returncode == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["eirt", "--period", "2026Q5", "--member-state", "NL", "--format", "csv"], "--period"),
        (["eirt", "--period", "2026-01", "--member-state", "NL", "--format", "csv"], "quarter"),
        (["eirt", "--period", "2026Q1", "--member-state", "NL", "--format", "pdf"], "--format"),
        (["eurostat", "--period", "2026Q1", "--member-state", "NL", "--format", "csv"], "tables"),
    ],
)
def test_the_command_line_exits_2_on_bad_arguments(arguments: list[str], message: str) -> None:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("retour")), "export", *arguments],
        capture_output=True,
        text=True,
        env={**os.environ, "RETOUR_DEBUG": "true"},
        check=False,
    )
    assert done.returncode == 2
    assert message in done.stderr
