"""A request body, when there is one, is a JSON object. django-ninja reads the fields of a body
from the object it was sent; anything else (``null``, a list, a string, a number) had no
fields to read, so a body whose fields all have defaults was taken as ``{}``: ``null`` to
``POST /people/{id}/match-reviews`` queued possible matches (201). The check runs before the
body is read, for every operation (``api.add_decorator(object_body, mode="view")``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _

from retour.errors import InvalidInput

Run = Callable[..., HttpResponseBase]


def _not_an_object(request: HttpRequest) -> bool:
    try:
        raw = request.body
    except RequestDataTooBig:
        return False  # the operation answers 413 when it reads the body again
    if not raw:
        return False
    try:
        return not isinstance(json.loads(raw), dict)
    except (ValueError, RecursionError):
        return False  # not JSON: the parser answers for that


def object_body(run: Run) -> Run:
    """``run`` (an operation's) refusing a JSON body that is not an object, in the API's one
    shape for wrong input: 422 naming ``body``."""
    operation = run.__self__  # type: ignore[attr-defined]  # ninja passes Operation.run

    @wraps(run)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if _not_an_object(request):
            refused = InvalidInput.field("body", _("must be a JSON object"))
            return operation.api.on_exception(request, refused)
        return run(request, *args, **kwargs)

    return checked
