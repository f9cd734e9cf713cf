"""Search keys meet names across spellings and scripts."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retour.people.names import guess_script, search_key


@pytest.mark.parametrize(
    ("parts", "key"),
    [
        (("Müller",), "muller"),
        (("MÜLLER",), "muller"),
        (("Muller",), "muller"),
        (("Çelik", "Şükrü"), "celik sukru"),
        (("Đorđević",), "dordevic"),
        (("Straße",), "strasse"),
        (("O'Brien-Smith",), "o brien smith"),
        (("  Karim ", "", " Haddad "), "karim haddad"),
        (("ﬁlali",), "filali"),  # a ligature is two plain letters (NFKC)
        (("Мюллер",), "myuller"),
        (("Ольга", "Петренко"), "ol ga petrenko"),
        (("حداد",), "hdd"),
        (("كريم", "حداد"), "krym hdd"),
        (("Ελένη",), "eleni"),
    ],
)
def test_search_key_folds_case_diacritics_and_scripts(parts, key):
    assert search_key(*parts) == key


@given(st.lists(st.text(max_size=30), max_size=3))
def test_search_key_is_plain_lower_case_ascii_and_stable(parts):
    key = search_key(*parts)
    assert re.fullmatch(r"([a-z0-9]+( [a-z0-9]+)*)?", key)
    assert search_key(key) == key


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Haddad", "Latn"),
        ("حداد", "Arab"),
        ("Петренко", "Cyrl"),
        ("Ελένη", "Grek"),
        ("  1984 Müller", "Latn"),
        ("ნინო", "Geor"),
        ("1984", "Zyyy"),
        ("", "Zyyy"),
    ],
)
def test_guess_script_by_the_first_letter(text, script):
    assert guess_script(text) == script
