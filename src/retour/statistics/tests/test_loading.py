"""The definitions file: the shipped one loads; an invalid definition is refused with its code
and the reason, and nothing of the file is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from retour.reference.loading import ReferenceDataError
from retour.statistics.loading import DEFINITIONS, load_indicators
from retour.statistics.models import IndicatorDefinition

pytestmark = pytest.mark.django_db

GOOD = """
version = "test.1"

[[indicator]]
code = "returns"
name.en = "Returns"
name.nl = "Terugkeer"
description.en = "Returns in the period."
description.nl = "Terugkeer in de periode."
source = "test"
unit = "count"
dimensions = ["sex"]
numerator = { period = "departed_on" }
"""


def _load(tmp_path: Path, text: str) -> int:
    path = tmp_path / "indicators.toml"
    path.write_text(text, encoding="utf-8")
    return load_indicators(path)


def _with(**fields: str) -> str:
    """GOOD with its indicator's fields replaced (``<none>`` drops one)."""
    lines = GOOD.strip().splitlines()
    out = []
    for line in lines:
        key = line.split(" = ")[0]
        if key in fields:
            if fields[key] != "<none>":
                out.append(f"{key} = {fields[key]}")
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def test_the_shipped_definitions_load() -> None:
    count = load_indicators(DEFINITIONS)
    assert count == IndicatorDefinition.objects.count() >= 24
    rate = IndicatorDefinition.objects.get(code="return_rate_eurostat")
    assert "different cohorts" in rate.description_en
    assert rate.name_nl.startswith("Terugkeerpercentage")


def test_loading_again_replaces_the_set(tmp_path: Path) -> None:
    load_indicators(DEFINITIONS)
    assert _load(tmp_path, GOOD) == 1
    assert list(IndicatorDefinition.objects.values_list("code", "version")) == [
        ("returns", "test.1")
    ]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        (
            {"numerator": '{ period = "deported_on" }'},
            "unknown column 'deported_on' (not a field of the milestone table)",
        ),
        ({"numerator": '{ period = "citizenship" }'}, "column 'citizenship' is a text, not a date"),
        (
            {"numerator": '{ period = "departed_on", where = ["return_type = voluntary"] }'},
            "'voluntary' is not a text value for column 'return_type'",
        ),
        (
            {"numerator": '{ period = "departed_on", where = ["assisted = yes"] }'},
            "'yes' is not a bool value for column 'assisted'",
        ),
        (
            {"numerator": '{ period = "departed_on", where = ["departed_on ~ opened_on"] }'},
            "cannot read the clause",
        ),
        (
            {
                "numerator": '{ period = "departed_on", where = ["departed_on <= opened_on + '
                'param(no.such.parameter)"] }'
            },
            "unknown legal parameter 'no.such.parameter'",
        ),
        (
            {
                "numerator": '{ period = "departed_on", where = ["departed_on <= opened_on + '
                'param(entry_ban.maximum)"] }'
            },
            "unknown legal parameter 'entry_ban.maximum' (or not counted in days)",
        ),
        ({"unit": '"percent"'}, "a percent needs a denominator"),
        ({"unit": '"days"'}, "unit days needs a duration"),
        ({"unit": '"euros"'}, "unit 'euros' is not one of count, percent, days"),
        ({"dimensions": '["religion"]'}, "cannot break down by 'religion'"),
        ({"name.nl": "<none>"}, "'name' needs English and Dutch text"),
        ({"source": "<none>"}, "'source' is missing"),
        ({"code": '"Returns!"'}, "code must be lower-case letters"),
    ],
)
def test_an_invalid_definition_is_refused_with_code_and_reason(
    tmp_path: Path, fields: dict[str, str], reason: str
) -> None:
    load_indicators(DEFINITIONS)
    before = IndicatorDefinition.objects.count()
    with pytest.raises(ReferenceDataError) as refused:
        _load(tmp_path, _with(**fields))
    message = str(refused.value)
    assert message.startswith("indicators.toml: indicator ")
    assert reason in message
    if "code" not in fields:
        assert "indicator returns:" in message
    assert IndicatorDefinition.objects.count() == before


def test_a_stock_age_is_a_mean(tmp_path: Path) -> None:
    text = (
        _with(
            unit='"days"',
            numerator='{ period = "return_decision_on", open_until = ["departed_on"] }',
        )
        + 'duration = { start = "return_decision_on", end = "period_end", statistic = "median" }\n'
    )
    with pytest.raises(ReferenceDataError, match="the age of a stock is the mean"):
        _load(tmp_path, text)


def test_twice_the_same_code_is_refused(tmp_path: Path) -> None:
    second = GOOD.split("\n\n", 1)[1]
    with pytest.raises(ReferenceDataError, match="indicator returns: defined twice"):
        _load(tmp_path, GOOD + "\n" + second)


def test_a_file_without_version_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError, match="'version' is missing"):
        _load(tmp_path, GOOD.replace('version = "test.1"', ""))
