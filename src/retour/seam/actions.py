"""Actions declared once: the procedure row, the input schema, the handler, the event types it
writes, and its label.

An app declares its procedure rows (``declare``, in the order its table lists them) and marks
each handler with ``implements``. The API's endpoints and the pages' forms are made from the
registered actions; the case page and the procedure document list them in declaration order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.utils.translation import gettext

from retour.seam.inputs import Input

F = TypeVar("F", bound=Callable[..., Any])


class Step(Protocol):
    """A row of a procedure table: the action's name, its label (English, marked for the
    catalogue) and the capability a user needs (None: only the system takes it)."""

    @property
    def action(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def capability(self) -> Any: ...


@dataclass(frozen=True, eq=False)
class Action:
    step: Any  # Step; for a case action, ``retour.cases.procedure.Transition``
    subject: str  # what it acts on ("case"): its endpoint and its form hang off that record
    input: type[Input] | None = None
    handler: Callable[..., Any] | None = None
    events: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return str(self.step.action)

    @property
    def label(self) -> str:
        """English, as the procedure document and the access log keep it."""
        return str(self.step.label)

    @property
    def words(self) -> str:
        """The label in the reader's language (the rows mark it for the catalogue)."""
        return gettext(self.label)

    @property
    def slug(self) -> str:
        """``issue_return_decision`` → ``issue-return-decision``, its path segment."""
        return self.name.replace("_", "-")


_ACTIONS: dict[str, Action] = {}


def declare(subject: str, steps: Iterable[Step]) -> None:
    """Declare procedure rows for ``subject``, in the order they are listed. A row may be
    declared without a handler (a step the system takes inside another action)."""
    for step in steps:
        if step.action in _ACTIONS:
            raise ValueError(f"action {step.action} is declared twice")
        _ACTIONS[step.action] = Action(step, subject)


def implements(
    *, input: type[Input] | None = None, events: tuple[str, ...] | None = None,
    step: Step | None = None, name: str | None = None,
) -> Callable[[F], F]:
    """Mark ``handler`` as the implementation of the declared action of its name (or of
    ``step``, or ``name``): the one function the API, the pages, commands and the simulation
    call.
    ``input`` is the schema of what a person gives (None: only code calls it); ``events``,
    the event types it writes (default: the one named like the action)."""

    def register(handler: F) -> F:
        action_name = step.action if step is not None else name or handler.__name__
        declared = _ACTIONS.get(action_name)
        if declared is None or (step is not None and declared.step is not step):
            raise ValueError(f"no procedure row declares the action {action_name}")
        _ACTIONS[action_name] = Action(
            declared.step, declared.subject, input, handler,
            events if events is not None else (action_name,),
        )
        return handler

    return register


def get(name: str) -> Action:
    try:
        return _ACTIONS[name]
    except KeyError:
        raise KeyError(f"no action {name!r} is declared") from None


def on(subject: str) -> list[Action]:
    """The actions on ``subject``, in declaration order."""
    return [a for a in _ACTIONS.values() if a.subject == subject]


def asked(subject: str) -> list[Action]:
    """The actions on ``subject`` a person takes through a form or the API."""
    return [a for a in on(subject) if a.input is not None and a.handler is not None]
