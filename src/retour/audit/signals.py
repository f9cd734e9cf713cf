"""Sign-ins, failed sign-ins and sign-outs as entries of the access log (ADR 0015).

Django sends these signals from ``login``, ``authenticate`` and ``logout``, whichever page or
step of a sign-in calls them, so every way in is logged the same. A failed sign-in records
the username that was tried, never the password.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from retour.audit.log import record_access

_USERNAME_LENGTH = 150  # AccessLogEntry.username


@dataclass(frozen=True)
class Unidentified:
    """Someone who tried to sign in: only the username they gave is known."""

    username: str
    pk: None = None


def _asked_for(request: HttpRequest | None) -> bool:
    """A sign-in or sign-out someone asked for. The test client's ``force_login`` and
    ``logout`` build an empty request (no method) to make or end a session without a sign-in
    page; they are not one."""
    return request is not None and bool(request.method)


def _channel(request: HttpRequest | None) -> str:
    return "api" if request is not None and request.path.startswith("/api/") else "web"


def _signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if _asked_for(request):
        record_access(user, "sign_in", "user", [user.pk], channel=_channel(request))


def _signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None and _asked_for(request):
        record_access(user, "sign_out", "user", [user.pk], channel=_channel(request))


def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    tried = str(credentials.get(get_user_model().USERNAME_FIELD) or "")[:_USERNAME_LENGTH]
    record_access(Unidentified(tried or "anonymous"), "sign_in_failed", "user", [],
                  channel=_channel(request))


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="audit.sign_in")
    user_logged_out.connect(_signed_out, dispatch_uid="audit.sign_out")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="audit.sign_in_failed")
