"""Reference data files: a malformed entry is refused with file, entry and field named, and
nothing of the file is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from retour.accounts.loading import load_authorities
from retour.accounts.models import Authority
from retour.reference.loading import ReferenceDataError, load_legal_parameters
from retour.reference.models import LegalParameter

GOOD = """
[[parameter]]
code = "test.first"
jurisdiction = "EU"
value = 7
unit = "days"
valid_from = 2020-01-01
description = "a good entry"
source = "test"
verification = "verified"
"""


def _parameter(**fields: str) -> str:
    values = {
        "code": '"test.second"', "jurisdiction": '"NL"', "value": "4", "unit": '"weeks"',
        "valid_from": "2020-01-01", "description": '"d"', "source": '"s"',
        "verification": '"unverified"', **fields,
    }
    lines = [f"{name} = {value}" for name, value in values.items() if value != "<none>"]
    return "\n[[parameter]]\n" + "\n".join(lines) + "\n"


def _write(tmp_path: Path, text: str, name: str = "legal_parameters.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"source": "<none>"}, "'source' is missing"),
        ({"value": '"four"'}, "'value' must be a int"),
        ({"value": "true"}, "'value' must be a int"),
        ({"value": "-1"}, "'value' cannot be negative"),
        ({"valid_from": '"2020-01-01"'}, "'valid_from' must be a date"),
        ({"valid_until": "2019-12-31"}, "'valid_until' must be a date after 'valid_from'"),
        ({"unit": '"fortnights"'}, "unit 'fortnights' is not one of"),
        ({"unit": '"working_days"'}, "working_days"),
        ({"value": "100000", "unit": '"years"'}, "cannot count 100000 years"),
        ({"verification": '"hearsay"'}, "unknown verification 'hearsay'"),
        ({"jurisdiction": '"MA"'}, "jurisdiction 'MA' is neither EU nor a member state"),
    ],
)
def test_a_bad_parameter_is_refused_with_file_entry_and_field(db, tmp_path, fields, message):
    path = _write(tmp_path, GOOD + _parameter(**fields))
    before = LegalParameter.objects.count()
    with pytest.raises(ReferenceDataError) as refusal:
        load_legal_parameters(path)
    assert str(refusal.value).startswith("legal_parameters.toml: parameter 2 (test.second): ")
    assert message in str(refusal.value)
    assert LegalParameter.objects.count() == before  # not even the good first entry


def test_a_toml_syntax_error_names_the_file_and_line(db, tmp_path):
    path = _write(tmp_path, GOOD + "\n[[parameter]]\ncode = \n")
    with pytest.raises(ReferenceDataError, match=r"legal_parameters\.toml: .*line 13"):
        load_legal_parameters(path)


def test_loading_twice_updates_rather_than_duplicates(db, tmp_path):
    path = _write(tmp_path, GOOD)
    assert load_legal_parameters(path) == 1
    _write(tmp_path, GOOD.replace("value = 7", "value = 8"))
    load_legal_parameters(path)
    values = LegalParameter.objects.filter(code="test.first").values_list("value", flat=True)
    assert list(values) == [8]


AUTHORITY = """
[[authority]]
code = "nl-test"
name = "Test service"
kind = "return_service"
member_state = "NL"
"""


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('code = "x-1"\nkind = "police"\nmember_state = "NL"', "'name' is missing"),
        ('code = "x-1"\nname = "X"\nkind = "army"\nmember_state = "NL"', "unknown kind 'army'"),
        ('code = "x-1"\nname = "X"\nkind = "eu_body"\nmember_state = "NL"',
         "an EU body has no member_state"),
        ('code = "x-1"\nname = "X"\nkind = "police"\nmember_state = "MA"',
         "member_state 'MA' is not a member state"),
        ('code = "x-1"\nname = "X"\nkind = "police"', "member_state None is not a member state"),
    ],
)
def test_a_bad_authority_is_refused_with_file_entry_and_field(db, tmp_path, entry, message):
    path = _write(tmp_path, AUTHORITY + "\n[[authority]]\n" + entry + "\n", "authorities.toml")
    with pytest.raises(ReferenceDataError) as refusal:
        load_authorities(path)
    assert str(refusal.value).startswith("authorities.toml: authority 2 (x-1): ")
    assert message in str(refusal.value)
    assert not Authority.objects.filter(code="nl-test").exists()


def test_good_authorities_load(db, tmp_path):
    path = _write(tmp_path, AUTHORITY, "authorities.toml")
    assert load_authorities(path) == 1
    assert Authority.objects.get(code="nl-test").member_state_id == "NL"
