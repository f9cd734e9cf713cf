"""Errors an action raises; views, API and CLI turn each into a clear message."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _


class ActionError(Exception):
    """Base of the refusals an action function raises; nothing has been written."""


class InvalidInput(ActionError):
    """One or more fields are wrong: ``errors`` maps the field name to the reason."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in errors.items()))

    @classmethod
    def field(cls, name: str, reason: str) -> InvalidInput:
        return cls({name: reason})


def one_of(codes: Iterable[str]) -> str:
    """The reason for a value outside a fixed set; the codes stay as the caller sends them."""
    return _("must be one of %(codes)s") % {"codes": ", ".join(codes)}


class TransitionRefused(ActionError):
    """The procedure does not allow this action now (wrong stage or a legal guard)."""


class PermissionRefused(ActionError):
    """The user's role or authority does not allow this action."""


class NotVisible(ActionError):
    """The record does not exist for this user (it may exist elsewhere: we do not say)."""


class StaleVersion(ActionError):
    """Someone else changed the record after the user read it."""
