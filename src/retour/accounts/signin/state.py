"""What the session remembers between the steps of a sign-in, and when it was signed in and
last confirmed. Wall-clock time, as Django's own idle timeout: ``retour.clock`` is the time of
the casework, which simulations and tests move."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils import timezone

_PENDING = "signin.pending"
_SIGNED_IN_AT = "signin.signed_in_at"
_CONFIRMED_AT = "signin.confirmed_at"
# Between the password and the code: long enough to find the phone, no longer.
PENDING_SECONDS = 5 * 60


def remember_password_passed(request: HttpRequest, user: Any, next_url: str) -> None:
    """The password was right; the user is not signed in until the code is."""
    request.session.cycle_key()
    request.session[_PENDING] = {
        "user": user.pk, "username": user.get_username(), "backend": user.backend,
        "at": timezone.now().timestamp(), "next": next_url,
    }


def pending_user(request: HttpRequest) -> Any | None:
    """The user whose password passed in this session in the last minutes, if any."""
    pending = request.session.get(_PENDING)
    if not pending or timezone.now().timestamp() - pending["at"] > PENDING_SECONDS:
        return None
    user: Any = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is not None:
        user.backend = pending["backend"]
    return user


def pending_username(request: HttpRequest) -> str | None:
    pending = getattr(request, "session", {}).get(_PENDING)
    return pending["username"] if pending else None


def pending_next(request: HttpRequest) -> str | None:
    """Where the person was going when asked to sign in."""
    pending = request.session.get(_PENDING)
    return pending["next"] if pending else None


def forget_pending(request: HttpRequest) -> None:
    request.session.pop(_PENDING, None)


def stamp_signed_in(request: HttpRequest) -> None:
    """A sign-in asked for password and code: it counts as a confirmation too."""
    now = timezone.now().timestamp()
    request.session[_SIGNED_IN_AT] = now
    request.session[_CONFIRMED_AT] = now


def stamp_confirmed(request: HttpRequest) -> None:
    request.session[_CONFIRMED_AT] = timezone.now().timestamp()


def signed_in_at(request: HttpRequest) -> datetime | None:
    return _moment(request.session.get(_SIGNED_IN_AT))


def confirmed_within(request: HttpRequest, seconds: int) -> bool:
    confirmed = _moment(request.session.get(_CONFIRMED_AT))
    return confirmed is not None and timezone.now() - confirmed <= timedelta(seconds=seconds)


def _moment(stamp: float | None) -> datetime | None:
    return datetime.fromtimestamp(stamp, tz=timezone.get_current_timezone()) \
        if stamp is not None else None
