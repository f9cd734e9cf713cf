"""Machine-readable zones: every format, every check digit, malformed lines, two-digit years.

The specimens marked ICAO are the examples printed in Doc 9303 (Parts 4 to 7), an oracle
independent of this code: their check digits were computed by ICAO. The others are built here
by hand from the rules, with their check digits worked out in the comments.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retour.identification.mrz import NotAnMrz, Problem, check_digit, parse

TODAY = date(2026, 11, 28)

ICAO_TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
ICAO_TD2 = ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
            "D231458907UTO7408122F1204159<<<<<<<6"]
ICAO_TD1 = ["I<UTOD231458907<<<<<<<<<<<<<<<",
            "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]
ICAO_TD1_LONG_NUMBER = ["I<UTOD23145890<7349<<<<<<<<<<<",
                        "3407127M9507122UTO<<<<<<<<<<<2",
                        "STEVENSON<<PETER<JOHN<<<<<<<<<"]
ICAO_MRV_A = ["V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
              "L8988901C4XXX4009078F96121096ZE184226B<<<<<<"]
ICAO_MRV_B = ["V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
              "L8988901C4XXX4009078F9612109<<<<<<<<"]


@pytest.mark.parametrize(
    ("lines", "kind", "number", "nationality", "born", "expires"),
    [
        (ICAO_TD3, "TD3", "L898902C3", "UTO", date(1974, 8, 12), date(2012, 4, 15)),
        (ICAO_TD2, "TD2", "D23145890", "UTO", date(1974, 8, 12), date(2012, 4, 15)),
        (ICAO_TD1, "TD1", "D23145890", "UTO", date(1974, 8, 12), date(2012, 4, 15)),
        (ICAO_TD1_LONG_NUMBER, "TD1", "D23145890734", "UTO", date(1934, 7, 12),
         date(1995, 7, 12)),
        (ICAO_MRV_A, "MRV-A", "L8988901C", "XXX", date(1940, 9, 7), date(1996, 12, 10)),
        (ICAO_MRV_B, "MRV-B", "L8988901C", "XXX", date(1940, 9, 7), date(1996, 12, 10)),
    ],
)
def test_the_icao_specimens_of_every_format_read_and_check(
    lines, kind, number, nationality, born, expires
):
    mrz = parse(lines, today=TODAY)
    assert mrz.format == kind
    assert mrz.valid
    assert all(c.valid for c in mrz.check_digits.values())
    assert mrz.document_number == number
    assert mrz.nationality == nationality and mrz.issuing_state == "UTO"
    assert mrz.birth_date.value == born and mrz.expiry_date.value == expires


def test_a_passport_reports_each_field_and_each_check_digit():
    mrz = parse(ICAO_TD3, today=TODAY)
    assert (mrz.document_code, mrz.document_kind) == ("P", "passport")
    assert (mrz.primary_identifier, mrz.secondary_identifier) == ("ERIKSSON", "ANNA MARIA")
    assert mrz.sex == "F" and mrz.optional_data == "ZE184226B"
    assert {name: (c.found, c.computed) for name, c in mrz.check_digits.items()} == {
        "document_number": ("6", "6"), "birth_date": ("2", "2"), "expiry_date": ("9", "9"),
        "optional_data": ("1", "1"), "composite": ("0", "0"),
    }
    assert mrz.warnings == []


def test_visas_have_no_composite_check_digit_and_cards_no_personal_number_check():
    assert set(parse(ICAO_MRV_A, today=TODAY).check_digits) == {
        "document_number", "birth_date", "expiry_date"}
    assert set(parse(ICAO_TD1, today=TODAY).check_digits) == {
        "document_number", "birth_date", "expiry_date", "composite"}
    assert parse(ICAO_TD1, today=TODAY).optional_data_2 == ""


def test_a_long_document_number_continues_in_the_optional_data():
    mrz = parse(ICAO_TD1_LONG_NUMBER, today=TODAY)
    assert mrz.check_digits["document_number"].found == "9"
    assert mrz.optional_data == ""
    assert any("longer than 9 characters" in w for w in mrz.warnings)


def test_check_digits_by_hand():
    # 5*7 + 2*3 + 0*1 + 7*7 + 2*3 + 7*1 = 103 -> 3
    assert check_digit("520727") == "3"
    # A=10, B=11, <=0: 10*7 + 11*3 + 0*1 + 1*7 = 110 -> 0
    assert check_digit("AB<1") == "0"
    assert check_digit("") == "0"


def test_a_wrong_check_digit_is_reported_on_its_own_and_makes_the_zone_invalid():
    # The date of birth's check digit 2 becomes 3: that check and nothing else fails, except
    # the composite, which covers the check digit too.
    lines = [ICAO_TD3[0], ICAO_TD3[1][:19] + "3" + ICAO_TD3[1][20:]]
    mrz = parse(lines, today=TODAY)
    assert not mrz.valid
    failed = {name for name, c in mrz.check_digits.items() if not c.valid}
    assert failed == {"birth_date", "composite"}
    assert (mrz.check_digits["birth_date"].found, mrz.check_digits["birth_date"].computed) == (
        "3", "2")


def test_a_changed_document_number_fails_its_check_and_the_composite():
    lines = [ICAO_TD2[0], "D231458917" + ICAO_TD2[1][10:]]
    failed = {n for n, c in parse(lines, today=TODAY).check_digits.items() if not c.valid}
    assert failed == {"document_number", "composite"}


def test_a_constructed_passport_with_an_empty_personal_number_and_partial_birth_date():
    # Number ZX1234567: Z=35 X=33 -> 35*7+33*3+1*1+2*7+3*3+4*1+5*7+6*3+7*1 = 432 -> 2.
    # Birth 88<<<< (month and day unknown): 8*7+8*3 = 80 -> 0. Expiry 310101:
    # 3*7+1*3+0+1*7+0+1*1 = 32 -> 2. Personal number empty, its check digit a filler.
    line2_body = "ZX12345672AFG88<<<<0M3101012<<<<<<<<<<<<<<<"
    composite = check_digit(line2_body[0:10] + line2_body[13:20] + line2_body[21:43])
    lines = ["P<AFGRAHIMI<<OMID<<<<<<<<<<<<<<<<<<<<<<<<<<<", line2_body + composite]
    assert check_digit("ZX1234567") == "2"
    assert check_digit("88<<<<") == "0" and check_digit("310101") == "2"
    mrz = parse(lines, today=TODAY)
    assert mrz.valid, mrz.check_digits
    assert (mrz.birth_date.year, mrz.birth_date.month, mrz.birth_date.day) == (1988, None, None)
    assert mrz.birth_date.value is None
    assert mrz.expiry_date.value == date(2031, 1, 1)
    assert mrz.optional_data == "" and mrz.nationality == "AFG"


@pytest.mark.parametrize(
    ("raw", "kind", "year"),
    [
        ("251231", "birth", 2025),  # last year: a child
        ("261231", "birth", 1926),  # 31 December 2026 is after today: last century
        ("261128", "birth", 2026),  # born today
        ("700101", "expiry", 2070),  # within 50 years ahead
        ("770101", "expiry", 1977),  # more than 50 years ahead: last century
        ("000229", "birth", 2000),
    ],
)
def test_two_digit_years_are_resolved_sensibly(raw, kind, year):
    digit = check_digit(raw)
    if kind == "birth":
        line2 = f"L898902C36UTO{raw}{digit}F1204159ZE184226B<<<<<1"
    else:
        line2 = f"L898902C36UTO7408122F{raw}{digit}ZE184226B<<<<<1"
    line2 += check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    mrz = parse([ICAO_TD3[0], line2], today=TODAY)
    parsed = mrz.birth_date if kind == "birth" else mrz.expiry_date
    assert parsed.year == year and mrz.valid


def test_a_date_that_is_not_in_the_calendar_is_a_warning_and_not_valid():
    line2 = f"L898902C36UTO740230{check_digit('740230')}F1204159ZE184226B<<<<<1"
    line2 += check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    mrz = parse([ICAO_TD3[0], line2], today=TODAY)
    assert all(c.valid for c in mrz.check_digits.values())
    assert mrz.birth_date.value is None
    assert any("not a date in the calendar" in w for w in mrz.warnings)
    assert not mrz.valid


def test_names_with_one_identifier_and_names_that_may_be_truncated():
    lines = ["P<UTOSUKARNO<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<", ICAO_TD3[1]]
    mrz = parse(lines, today=TODAY)
    assert (mrz.primary_identifier, mrz.secondary_identifier) == ("SUKARNO", "")
    long_name = "P<UTO" + ("ABDULRAHMANALHASHIMI<<MOHAMMEDABDULLAHIBRAHIM")[:39]
    mrz = parse([long_name, ICAO_TD3[1]], today=TODAY)
    assert mrz.name_truncated and any("truncated" in w for w in mrz.warnings)


def test_lower_case_and_blank_lines_are_read_with_a_warning():
    mrz = parse(["", "  " + ICAO_TD3[0].lower(), ICAO_TD3[1], " "], today=TODAY)
    assert mrz.valid and mrz.warnings == ["lower-case letters were read as capitals"]


def _problems(lines: list[str]) -> list[Problem]:
    with pytest.raises(NotAnMrz) as caught:
        parse(lines, today=TODAY)
    return caught.value.problems


def test_a_line_of_the_wrong_length_says_which_line_and_what_was_expected():
    problems = _problems([ICAO_TD3[0], ICAO_TD3[1][:43]])
    assert [str(p) for p in problems] == ["line 2: expected 44 characters, found 43"]


def test_a_character_that_cannot_stand_there_is_named_with_its_position():
    line2 = ICAO_TD3[1][:15] + "O" + ICAO_TD3[1][16:]  # the letter O inside the date of birth
    assert [str(p) for p in _problems([ICAO_TD3[0], line2])] == [
        "line 2, position 16: expected the date of birth YYMMDD, found 'O'"]
    line1 = ICAO_TD3[0][:7] + "1" + ICAO_TD3[0][8:]  # a digit in the name
    problems = _problems([line1, line2])
    assert [(p.line, p.position) for p in problems] == [(1, 8), (2, 16)]


def test_what_is_not_an_mrz_at_all():
    with pytest.raises(NotAnMrz, match="expected 2 lines"):
        parse([ICAO_TD3[0]], today=TODAY)
    with pytest.raises(NotAnMrz, match="expected 2 lines"):
        parse([], today=TODAY)
    problems = _problems([*ICAO_TD1[:2], "ERIKSSON"])
    assert [str(p) for p in problems] == ["line 3: expected 30 characters, found 8"]


_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=20)
_MRZ_TEXT = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<", min_size=1, max_size=40)


@given(text=_MRZ_TEXT, data=st.data())
def test_changing_any_one_digit_changes_the_check_digit(text, data):
    """Weights 7, 3 and 1 are prime to 10, so every single wrong digit is caught."""
    positions = [i for i, c in enumerate(text) if c.isdigit()]
    if not positions:
        text, positions = text + "5", [len(text)]
    at = data.draw(st.sampled_from(positions))
    other = data.draw(st.sampled_from([d for d in "0123456789" if d != text[at]]))
    assert check_digit(text[:at] + other + text[at + 1:]) != check_digit(text)


@given(number=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=9, max_size=9),
       born=st.dates(date(1930, 1, 1), date(2026, 11, 28)),
       expires=st.dates(date(1977, 1, 1), date(2076, 12, 31)),
       sex=st.sampled_from("MFX<"))
def test_any_well_formed_passport_reads_back_what_was_written(number, born, expires, sex):
    b, e = born.strftime("%y%m%d"), expires.strftime("%y%m%d")
    line2 = (f"{number}{check_digit(number)}NLD{b}{check_digit(b)}{sex}{e}{check_digit(e)}"
             f"{'<' * 14}<")
    line2 += check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    mrz = parse(["P<NLDDE<BRUIJN<<WILLEKE<LISELOTTE<<<<<<<<<<<", line2], today=TODAY)
    assert mrz.valid
    assert mrz.document_number == number.rstrip("<")
    assert mrz.birth_date.value == born and mrz.expiry_date.value == expires
    assert (mrz.primary_identifier, mrz.secondary_identifier) == (
        "DE BRUIJN", "WILLEKE LISELOTTE")
