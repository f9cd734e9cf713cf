"""Which version of a legal parameter is in force: by date, and national before Union law."""

from __future__ import annotations

from datetime import date

import pytest

from retour.reference.legal import MissingLegalParameter, parameter_in_force, require_parameter
from retour.reference.models import LegalParameter

CODE = "test.period"


def _version(jurisdiction: str, value: int, valid_from: date, valid_until: date | None = None):
    return LegalParameter.objects.create(
        code=CODE, jurisdiction=jurisdiction, value=value, unit="days", valid_from=valid_from,
        valid_until=valid_until, description="test", source="test",
        verification=LegalParameter.Verification.UNVERIFIED,
    )


@pytest.fixture
def versions(db):
    return {
        "eu_old": _version("EU", 10, date(2010, 1, 1), date(2019, 12, 31)),
        "eu_new": _version("EU", 20, date(2020, 1, 1)),
        "nl": _version("NL", 30, date(2015, 6, 1)),
    }


@pytest.mark.parametrize(
    ("member_state", "on", "expected"),
    [
        ("BE", date(2009, 12, 31), None),
        ("BE", date(2010, 1, 1), "eu_old"),
        ("BE", date(2019, 12, 31), "eu_old"),  # valid_until is the last day in force
        ("BE", date(2020, 1, 1), "eu_new"),
        ("NL", date(2015, 5, 31), "eu_old"),
        ("NL", date(2015, 6, 1), "nl"),
        ("NL", date(2030, 1, 1), "nl"),  # the national rule wins even over a newer EU rule
    ],
)
def test_version_in_force(versions, member_state, on, expected):
    found = parameter_in_force(CODE, on, member_state)
    assert found == (versions[expected] if expected else None)


def test_a_newer_national_version_replaces_the_older(versions):
    newer = _version("NL", 40, date(2025, 1, 1))
    assert parameter_in_force(CODE, date(2024, 12, 31), "NL") == versions["nl"]
    assert parameter_in_force(CODE, date(2025, 1, 1), "NL") == newer


def test_missing_parameter_names_code_member_state_and_day(versions):
    with pytest.raises(MissingLegalParameter) as missing:
        require_parameter(CODE, date(2009, 12, 31), "BE")
    assert str(missing.value) == (
        "no version of legal parameter 'test.period' is in force for BE on 2009-12-31"
    )
    assert require_parameter(CODE, date(2021, 1, 1), "BE") == versions["eu_new"]


def test_shipped_parameters_are_loaded(db):
    maximum = parameter_in_force("voluntary_departure.maximum", date(2026, 3, 2), "NL")
    assert maximum is not None
    assert (maximum.value, maximum.unit, maximum.source) == (
        30, "days", "Directive 2008/115/EC Art. 7(1)"
    )
