"""`retour deadline`: the due date and the skipped days; bad input names the option and exits
with status 2, as argparse does."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from retour.reference.management.commands.deadline import Command


def _run(line: str) -> str:
    out = StringIO()
    call_command("deadline", *line.split(), stdout=out)
    return out.getvalue()


def _json(line: str) -> dict[str, object]:
    report: dict[str, object] = json.loads(_run(f"{line} --format json"))
    return report


def test_working_days_in_pakistan_as_text():
    assert _run("--from 2026-12-22 --days 5 --unit working --country pk") == (
        "due: 2026-12-30 (Wednesday)\n"
        "5 working days from 2026-12-22, start exclusive in PK\n"
        "skipped 3 day(s):\n"
        "  2026-12-25  Quaid-e-Azam Day\n"
        "  2026-12-26  Saturday\n"
        "  2026-12-27  Sunday\n"
    )


def test_calendar_days_ignore_holidays_and_roll_forward_as_json():
    report = _json("--from 2026-12-21 --days 5 --unit calendar --country NL --roll-forward")
    assert report["due"] == "2026-12-28"
    assert report["rolled_forward_from"] == "2026-12-26"
    assert report["skipped"] == [
        {"date": "2026-12-26", "names": ["Saturday", "Second Day of Christmas"]},
        {"date": "2026-12-27", "names": ["Sunday"]},
    ]
    no_roll = _json("--from 2026-12-21 --days 5 --country NL")
    assert (no_roll["due"], no_roll["skipped"]) == ("2026-12-26", [])


def test_inclusive_start_counts_the_day_of_the_event():
    report = _json("--from 2026-12-22 --days 5 --unit working --country PK --start inclusive")
    assert report["due"] == "2026-12-29"


def test_months_without_a_country():
    assert _run("--from 2026-01-31 --months 1").startswith("due: 2026-02-28 (Saturday)")


def test_an_unverified_weekend_rule_is_noted():
    output = _run("--from 2026-01-01 --days 10 --unit working --country NP")
    assert "note: weekend rule of NP not verified" in output


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "--days 5 --country XX",
            "argument --country: no public-holiday calendar for country 'XX'",
        ),
        (
            "--days 5 --country PAK",
            "argument --country: no public-holiday calendar for country 'PAK'",
        ),
        ("--days -5", "argument --days: cannot be negative"),
        ("--days five", "argument --days: not a whole number"),
        ("", "one of the arguments --days --weeks --months --years is required"),
        ("--days 5 --unit weekly", "argument --unit: invalid choice"),
        ("--days 5 --unit working", "--country: counting working days"),
        ("--days 5 --roll-forward", "--country: counting working days or rolling forward"),
        ("--weeks 2 --unit working --country NL", "--unit: working days are counted with --days"),
        (
            "--days 5 --country DE --subdivision ZZ",
            "--subdivision: country DE has no subdivision 'ZZ'",
        ),
        ("--days 5 --subdivision BY", "--subdivision: needs --country"),
        ("--days 0 --start inclusive", "--days: a period counted inclusively"),
    ],
)
def test_bad_input_names_the_option_and_exits_with_status_2(capsys, line, message):
    with pytest.raises(SystemExit) as ended:
        Command().run_from_argv(["retour", "deadline", "--from", "2026-12-22", *line.split()])
    err = capsys.readouterr().err
    assert ended.value.code == 2
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("--from 2026-02-30 --days 5", "argument --from: not a date (YYYY-MM-DD): '2026-02-30'"),
        ("--from 9999-12-01 --days 50", "--days: the period ends beyond the last date"),
    ],
)
def test_a_bad_or_too_late_date_exits_with_status_2(capsys, line, message):
    with pytest.raises(SystemExit) as ended:
        Command().run_from_argv(["retour", "deadline", *line.split()])
    assert ended.value.code == 2
    assert message in capsys.readouterr().err


def test_good_input_writes_no_error_and_exits_normally(capsys):
    Command().run_from_argv(["retour", "deadline", "--from", "2026-12-22", "--days", "5"])
    captured = capsys.readouterr()
    assert captured.out.startswith("due: 2026-12-27 (Sunday)")
    assert captured.err == ""
