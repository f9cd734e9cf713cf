"""The OpenAPI document tells the truth about every request: one component per schema name
(django-ninja keeps the last of two definitions of one name, so a field whose enum shares its
name with another's would advertise the other's values), and every request field's allowed
values are the model's own."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.operation import Operation
from ninja.schema import NinjaGenerateJsonSchema

from retour.api.api import api

Json = dict[str, Any]


def _operations() -> Iterator[Operation]:
    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            yield from view.operations


def _allowed(node: Json, definitions: Json) -> list[Any] | None:
    """The values a property allows, following references through ``definitions``."""
    if "$ref" in node:
        return _allowed(definitions[node["$ref"].rsplit("/", 1)[1]], definitions)
    if "enum" in node:
        return list(node["enum"])
    for nested in (*node.get("anyOf", ()), *node.get("allOf", ()), *node.get("oneOf", ())):
        found = _allowed(nested, definitions)
        if found is not None:
            return found
    return _allowed(node["items"], definitions) if "items" in node else None


def _fields(body: Json, definitions: Json) -> Json:
    if "$ref" in body:
        return _fields(definitions[body["$ref"].rsplit("/", 1)[1]], definitions)
    return dict(body.get("properties", {}))


def test_every_component_name_has_one_definition(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each definition the document is built from, kept by name: two different ones under one
    name is the collision."""
    made: dict[str, list[Json]] = defaultdict(list)
    keep = OpenAPISchema.add_schema_definitions

    def recording(self: OpenAPISchema, definitions: Json) -> None:
        for name, definition in definitions.items():
            if definition not in made[name]:
                made[name].append(definition)
        keep(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", recording)
    api.get_openapi_schema()
    collisions = {name: found for name, found in made.items() if len(found) > 1}
    assert not collisions, sorted(collisions)


def test_each_request_field_allows_its_own_values() -> None:
    document = api.get_openapi_schema()
    components = document["components"]["schemas"]
    operations = {
        operation["operationId"]: operation
        for methods in document["paths"].values()
        for operation in methods.values()
    }
    wrong = []
    checked = 0
    for operation in _operations():
        operation_id = operation.operation_id or api.get_openapi_operation_id(operation)
        published = operations[operation_id]
        for model in operation.models:
            own = model.model_json_schema(
                ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema
            )
            own_definitions = own.get("$defs", {})
            if model.__ninja_param_source__ == "body":
                (own_body,) = own["properties"].values()
                own_fields = _fields(own_body, own_definitions)
                body = published["requestBody"]["content"]["application/json"]["schema"]
                shown = _fields(body, components)
            else:  # parameters: a schema's fields are parameters of their own
                own_fields = {}
                for name, field in own["properties"].items():
                    nested = _fields(field, own_definitions) if "$ref" in field else {}
                    own_fields.update(nested or {name: field})
                shown = {p["name"]: p["schema"] for p in published.get("parameters", ())}
            for name, field in own_fields.items():
                expected = _allowed(field, own_definitions)
                if expected is None:
                    continue
                checked += 1
                if _allowed(shown[name], components) != expected:
                    wrong.append(f"{operation_id}.{name}")
    assert checked > 20  # the check reaches the enums of the actions' bodies
    assert not wrong, wrong
