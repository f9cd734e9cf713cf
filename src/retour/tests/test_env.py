"""Typed readers of environment variables: good values read, bad values stop start-up with
the variable's name."""

from __future__ import annotations

import pytest

from retour.env import ConfigurationError, env_bool, env_int, env_list, env_str

VAR = "RETOUR_TEST_SETTING"


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1", True), ("true", True), (" Yes ", True), ("ON", True),
     ("0", False), ("false", False), ("no", False), ("Off", False)],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, value):
    monkeypatch.setenv(VAR, raw)
    assert env_bool(VAR, not value) is value


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_unset_or_empty_gives_the_default(monkeypatch, default):
    monkeypatch.delenv(VAR, raising=False)
    assert env_bool(VAR, default) is default
    monkeypatch.setenv(VAR, "")
    assert env_bool(VAR, default) is default


@pytest.mark.parametrize("raw", ["maybe", "2", "y", "tru e"])
def test_env_bool_refuses_anything_else_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv(VAR, raw)
    with pytest.raises(ConfigurationError) as refusal:
        env_bool(VAR, False)
    assert str(refusal.value).startswith(f"{VAR}={raw!r}: expected one of true/false")


def test_env_int(monkeypatch):
    monkeypatch.delenv(VAR, raising=False)
    assert env_int(VAR, 42) == 42
    monkeypatch.setenv(VAR, " 90 ")
    assert env_int(VAR, 42, minimum=60) == 90


@pytest.mark.parametrize(
    ("raw", "message"),
    [("ten", "expected a whole number"), ("1.5", "expected a whole number"),
     ("59", "must be at least 60"), ("-1", "must be at least 60")],
)
def test_env_int_refuses_bad_values_naming_the_variable(monkeypatch, raw, message):
    monkeypatch.setenv(VAR, raw)
    with pytest.raises(ConfigurationError) as refusal:
        env_int(VAR, 600, minimum=60)
    assert str(refusal.value) == f"{VAR}={raw!r}: {message}"


def test_env_list_and_str(monkeypatch):
    monkeypatch.setenv(VAR, " a.example , ,b.example,")
    assert env_list(VAR, ["x"]) == ["a.example", "b.example"]
    assert env_str(VAR, "x") == " a.example , ,b.example,"
    monkeypatch.setenv(VAR, "  ")
    default = ["localhost"]
    assert env_list(VAR, default) == ["localhost"]
    assert env_list(VAR, default) is not default
    monkeypatch.delenv(VAR)
    assert env_str(VAR, "fallback") == "fallback"
