"""The systemd units in deploy/ name commands that exist and times systemd understands: a
unit that cannot start is found here, not on the first night in production."""

from __future__ import annotations

import configparser
import shlex
import subprocess
from pathlib import Path

import pytest
from django.core.management import get_commands

UNITS = Path(__file__).resolve().parents[4] / "deploy" / "systemd"


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path)
    return parser


SERVICES = sorted(UNITS.glob("*.service"))
TIMERS = sorted(UNITS.glob("*.timer"))


def test_the_units_are_there():
    assert len(SERVICES) >= 6 and len(TIMERS) >= 4


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_each_service_starts_a_command_that_exists(path: Path):
    command = shlex.split(_unit(path)["Service"]["ExecStart"])
    program = Path(command[0]).name
    assert program in ("retour", "gunicorn"), command
    if program == "retour":
        assert command[1] in get_commands(), f"{path.name}: no command 'retour {command[1]}'"
        assert len(command) <= 3, f"{path.name}: stray words in {command}"


@pytest.mark.parametrize("path", TIMERS, ids=lambda p: p.name)
def test_each_timer_has_a_time_systemd_understands_and_a_service(path: Path):
    when = _unit(path)["Timer"]["OnCalendar"]
    checked = subprocess.run(["systemd-analyze", "calendar", when],
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0, f"{path.name}: OnCalendar={when}: {checked.stderr}"
    assert path.with_suffix(".service").exists()
