"""Reading the machine-readable zone of travel documents and visas (ICAO Doc 9303, 8th ed.).

Formats, by line count and length:

- TD1, 3 lines of 30 (identity cards, residence permits): Doc 9303 Part 5;
- TD2, 2 lines of 36: Part 6; MRV-B, 2 lines of 36 starting with ``V``: Part 7;
- TD3, 2 lines of 44 (passports): Part 4; MRV-A, 2 lines of 44 starting with ``V``: Part 7.

Check digits follow Part 3 §4.9: weights 7, 3, 1 repeating over the character values (digits as
themselves, ``A``–``Z`` as 10–35, the filler ``<`` as 0), the sum modulo 10. The parser is pure:
it needs no database, and says for every field what it found. A zone that is not an MRZ at all
(wrong shape, a character that cannot stand where it stands) raises ``NotAnMrz`` with every
problem, each with its line, position (1-based) and what was expected.

What it says to people (problems, warnings, what a check digit covers) is translated when it
is made, in the active language, like the refusals of ``retour.errors``: the pages and an API
client that asks for Dutch read Dutch, the CLI reads English. Codes and field names are not
translated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FILLER = "<"
_WEIGHTS = (7, 3, 1)
_LETTERS = re.compile(r"[A-Z<]")
_ALPHANUMERIC = re.compile(r"[A-Z0-9<]")
_DIGIT = re.compile(r"[0-9]")
_DIGIT_OR_FILLER = re.compile(r"[0-9<]")
_SEX = re.compile(r"[MFX<]")

# What the first letter of the document code says (Doc 9303 Part 4 §4.2.2, Part 5 §4.2.2,
# Part 7 §4.2.2); the second letter is at the issuing state's discretion.
DOCUMENT_KINDS = {"P": "passport", "V": "visa", "I": "identity document",
                  "A": "identity document", "C": "identity document"}


@dataclass(frozen=True)
class Problem:
    """What is wrong where: ``position`` is 1-based, or 0 when the whole line is wrong;
    ``expected`` and ``message`` are in the language active when the problem was found."""

    line: int
    position: int
    expected: str
    found: str
    message: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        parts = {"line": self.line, "position": self.position, "expected": self.expected,
                 "found": self.found}
        if self.position == 0:
            message = _("line %(line)s: expected %(expected)s, found %(found)s") % parts
        else:
            message = _("line %(line)s, position %(position)s: expected %(expected)s, "
                        "found %(found)s") % {**parts, "found": repr(self.found)}
        object.__setattr__(self, "message", message)

    def __str__(self) -> str:
        return self.message

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "position": self.position, "expected": self.expected,
                "found": self.found, "message": self.message}


class NotAnMrz(ValueError):
    """The lines are not a machine-readable zone; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem] | str) -> None:
        self.problems = problems if isinstance(problems, list) else []
        super().__init__(problems if isinstance(problems, str)
                         else "; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class CheckDigit:
    """One check digit: the digit printed, the one computed, and over which positions."""

    found: str
    computed: str
    over: str

    @property
    def valid(self) -> bool:
        return self.found == self.computed


@dataclass(frozen=True)
class MrzDate:
    """A date as printed (YYMMDD); ``<<`` for an unknown day or month is allowed in a date of
    birth (Doc 9303 Part 3 §4.4.2 and Part 4 note j)."""

    raw: str
    value: date | None
    year: int | None
    month: int | None
    day: int | None

    def as_json(self) -> dict[str, Any]:
        return {"raw": self.raw, "date": self.value.isoformat() if self.value else None,
                "year": self.year, "month": self.month, "day": self.day}


@dataclass
class Mrz:
    format: str
    lines: list[str]
    document_code: str
    issuing_state: str
    primary_identifier: str
    secondary_identifier: str
    name_truncated: bool
    document_number: str
    nationality: str
    birth_date: MrzDate
    sex: str
    expiry_date: MrzDate
    optional_data: str
    optional_data_2: str | None
    check_digits: dict[str, CheckDigit]
    warnings: list[str] = field(default_factory=list)

    @property
    def document_kind(self) -> str:
        return DOCUMENT_KINDS.get(self.document_code[:1], "other")

    @property
    def valid(self) -> bool:
        """Every check digit matches and every date is a real date."""
        dates_real = all(d.value is not None or d.day is None or d.month is None
                         for d in (self.birth_date, self.expiry_date))
        return all(c.valid for c in self.check_digits.values()) and dates_real

    def as_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "valid": self.valid,
            "document_code": self.document_code,
            "document_kind": self.document_kind,
            "issuing_state": self.issuing_state,
            "primary_identifier": self.primary_identifier,
            "secondary_identifier": self.secondary_identifier,
            "name_truncated": self.name_truncated,
            "document_number": self.document_number,
            "nationality": self.nationality,
            "birth_date": self.birth_date.as_json(),
            "sex": {"M": "male", "F": "female", "X": "unspecified", "<": "unspecified"}[self.sex],
            "expiry_date": self.expiry_date.as_json(),
            "optional_data": self.optional_data,
            "optional_data_2": self.optional_data_2,
            "check_digits": {name: {"found": c.found, "computed": c.computed, "valid": c.valid,
                                    "over": c.over}
                             for name, c in self.check_digits.items()},
            "lines": self.lines,
            "warnings": self.warnings,
        }


def character_value(character: str) -> int:
    if character.isdigit():
        return int(character)
    if "A" <= character <= "Z":
        return ord(character) - ord("A") + 10
    if character == FILLER:
        return 0
    raise ValueError(f"{character!r} has no check-digit value")


def check_digit(text: str) -> str:
    """The check digit of ``text`` (Doc 9303 Part 3 §4.9)."""
    total = sum(character_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(text))
    return str(total % 10)


# What each field must hold, as a problem says it.
_CODE = gettext_lazy("the document code (letters)")
_STATE = gettext_lazy("the issuing state (3 letters)")
_NUMBER = gettext_lazy("the document number (letters, digits, <)")
_CHECK = gettext_lazy("a check digit")
_OPTIONAL = gettext_lazy("optional data (letters, digits, <)")
_PERSONAL_NUMBER = gettext_lazy("the personal number (letters, digits, <)")
_BIRTH = gettext_lazy("the date of birth YYMMDD")
_SEX_CODE = gettext_lazy("the sex (M, F, X or <)")
_EXPIRY = gettext_lazy("the date of expiry YYMMDD")
_NATIONALITY = gettext_lazy("the nationality (3 letters)")
_COMPOSITE = gettext_lazy("the composite check digit")
_NAME = gettext_lazy("the name (letters and <)")

# The layouts, as (name, line, start, end, allowed characters, what is expected): positions
# 0-based and end-exclusive here, reported 1-based.
_Layout = list[tuple[str, int, int, int, re.Pattern[str], Promise]]
_TD1: _Layout = [
    ("document_code", 0, 0, 2, _LETTERS, _CODE),
    ("issuing_state", 0, 2, 5, _LETTERS, _STATE),
    ("document_number", 0, 5, 14, _ALPHANUMERIC, _NUMBER),
    ("document_number_check", 0, 14, 15, _DIGIT_OR_FILLER, _CHECK),
    ("optional_data", 0, 15, 30, _ALPHANUMERIC, _OPTIONAL),
    ("birth_date", 1, 0, 6, _DIGIT_OR_FILLER, _BIRTH),
    ("birth_date_check", 1, 6, 7, _DIGIT, _CHECK),
    ("sex", 1, 7, 8, _SEX, _SEX_CODE),
    ("expiry_date", 1, 8, 14, _DIGIT, _EXPIRY),
    ("expiry_date_check", 1, 14, 15, _DIGIT, _CHECK),
    ("nationality", 1, 15, 18, _LETTERS, _NATIONALITY),
    ("optional_data_2", 1, 18, 29, _ALPHANUMERIC, _OPTIONAL),
    ("composite_check", 1, 29, 30, _DIGIT, _COMPOSITE),
    ("name", 2, 0, 30, _LETTERS, _NAME),
]


def _two_line(width: int, *, composite: bool) -> _Layout:
    """TD2, TD3, MRV-A and MRV-B share one shape: line 1 code, state and name; line 2 number,
    nationality, birth, sex, expiry, then optional data (and for TD2/TD3 the composite)."""
    optional_end = width - 1 if composite else width
    layout: _Layout = [
        ("document_code", 0, 0, 2, _LETTERS, _CODE),
        ("issuing_state", 0, 2, 5, _LETTERS, _STATE),
        ("name", 0, 5, width, _LETTERS, _NAME),
        ("document_number", 1, 0, 9, _ALPHANUMERIC, _NUMBER),
        ("document_number_check", 1, 9, 10, _DIGIT_OR_FILLER, _CHECK),
        ("nationality", 1, 10, 13, _LETTERS, _NATIONALITY),
        ("birth_date", 1, 13, 19, _DIGIT_OR_FILLER, _BIRTH),
        ("birth_date_check", 1, 19, 20, _DIGIT, _CHECK),
        ("sex", 1, 20, 21, _SEX, _SEX_CODE),
        ("expiry_date", 1, 21, 27, _DIGIT, _EXPIRY),
        ("expiry_date_check", 1, 27, 28, _DIGIT, _CHECK),
    ]
    if width == 44 and composite:  # TD3 has its own check digit for the personal number
        layout += [
            ("optional_data", 1, 28, 42, _ALPHANUMERIC, _PERSONAL_NUMBER),
            ("optional_data_check", 1, 42, 43, _DIGIT_OR_FILLER, _CHECK),
        ]
    else:
        layout.append(("optional_data", 1, 28, optional_end, _ALPHANUMERIC, _OPTIONAL))
    if composite:
        layout.append(("composite_check", 1, width - 1, width, _DIGIT, _COMPOSITE))
    return layout


_LAYOUTS: dict[str, _Layout] = {
    "TD1": _TD1,
    "TD2": _two_line(36, composite=True),
    "TD3": _two_line(44, composite=True),
    "MRV-A": _two_line(44, composite=False),
    "MRV-B": _two_line(36, composite=False),
}


def _format_of(lines: list[str]) -> str:
    lengths = [len(line) for line in lines]
    shapes = {(3, 30): "TD1", (2, 36): "TD2", (2, 44): "TD3"}
    if not lines or len(lines) not in (2, 3):
        raise NotAnMrz(_("expected 2 lines (passport, visa, TD2 card) or 3 lines (TD1 card), "
                         "got %(count)s") % {"count": len(lines)})
    width = {2: lengths[0] if lengths[0] in (36, 44) else 44, 3: 30}[len(lines)]
    wrong = [Problem(i + 1, 0, _("%(count)s characters") % {"count": width}, f"{n}")
             for i, n in enumerate(lengths) if n != width]
    if wrong:
        raise NotAnMrz(wrong)
    kind = shapes[(len(lines), width)]
    if lines[0].startswith("V") and kind != "TD1":
        kind = "MRV-A" if width == 44 else "MRV-B"
    return kind


def normalise(lines: list[str]) -> list[str]:
    """Lines as typed or scanned: surrounding blanks and empty lines dropped, upper case."""
    return [line.strip().upper() for line in lines if line.strip()]


def _fields(kind: str, lines: list[str]) -> dict[str, str]:
    problems: list[Problem] = []
    values: dict[str, str] = {}
    for name, line, start, end, allowed, expected in _LAYOUTS[kind]:
        text = lines[line][start:end]
        for offset, character in enumerate(text):
            if not allowed.fullmatch(character):
                problems.append(Problem(line + 1, start + offset + 1, str(expected),
                                        character))
                break
        values[name] = text
    if problems:
        raise NotAnMrz(problems)
    return values


def _name(text: str) -> tuple[str, str, bool]:
    """Primary and secondary identifier (Doc 9303 Part 3 §4.6): ``<<`` between them, ``<``
    between their parts. A name that fills the field to its last character may be truncated."""
    truncated = not text.endswith(FILLER)
    primary, _, secondary = text.rstrip(FILLER).partition("<<")
    return primary.replace(FILLER, " ").strip(), secondary.replace(FILLER, " ").strip(), truncated


def _date(raw: str, today: date, *, kind: str) -> MrzDate:
    """A two-digit year resolved to a century: a date of birth is never after today; a date of
    expiry lies within 50 years either side of today."""
    year_text, month_text, day_text = raw[:2], raw[2:4], raw[4:6]
    if not year_text.isdigit():
        return MrzDate(raw, None, None, None, None)
    two_digits = int(year_text)
    if kind == "birth":
        year = 2000 + two_digits if 2000 + two_digits <= today.year else 1900 + two_digits
    else:
        year = 2000 + two_digits if 2000 + two_digits <= today.year + 50 else 1900 + two_digits
    month = int(month_text) if month_text.isdigit() else None
    day = int(day_text) if day_text.isdigit() and month is not None else None
    value = None
    if month is not None and day is not None:
        try:
            value = date(year, month, day)
        except ValueError:
            value = None
        if kind == "birth" and value is not None and value > today:
            year -= 100
            value = value.replace(year=year)
    return MrzDate(raw, value, year, month, day)


def _long_document_number(number: str, check: str, optional: str) -> tuple[str, str, str, bool]:
    """TD1 and TD2: a number longer than 9 characters goes on in the optional data, after a
    ``<`` in the check-digit position, its last character there being the check digit
    (Doc 9303 Part 5 note j, Part 6 note j). Returns number, check digit, the rest of the
    optional data, and whether the number was long."""
    if check != FILLER or not optional or optional[0] == FILLER:
        return number, check, optional, False
    rest, _, after = optional.partition(FILLER)
    return number + rest[:-1], rest[-1:], after, True


def parse(raw_lines: list[str], *, today: date) -> Mrz:
    """Parse and check a machine-readable zone; ``today`` resolves two-digit years."""
    lines = normalise(raw_lines)
    kind = _format_of(lines)
    values = _fields(kind, lines)
    warnings: list[str] = []
    if any(line != raw.strip() for line, raw in zip(lines, [r for r in raw_lines if r.strip()],
                                                     strict=True)):
        warnings.append(_("lower-case letters were read as capitals"))
    number, number_check = values["document_number"], values["document_number_check"]
    optional = values["optional_data"]
    checks: dict[str, CheckDigit] = {}
    if kind in ("TD1", "TD2"):
        number, number_check, optional, long = _long_document_number(number, number_check,
                                                                     optional)
        if long:
            warnings.append(_("the document number is longer than 9 characters and continues "
                              "in the optional data"))
    number_text = number if len(number) > 9 else values["document_number"]
    checks["document_number"] = CheckDigit(number_check, check_digit(number_text),
                                           _("document number"))
    checks["birth_date"] = CheckDigit(values["birth_date_check"],
                                      check_digit(values["birth_date"]), _("date of birth"))
    checks["expiry_date"] = CheckDigit(values["expiry_date_check"],
                                       check_digit(values["expiry_date"]), _("date of expiry"))
    if "optional_data_check" in values:
        found = values["optional_data_check"]
        computed = check_digit(values["optional_data"])
        # An empty personal number may carry a filler instead of 0 (Part 4 note k).
        if found == FILLER and set(values["optional_data"]) == {FILLER}:
            found = computed
        checks["optional_data"] = CheckDigit(found, computed, _("personal number"))
    if "composite_check" in values:
        checks["composite"] = CheckDigit(values["composite_check"],
                                         check_digit(_composite_text(kind, lines)),
                                         _("composite"))
    primary, secondary, truncated = _name(values["name"])
    birth = _date(values["birth_date"], today, kind="birth")
    expiry = _date(values["expiry_date"], today, kind="expiry")
    for not_a_date, parsed in (
        (gettext_lazy("the date of birth %(raw)s is not a date in the calendar"), birth),
        (gettext_lazy("the date of expiry %(raw)s is not a date in the calendar"), expiry),
    ):
        if parsed.value is None and parsed.month is not None and parsed.day is not None:
            warnings.append(str(not_a_date) % {"raw": parsed.raw})
    if truncated:
        warnings.append(_("the name fills its field and may be truncated"))
    return Mrz(
        format=kind, lines=lines, document_code=values["document_code"].rstrip(FILLER),
        issuing_state=values["issuing_state"].rstrip(FILLER),
        primary_identifier=primary, secondary_identifier=secondary, name_truncated=truncated,
        document_number=number.rstrip(FILLER), nationality=values["nationality"].rstrip(FILLER),
        birth_date=birth, sex=values["sex"], expiry_date=expiry,
        optional_data=optional.rstrip(FILLER),
        optional_data_2=values["optional_data_2"].rstrip(FILLER) if kind == "TD1" else None,
        check_digits=checks, warnings=warnings,
    )


def _composite_text(kind: str, lines: list[str]) -> str:
    """What the composite check digit covers (Part 4 §4.2.2.2, Part 5, Part 6)."""
    if kind == "TD1":
        upper, middle = lines[0], lines[1]
        return upper[5:30] + middle[0:7] + middle[8:15] + middle[18:29]
    lower = lines[1]
    end = len(lower) - 1
    return lower[0:10] + lower[13:20] + lower[21:end]
