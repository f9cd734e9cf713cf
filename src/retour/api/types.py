"""Input types shared by the API's request schemas.

They catch, with a message naming the field, what the database would otherwise refuse with
a server error: text it cannot store, numbers beyond a column's range.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, Field, GetCoreSchemaHandler, GetJsonSchemaHandler
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
CountryCode = Annotated[
    str, Matches(r"^[A-Za-z]{2}$", "a two-letter ISO 3166-1 code"), AfterValidator(str.upper)
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


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**9)
