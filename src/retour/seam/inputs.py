"""The inputs of actions: one schema per action, from which the API's request body and the
page's form are both made (``retour.api.case_actions``, ``retour.web.forms_actions``).

The types catch, with a message naming the field, what the database would otherwise refuse
with a server error: text it cannot store, numbers beyond a column's range. ``Ask`` says how a
form asks for a field: its label, help, choices and the words of its empty choice.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from annotated_types import MaxLen
from django.db.models import Choices
from django.utils import translation
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    ValidationInfo,
    field_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import core_schema

from retour.seam.limits import (
    LONG_TEXT,
    PROCEDURE_YEARS_AHEAD,
    SHORT_TEXT,
    check_partial_date,
    check_text,
    date_problem,
    procedure_range,
)

# The range of the PositiveSmallIntegerField columns that hold periods and birth-date parts.
SmallNumber = Annotated[int, Field(ge=0, le=32767)]
# Decision rows use a big-integer primary key.
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class _Rule(ABC):
    """Annotation metadata: a check of the value, and what the OpenAPI schema says of it."""

    @abstractmethod
    def check(self, value: str) -> str: ...

    @abstractmethod
    def describe(self, json_schema: dict[str, Any]) -> None: ...

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        json_schema = handler(schema)
        self.describe(json_schema)
        return json_schema


# The characters text may not hold (ADR 17, ``limits.text_problem``), as a JSON Schema pattern:
# C0 and C1 controls and DEL, the bidirectional controls, lone surrogates; free text may break
# lines and indent.
_REFUSED = ("\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f"
            "\\u202a-\\u202e\\u2066-\\u2069\\ud800-\\udfff\\u0000-\\u0008")
_ONE_LINE_REFUSED = _REFUSED + "\\u0009\\u000a\\u000d"


class _Text(_Rule):
    """Text the database can store and that shows as what it is: the check of
    ``limits.check_text``, published in the OpenAPI schema as a pattern and a length."""

    def __init__(self, *, multiline: bool) -> None:
        self.multiline = multiline

    def check(self, value: str) -> str:
        return check_text(value, multiline=self.multiline)

    def describe(self, json_schema: dict[str, Any]) -> None:
        refused = _REFUSED if self.multiline else _ONE_LINE_REFUSED
        json_schema["pattern"] = f"^[^{refused}]*$"
        json_schema.setdefault("maxLength", LONG_TEXT if self.multiline else SHORT_TEXT)


# Free text; a field not asked in a text area is held to one line by ``Input``.
Text = Annotated[str, _Text(multiline=True)]
# One line of at most 200 characters (a name, a number, a reference) in a schema that is not
# an ``Input`` (which holds any field not asked in a text area to one line).
Line = Annotated[str, _Text(multiline=False)]


class Matches(_Rule):
    """Text in a fixed format; the message says the format in words, not as a pattern."""

    def __init__(self, pattern: str, format_in_words: str) -> None:
        self.pattern = re.compile(pattern)
        self.format_in_words = format_in_words

    def check(self, value: str) -> str:
        if not self.pattern.fullmatch(value):
            raise ValueError(f"use {self.format_in_words}")
        return value

    def describe(self, json_schema: dict[str, Any]) -> None:
        json_schema["pattern"] = self.pattern.pattern


def _birth_date(text: str) -> str:
    check_partial_date(text)
    return text


def _plausible(bounds: Callable[[], tuple[date, date]]) -> Callable[[date], date]:
    def check(value: date) -> date:
        earliest, latest = bounds()
        problem = date_problem(value, earliest=earliest, latest=latest)
        if problem:
            raise ValueError(problem)
        return value

    return check


# A partial date, as persons' dates of birth so often are: 1990, 1990-04 or 1990-04-17.
PartialDate = Annotated[
    str,
    Matches(
        r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$", "YYYY, YYYY-MM or YYYY-MM-DD"
    ),
    # The pattern lets 2026-02-30 through; the calendar and the plausible years do not.
    AfterValidator(_birth_date),
]


# A date of the procedure outside an action's schema (a mission, an outcome): from 1990 to a
# year ahead.
ProcedureDate = Annotated[date, AfterValidator(_plausible(procedure_range))]


class _CountryCode:
    """Marks a country's code, which a form offers as a list of countries by name."""


COUNTRY_CODE = _CountryCode()
CountryCode = Annotated[
    str,
    Matches(r"^[A-Za-z]{2}$", "a two-letter ISO 3166-1 code"),
    AfterValidator(str.upper),
    COUNTRY_CODE,
]


class OneOf(_Rule):
    """Text that takes one of a fixed set of codes, listed as an enum in the OpenAPI schema.
    The codes come from the action modules, which check them too."""

    def __init__(self, values: Iterable[str]) -> None:
        self.values = tuple(values)

    def check(self, value: str) -> str:
        if value not in self.values:
            raise ValueError(f"must be one of: {', '.join(repr(v) for v in self.values)}")
        return value

    def describe(self, json_schema: dict[str, Any]) -> None:
        json_schema["enum"] = list(self.values)


class Codes(OneOf):
    """A code of a model's choices (or, with ``empty``, nothing): the API lists the codes,
    a form offers the choices' words."""

    def __init__(self, choices: type[Choices], *, empty: bool = False) -> None:
        super().__init__([*([""] if empty else []), *choices.values])
        self.choices = choices


class Input(BaseModel):
    """The base of an action's input schema. Fields are declared in the order a form asks
    for them; each says how it is asked (``Ask``)."""

    model_config = ConfigDict(extra="ignore")

    @field_validator("*", mode="after")
    @classmethod
    def _plausible_value(cls, value: Any, info: ValidationInfo) -> Any:
        """Every action's text and dates held to the one policy (ADR 17): text not asked in
        a text area on one line and short, dates between 1990 and a year ahead (or as far
        ahead as the field says)."""
        field = cls.model_fields[info.field_name] if info.field_name else None
        ask = ask_of(field) if field else None
        if isinstance(value, str) and not (ask and ask.long):
            check_text(value, limit=max(max_length(field) or 0, SHORT_TEXT))
        if isinstance(value, date):
            earliest, latest = procedure_range(ask.years_ahead if ask else PROCEDURE_YEARS_AHEAD)
            problem = date_problem(value, earliest=earliest, latest=latest)
            if problem:
                raise ValueError(problem)
        return value


Subject = Any  # what a form's choices and help depend on (the case the action is on)
Words = Any  # a text marked for translation, or a function of the subject giving one
_REQUIRED: Any = ...


@dataclass(frozen=True)
class Ask:
    """How a form asks for a field (kept with the field by ``asked``).

    ``choices`` gives the options that depend on the subject (authorities of the member
    state, the case's decisions); a field typed with a model's choices offers those, in
    their order, with their labels. ``blank`` is the words of the empty option. ``help`` may
    depend on the subject too (the legal limits in force). ``long`` asks in a text area.
    ``initial`` is what the form proposes (a value, or a function giving it: today) where the
    API has no default. ``years_ahead``: how far after today a date may lie."""

    label: Any
    help: Words = ""
    choices: Callable[[Subject], list[tuple[Any, Any]]] | None = None
    blank: Any = None
    long: bool = False
    initial: Any = None
    years_ahead: int = PROCEDURE_YEARS_AHEAD

    def help_for(self, subject: Subject) -> Any:
        return self.help(subject) if callable(self.help) else self.help

    def __call__(self, json_schema: dict[str, Any]) -> None:
        # The API's schema describes the field with the form's label, in English.
        with translation.override("en"):
            json_schema.setdefault("description", str(self.label))


def asked(
    label: Any, *, default: Any = _REQUIRED, help: Words = "",
    choices: Callable[[Subject], list[tuple[Any, Any]]] | None = None, blank: Any = None,
    long: bool = False, min_length: int | None = None, max_length: int | None = None,
    initial: Any = None, years_ahead: int = PROCEDURE_YEARS_AHEAD,
) -> Any:
    """An input field with how a form asks for it; required unless it has a ``default``."""
    return Field(
        default, min_length=min_length, max_length=max_length,
        json_schema_extra=Ask(label, help, choices, blank, long, initial, years_ahead),
    )


def max_length(info: FieldInfo | None) -> int | None:
    """The most characters a text field takes, if its schema says."""
    found = [m.max_length for m in (info.metadata if info else ()) if isinstance(m, MaxLen)]
    return int(found[0]) if found else None


def ask_of(info: FieldInfo) -> Ask | None:
    extra = info.json_schema_extra
    return extra if isinstance(extra, Ask) else None
