"""One endpoint per declared action (``retour.seam.actions``), whatever it acts on: the request
body is the action's input schema, the endpoint calls the action's handler (the one write
path, which checks the user's role, the procedure and the law, and writes atomically) with
the id of the record in its path, and answers what the subject's module makes of the result.

``retour.api.case_actions`` makes the case's (``POST /cases/{id}/actions/<action>``);
``retour.api.readmission`` a readmission request's steps and drafting one from its case.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from enum import Enum
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import create_model

from retour.accounts.models import User
from retour.api.access import CHANNEL
from retour.api.auth import caller
from retour.api.types import ModelChoices
from retour.seam.actions import Action

# What the endpoint answers, from the caller, the id in the path and what the handler returned.
Answer = Callable[[User, Any, Any], Any]


class ActionBody(Schema):
    """The body of an action on a case: ``expected_version`` is the case version the client
    read, so a change by someone else in between is refused (409) rather than overwritten."""

    expected_version: int | None = Field(
        None, ge=1, description="The case version you read; if the case changed since, 409."
    )


def _published(annotation: Any) -> Any:
    """``annotation`` with every model's choices in it named after the model
    (``types.ModelChoices``)."""
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return Annotated[annotation, ModelChoices()]
    arguments = get_args(annotation)
    if get_origin(annotation) in (Union, UnionType):
        return Union[tuple(_published(a) for a in arguments)]  # noqa: UP007
    if get_origin(annotation) is list:
        return list[_published(arguments[0])]  # type: ignore[misc]
    return annotation


def body_schema(action: Action, base: type[Schema] = ActionBody) -> type[Schema]:
    """The request body of ``action``: its input schema on ``base`` (the expected case
    version; ``Schema`` for the input alone), its choices named after their models."""
    assert action.input is not None
    renamed = {
        name: (_published(field.annotation), field)
        for name, field in action.input.model_fields.items()
        if _published(field.annotation) != field.annotation
    }
    body: type[Schema] = create_model(  # type: ignore[call-overload]
        f"{action.input.__name__}Body",
        __base__=(base, action.input),
        __module__=__name__,
        __doc__=action.input.__doc__,
        **renamed,
    )
    return body


def add_endpoint(
    router: Router, action: Action, path: str, *, subject: tuple[str, Any], answer: Answer,
    response: Any, base: type[Schema] = ActionBody, url_name: str | None = None,
) -> type[Schema]:
    """Add to ``router`` the endpoint ``POST path`` that takes ``action``, named after it
    (operation id, summary, the handler's documentation; the url name too, unless given).
    ``subject`` is the path parameter holding the id of what it acts on, with its type; the
    body is ``body_schema(action, base)``, which this returns."""
    handler = action.handler
    assert handler is not None
    body_type = body_schema(action, base)
    parameter, id_type = subject

    def endpoint(request: HttpRequest, **values: Any) -> Any:
        user = caller(request)
        subject_id = values[parameter]
        done = handler(user, subject_id, **values["body"].model_dump(), channel=CHANNEL)
        return answer(user, subject_id, done)

    # ninja reads the path parameter and the body from the signature: give each its own.
    keyword = inspect.Parameter.KEYWORD_ONLY
    endpoint.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                          annotation=HttpRequest),
        inspect.Parameter(parameter, keyword, annotation=id_type),
        inspect.Parameter("body", keyword, annotation=body_type),
    ])
    endpoint.__name__ = endpoint.__qualname__ = action.name
    router.post(
        path, response=response, operation_id=action.name, url_name=url_name,
        summary=action.label, description=inspect.getdoc(handler) or "",
    )(endpoint)
    return body_type
