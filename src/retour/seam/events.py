"""Event types: the product's contract with its history, its projections and its subscribers.

Each event type is declared once, by the app that owns it, with its name, version, payload
schema (a pydantic model), its label and the fields that hold personal data. An event is
validated against its schema when it is written; a payload written under an older version
is upcast, step by step, when it is read, so stored history is never rewritten by hand.
``retour events`` lists every type with its JSON Schema (``docs/events/``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from pydantic import BaseModel, ConfigDict, ValidationError

from retour.accounts.scoping import Special, special_categories

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class Payload(BaseModel):
    """The base of every event payload: unknown keys are refused, so a typo in an action
    fails its tests instead of writing a field no reader knows."""

    model_config = ConfigDict(extra="forbid")


class EventPayloadInvalid(ValueError):
    """An action tried to write a payload its event type does not allow (a programming
    error, not a user's input: the action's own checks come first)."""


@dataclass(frozen=True, eq=False)
class EventType:
    name: str
    payload: type[Payload]
    # How the history names the event, marked for translation (``gettext_lazy``).
    label: Any
    version: int = 1
    # upcasters[v] turns a payload of version v into one of version v + 1.
    upcasters: Mapping[int, Upcaster] = field(default_factory=dict)
    description: str = ""
    # The special category the event tells of (detention, non-cooperation): only the roles
    # that need it see the event (``retour.accounts.scoping.SPECIAL_CATEGORIES``).
    special: Special | None = None

    @property
    def owner(self) -> str:
        """The app that declares the type (``retour.detention`` → ``detention``)."""
        parts = self.payload.__module__.split(".")
        return parts[1] if len(parts) > 1 and parts[0] == "retour" else parts[0]

    def validate(self, payload: Mapping[str, Any]) -> None:
        try:
            self.payload.model_validate(payload)
        except ValidationError as exc:
            raise EventPayloadInvalid(f"event {self.name} v{self.version}: {exc}") from None

    def current(self, version: int, payload: dict[str, Any]) -> dict[str, Any]:
        """``payload`` written under ``version``, as the current version reads it."""
        while version < self.version:
            payload = self.upcasters[version](payload)
            version += 1
        return payload

    def json_schema(self) -> dict[str, Any]:
        with translation.override("en"):
            schema = self.payload.model_json_schema()
            label = str(self.label)
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://retour.eu/events/{self.name}/v{self.version}.json",
            "x-event-type": self.name,
            "x-version": self.version,
            "x-owner": self.owner,
            **schema,
            "title": self.name,
            "description": f"{label}. {self.description}".strip().rstrip(".") + ".",
        }

    def personal_fields(self) -> list[str]:
        """The payload's fields that hold personal data, as dotted paths."""
        return sorted(_personal_paths(self.payload, ""))


class Personal:
    """Annotation marker: the field holds personal data (GDPR Art. 4(1)); its JSON Schema
    says so (``x-personal-data``), and consumers such as a feed to another system decide
    by it what they may pass on."""

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict[str, Any]:
        json_schema: dict[str, Any] = handler(schema)
        json_schema["x-personal-data"] = True
        return json_schema


PERSONAL = Personal()


def _personal_paths(model: type[BaseModel], prefix: str) -> Iterator[str]:
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        if any(isinstance(m, Personal) for m in info.metadata):
            yield path
        nested = _model_in(info.annotation)
        if nested is not None:
            yield from _personal_paths(nested, f"{path}.")


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model an annotation holds (``X``, ``X | None``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


_TYPES: dict[str, EventType] = {}


def declare(
    name: str, payload: type[Payload], *, label: Any, version: int = 1,
    upcasters: Mapping[int, Upcaster] | None = None, description: str = "",
    special: Special | None = None,
) -> EventType:
    """Declare the event type ``name``; a name belongs to one declaration only."""
    upcasters = dict(upcasters or {})
    missing = [v for v in range(1, version) if v not in upcasters]
    if missing:
        raise ValueError(f"event {name} v{version}: no upcaster from version {missing}")
    if name in _TYPES:
        raise ValueError(f"event type {name} is declared twice")
    event_type = EventType(name, payload, label, version, upcasters, description, special)
    _TYPES[name] = event_type
    return event_type


def get(name: str) -> EventType:
    try:
        return _TYPES[name]
    except KeyError:
        raise KeyError(f"no event type {name!r} is declared") from None


def withheld_from(user: Any) -> frozenset[str]:
    """The event types of special categories ``user``'s roles do not need (ADR 0016)."""
    needed = special_categories(user)
    return frozenset(t.name for t in _TYPES.values()
                     if t.special is not None and t.special not in needed)


def declared() -> list[EventType]:
    """Every declared event type, by name."""
    return sorted(_TYPES.values(), key=lambda t: t.name)


def current(name: str, version: int, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """A stored payload as its type's current version reads it, with that version."""
    event_type = _TYPES.get(name)
    if event_type is None:
        return version, payload
    return event_type.version, event_type.current(version, payload)


def read(name: str, version: int, payload: dict[str, Any]) -> dict[str, Any]:
    """A stored payload as its type's current version reads it."""
    return current(name, version, payload)[1]
