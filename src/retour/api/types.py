"""Query types of the API's list endpoints (the inputs of actions are in
``retour.seam.inputs``), and how a model's choices are named in the OpenAPI document."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, cast

from ninja import Schema
from pydantic import Field, GetCoreSchemaHandler
from pydantic_core import CoreSchema


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**9)


def choices_name(choices: type[Enum]) -> str:
    """The name of a model's choices in the OpenAPI document: ``Vulnerability.Kind`` is
    ``VulnerabilityKind``, and choices of no model take their app's name (``CasesOutcome``)."""
    if "." in choices.__qualname__:
        return choices.__qualname__.replace(".", "")
    return choices.__module__.split(".")[1].capitalize() + choices.__qualname__


@dataclass(frozen=True)
class ModelChoices:
    """Marks a field of a model's choices, ``Annotated[Vulnerability.Kind, ModelChoices()]``,
    to publish them under ``choices_name``. The OpenAPI document keeps one schema per name
    and many models call their choices ``Kind`` or ``Outcome``: under those names a field
    would advertise another model's values. Pydantic names a schema after the reference of
    its core schema, so the reference is the name; the values and validation are unchanged."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        reference = f"{source.__module__}.{choices_name(source)}"
        return cast(CoreSchema, {**handler(source), "ref": reference})
