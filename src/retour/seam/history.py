"""How the history shows an event: each payload field's label and value in words.

A payload model says it itself: ``Shown`` gives a field its label (and, where needed, its own
wording), ``Ref`` marks a field that names a country, an authority or an officer (read in one
query per kind for a whole history), a model's choices give the words for its codes, and a
nested ``Detail`` (a decision, a detention period) words itself. The pages read the lines;
no table elsewhere repeats them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from retour import display
from retour.accounts.models import Authority, User
from retour.reference.models import Country
from retour.seam.events import Payload, _model_in


@dataclass(frozen=True)
class Shown:
    """Annotation: the field's label in the history (marked for translation) and, when its
    value needs more than the usual rules, how to word it."""

    label: Any
    as_text: Callable[[Any, Names], str] | None = None

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict[str, Any]:
        json_schema: dict[str, Any] = handler(schema)
        json_schema["title"] = str(self.label)
        return json_schema


@dataclass(frozen=True)
class Ref:
    """Annotation: the field names a record by its code or key."""

    COUNTRY: ClassVar[str] = "country"
    AUTHORITY_CODE: ClassVar[str] = "authority_code"
    AUTHORITY: ClassVar[str] = "authority"
    USER: ClassVar[str] = "user"

    kind: str


COUNTRY, AUTHORITY_CODE = Ref(Ref.COUNTRY), Ref(Ref.AUTHORITY_CODE)
AUTHORITY, USER = Ref(Ref.AUTHORITY), Ref(Ref.USER)


class Detail(Payload):
    """A nested part of a payload that words itself in one line (``shown``)."""

    @classmethod
    def shown(cls, value: Mapping[str, Any], names: Names) -> str:
        raise NotImplementedError


def _marker(info: FieldInfo | None, kind: type[Any]) -> Any:
    if info is None:
        return None
    return next((m for m in info.metadata if isinstance(m, kind)), None)


def _choices_in(annotation: Any) -> type[Enum] | None:
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, models.Choices):
            return candidate
    return None


class Names:
    """The countries, authorities and officers a list of payloads names, read at once."""

    def __init__(self, payloads: Iterable[tuple[type[BaseModel], Mapping[str, Any]]]) -> None:
        wanted: dict[str, set[Any]] = {kind: set() for kind in
                                       (Ref.COUNTRY, Ref.AUTHORITY_CODE, Ref.AUTHORITY, Ref.USER)}
        for model, payload in payloads:
            for kind, value in _references(model, payload):
                wanted[kind].add(value)
        # Authorities named by code and by key: one query for both.
        authorities = list(Authority.objects.filter(
            Q(code__in=wanted[Ref.AUTHORITY_CODE]) | Q(pk__in=wanted[Ref.AUTHORITY])
        ).values_list("pk", "code", "name"))
        self._found: dict[str, dict[Any, str]] = {
            Ref.COUNTRY: {
                c.code: display.country_name(c)
                for c in Country.objects.filter(code__in=wanted[Ref.COUNTRY])
            },
            Ref.AUTHORITY_CODE: {
                code: name for _, code, name in authorities if code in wanted[Ref.AUTHORITY_CODE]
            },
            Ref.AUTHORITY: {
                pk: name for pk, _, name in authorities if pk in wanted[Ref.AUTHORITY]
            },
            Ref.USER: {
                u.pk: display.user_name(u) for u in User.objects.filter(pk__in=wanted[Ref.USER])
            },
        }

    def of(self, kind: str, value: Any, default: str | None = None) -> str:
        found = self._found[kind].get(value)
        if found is not None:
            return found
        return str(value) if default is None else default

    def country(self, code: Any) -> str:
        return self.of(Ref.COUNTRY, code)


def _references(model: type[BaseModel], payload: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    for key, value in payload.items():
        info = model.model_fields.get(key)
        if info is None or value in (None, ""):
            continue
        ref = _marker(info, Ref)
        if ref is not None:
            yield ref.kind, value
        nested = _model_in(info.annotation)
        if nested is not None and isinstance(value, Mapping):
            yield from _references(nested, value)


def field_label(model: type[BaseModel], key: str) -> str:
    """The field's label; a key the model does not declare is shown by its own name."""
    shown = _marker(model.model_fields.get(key), Shown)
    return str(shown.label) if shown else key


def value_text(model: type[BaseModel], key: str, value: Any, names: Names) -> str:
    """``value`` of the field ``key`` in words."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    info = model.model_fields.get(key)
    shown = _marker(info, Shown)
    if shown is not None and shown.as_text is not None:
        return shown.as_text(value, names)
    nested = _model_in(info.annotation) if info else None
    if nested is not None and issubclass(nested, Detail) and isinstance(value, Mapping):
        return nested.shown(value, names)
    ref = _marker(info, Ref)
    if ref is not None:
        return names.of(ref.kind, value)
    choices = _choices_in(info.annotation) if info else None
    if choices is not None:
        return display.label(choices, value)
    if key.endswith("_at") and isinstance(value, str):
        return display.moment(value)
    if key.endswith("_on"):
        return display.day(value)
    return str(value)


@dataclass(frozen=True)
class Line:
    label: str
    before: str | None  # None: the event added the value rather than changing one
    after: str


def lines(
    model: type[BaseModel], old: Mapping[str, Any], new: Mapping[str, Any], names: Names
) -> list[Line]:
    """The event's values in words, in the order the event recorded them."""
    return [
        Line(
            field_label(model, key),
            value_text(model, key, old[key], names) if key in old else None,
            value_text(model, key, after, names),
        )
        for key, after in new.items()
    ]
