"""The one policy for text and dates (ADR 17): what is refused, and that ordinary names in any
script, right-to-left ones included, are not."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from retour import spreadsheet
from retour.detention.inputs import OrderDetention
from retour.seam.inputs import Line, PartialDate, Text
from retour.seam.limits import (
    BIDI_CONTROLS,
    LONG_TEXT,
    SHORT_TEXT,
    check_partial_date,
    document_problems,
    text_problem,
)

pytestmark = pytest.mark.usefixtures("frozen_clock")

# The machine the suite runs on is shared; generating text may be slow there, never wrong.
_PATIENT = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
_CONTROLS = sorted(BIDI_CONTROLS | {"\x00"})
_LETTERS = {
    "latin": "abcdefghijklmnopqrstuvwxyzÀÉÍÓÚàéíóúçñøåäöüßŁł",
    "arabic": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "cyrillic": "абвгдежзийклмнопрстуфхцчшщъыьэюяЁё",
}


def _names(letters: str) -> st.SearchStrategy[str]:
    word = st.text(alphabet=letters, min_size=1, max_size=12)
    joiner = st.sampled_from([" ", "-", "'", "’"])
    return st.builds(lambda first, rest: first + "".join(j + w for j, w in rest),
                     word, st.lists(st.tuples(joiner, word), max_size=4))


@_PATIENT
@given(text=st.text(max_size=40), control=st.sampled_from(_CONTROLS), at=st.integers(0, 40),
       multiline=st.booleans())
def test_any_text_with_a_direction_control_or_nul_is_refused(text, control, at, multiline):
    hostile = text[:at] + control + text[at:]
    assert text_problem(hostile, multiline=multiline) is not None


@_PATIENT
@given(name=st.sampled_from(list(_LETTERS.values())).flatmap(_names))
def test_ordinary_names_in_latin_arabic_and_cyrillic_are_accepted(name):
    assert text_problem(name) is None
    assert text_problem(name, multiline=True) is None


def test_a_line_break_is_free_text_only():
    assert text_problem("first line\r\nsecond\tline", multiline=True) is None
    assert text_problem("Haddad\nKarim") is not None
    assert text_problem("Haddad\x85") is not None  # C1 next line
    assert text_problem("Haddad\x1b[31m", multiline=True) is not None  # an escape sequence


def test_lengths():
    assert text_problem("x" * SHORT_TEXT) is None
    assert text_problem("x" * (SHORT_TEXT + 1)) is not None
    assert text_problem("x" * LONG_TEXT, multiline=True) is None
    assert text_problem("x" * (LONG_TEXT + 1), multiline=True) == (
        "is too long: at most 10000 characters, this has 10001. Shorten it.")


def test_the_refusals_read_in_dutch():
    with translation.override("nl"):
        assert text_problem("\u202eabc") == (
            "bevat een onzichtbaar teken dat de richting van de tekst verandert. Typ de tekst "
            "opnieuw zonder dat teken.")
        assert text_problem("x" * 201) == (
            "is te lang: hoogstens 200 tekens, dit zijn er 201. Maak het korter.")


def test_a_json_document_is_checked_at_every_path():
    document = {"a": ["ok", {"b": "x\x00"}], "c": "\u202e", "d": 1}
    assert [path for path, _ in document_problems(document)] == ["$.a[1].b", "$.c"]


@pytest.mark.parametrize(
    ("text", "parts"),
    [("1994", (1994, None, None)), ("1994-05", (1994, 5, None)), ("2024-02-29", (2024, 2, 29))],
)
def test_a_plausible_partial_date(text, parts):
    assert check_partial_date(text) == parts


@pytest.mark.parametrize(
    ("text", "words"),
    [("2026-02-30", "no such date"), ("2025-04-31", "no such date"), ("2025-13", "use YYYY"),
     ("1850", "between 1900"), ("2090", "between 1900"), ("17-05-1994", "use YYYY")],
)
def test_an_impossible_partial_date(text, words):
    with pytest.raises(ValueError, match=words):
        check_partial_date(text)


def test_the_api_type_of_a_partial_date_is_the_same_rule():
    adapter = TypeAdapter(PartialDate)
    assert adapter.validate_python("1994-05") == "1994-05"
    with pytest.raises(ValidationError, match="no such date"):
        adapter.validate_python("2026-02-30")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=HYPERLINK(\"http://evil.example\")", "'=HYPERLINK(\"http://evil.example\")"),
        ("+31 20", "'+31 20"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"), ("\rx", "'\rx"),
        ("-3.25", "-3.25"), ("+4", "+4"), (-3, "-3"), ("Haddad", "Haddad"),
        ("Ahmed\u202egnp.exe", "Ahmedgnp.exe"), ("\u202e=1+1", "'=1+1"),
        ("حداد", "حداد"),
    ],
)
def test_every_csv_cell_is_inert_in_a_spreadsheet(value, written):
    out = io.StringIO()
    spreadsheet.writer(out).writerow([value])
    assert next(csv.reader(io.StringIO(out.getvalue(), newline=""))) == [written]


def test_dates_in_an_action_schema_are_plausible():
    with pytest.raises(ValidationError, match="must not be before 1990-01-01"):
        OrderDetention.model_validate({"ordered_on": date(1, 1, 1)})


_AWKWARD = st.sampled_from(
    [*sorted(BIDI_CONTROLS), "\x00", "\t", "\n", "\r", "\x0b", "\x1b", "\x7f", "\x85",
     "\x9f", "\xa0", "\ud800", "\udfff", "\u200b", "\u2028", "\U0001f600"])


@pytest.mark.parametrize("multiline", [True, False])
@given(value=st.lists(st.one_of(st.characters(), _AWKWARD), max_size=30).map("".join))
def test_the_published_pattern_refuses_what_the_check_refuses(multiline, value):
    """The OpenAPI schema's pattern for text (``seam.inputs``) says what ``text_problem``
    checks (length aside), so a client can know before it sends."""
    schema = TypeAdapter(Text if multiline else Line).json_schema()
    assert schema["maxLength"] == (LONG_TEXT if multiline else SHORT_TEXT)
    matches = re.fullmatch(schema["pattern"], value) is not None
    assert matches == (text_problem(value, multiline=multiline) is None)
