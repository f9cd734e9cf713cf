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
from typing import Annotated, Any

from django.db.models import Choices
from django.utils import translation
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
)
from pydantic.fields import FieldInfo
from pydantic_core import core_schema


def _storable(value: str) -> str:
    # PostgreSQL text cannot hold NUL, and no database stores half a surrogate pair.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


Text = Annotated[str, AfterValidator(_storable)]

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


# A partial date, as persons' dates of birth so often are: 1990, 1990-04 or 1990-04-17.
PartialDate = Annotated[
    str,
    Matches(
        r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$", "YYYY, YYYY-MM or YYYY-MM-DD"
    ),
]
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
    API has no default."""

    label: Any
    help: Words = ""
    choices: Callable[[Subject], list[tuple[Any, Any]]] | None = None
    blank: Any = None
    long: bool = False
    initial: Any = None

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
    initial: Any = None,
) -> Any:
    """An input field with how a form asks for it; required unless it has a ``default``."""
    return Field(
        default, min_length=min_length, max_length=max_length,
        json_schema_extra=Ask(label, help, choices, blank, long, initial),
    )


def ask_of(info: FieldInfo) -> Ask | None:
    extra = info.json_schema_extra
    return extra if isinstance(extra, Ask) else None
