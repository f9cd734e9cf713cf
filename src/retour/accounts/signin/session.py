"""How long a signed-in session lasts, and the fresh confirmation sensitive operations ask
for (ADR 0014)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.accounts.signin import state
from retour.errors import PermissionRefused


class AbsoluteSessionLifetime:
    """Ends a session ``SESSION_ABSOLUTE_SECONDS`` after its sign-in, however active it has been
    (the idle timeout alone lets a session that is used all the time live for ever), and sends
    the person to sign in again with a word why. A session with no sign-in time did not pass
    the sign-in of ADR 0014 and ends too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and _expired(request):
            logout(request)
            messages.info(request, _(
                "You were signed out: a session lasts at most %(hours)d hours after signing "
                "in. Sign in again to continue."
            ) % {"hours": settings.SESSION_ABSOLUTE_SECONDS // 3600})
            return redirect_to_login(request.get_full_path() if request.method == "GET" else "")
        return self.get_response(request)


def _expired(request: HttpRequest) -> bool:
    signed_in = state.signed_in_at(request)
    return signed_in is None or (
        timezone.now() - signed_in > timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS)
    )


def stamp_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: the session remembers when it was signed in (also for
    ``Client.force_login`` in tests, which counts as a full sign-in)."""
    if request is not None and hasattr(request, "session"):
        state.stamp_signed_in(request)


View = Callable[..., HttpResponse]


def recent_authentication_required(view: View) -> View:
    """The view runs only if the signed-in person gave password and code within the last
    ``REAUTHENTICATION_SECONDS``; otherwise they are asked again and come back here."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not state.confirmed_within(request, settings.REAUTHENTICATION_SECONDS):
            return HttpResponseRedirect(
                f"{reverse('signin-confirm')}?{urlencode({'next': request.get_full_path()})}"
            )
        return view(request, *args, **kwargs)

    return wrapped



def refuse_unless_recently_confirmed(request: HttpRequest) -> None:
    """For an API endpoint (a call, not a decorator: django-ninja reads the endpoint's own
    signature): a call made with the browser's session needs the same recent password and code
    as the pages (HTTP 403 saying where to give them); a call with a personal API token does
    not, the token being a script's credential (``retour token create``)."""
    if "Authorization" not in request.headers and not state.confirmed_within(
        request, settings.REAUTHENTICATION_SECONDS
    ):
        raise PermissionRefused(
            "confirm your password and code first: this exports personal data "
            f"(open {reverse('signin-confirm')} in the browser)"
        )
