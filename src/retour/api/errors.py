"""Errors as JSON, in two shapes only.

- ``{"detail": [{"field": "...", "message": "..."}]}`` (422) for input that is wrong, whether
  the request schema or the action found it;
- ``{"detail": "..."}`` for everything else: 400 (a body that is not JSON, or nested too
  deep to parse), 401, 403, 404, 409, 413 (a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``).

A record the user may not see answers exactly like one that does not exist (404, "Not
found"), so the API never tells whether a person or case exists in another member state.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, Throttled, ValidationError

from retour.errors import (
    InvalidInput,
    NotVisible,
    PermissionRefused,
    StaleVersion,
    TransitionRefused,
)

NOT_FOUND = "Not found"
# Where ninja says the value came from; the client needs only the field's own name.
_SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})
# Every view names its request-body parameter ``body``; ninja puts that name in the location.
BODY_PARAM = "body"


class Problem(Schema):
    detail: str


class FieldProblem(Schema):
    field: str
    message: str


class InputProblem(Schema):
    detail: list[FieldProblem]


def responses(status: int, schema: Any, errors: Iterable[int] = ()) -> dict[int, Any]:
    """The documented responses of an operation: its success and the errors it can give."""
    documented: dict[int, Any] = {status: schema, 401: Problem}
    for code in errors:
        documented[code] = InputProblem if code == 422 else Problem
    return documented


def field_name(loc: Iterable[Any]) -> str:
    """``("body", "body", "names", 0, "kind")`` → ``names[0].kind``, the same spelling the
    action functions use in ``InvalidInput``."""
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        if source == "body" and parts and parts[0] == BODY_PARAM:
            parts.pop(0)
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or "body"


def _message(error: dict[str, Any]) -> str:
    message = str(error.get("msg", "invalid"))
    # pydantic prefixes the text of a validator's ValueError; the text alone reads better.
    return message.removeprefix("Value error, ")


def _input_problem(
    api: NinjaAPI, request: HttpRequest, problems: list[dict[str, str]]
) -> HttpResponse:
    return api.create_response(request, {"detail": problems}, status=422)


def install(api: NinjaAPI) -> None:
    """Register the JSON error handlers on ``api``."""

    # ninja types a handler's exception loosely (instance or class), hence ``Any``.
    def schema_invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        problems = [
            {"field": field_name(e.get("loc", ())), "message": _message(e)}
            for e in exc.errors
        ]
        return _input_problem(api, request, problems)

    def action_invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        problems = [{"field": f, "message": m} for f, m in exc.errors.items()]
        return _input_problem(api, request, problems)

    def detail(status: int) -> Any:
        def handler(request: HttpRequest, exc: Any) -> HttpResponse:
            return api.create_response(request, {"detail": str(exc)}, status=status)

        return handler

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, {"detail": NOT_FOUND}, status=404)

    def too_large(request: HttpRequest, exc: Any) -> HttpResponse:
        most = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
        return api.create_response(request, {
            "detail": f"Request body too large: at most {most} KiB. Send less at a time."
        }, status=413)

    def unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        response = api.create_response(request, {"detail": exc.message}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="retour"'
        return response

    def throttled(request: HttpRequest, exc: Any) -> HttpResponse:
        count, per = settings.API_RATE_PER_USER.split("/")
        unit = {"s": "second", "m": "minute", "h": "hour"}[per]
        wait = f" Try again in {math.ceil(exc.wait)} s." if exc.wait else ""
        return api.create_response(request, {
            "detail": f"Too many requests: at most {count} a {unit} per user.{wait}"
        }, status=429)

    api.add_exception_handler(ValidationError, schema_invalid)
    api.add_exception_handler(Throttled, throttled)
    api.add_exception_handler(InvalidInput, action_invalid)
    api.add_exception_handler(TransitionRefused, detail(409))
    api.add_exception_handler(StaleVersion, detail(409))
    api.add_exception_handler(PermissionRefused, detail(403))
    api.add_exception_handler(NotVisible, not_found)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(RequestDataTooBig, too_large)
