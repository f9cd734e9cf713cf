"""Who is calling the API: a personal API token, or the browser's signed-in session.

Tokens serve scripts and other systems (``Authorization: Bearer rtr_…``, issued with
``retour token create``); the session serves the pages' own calls, so a browser needs no
token. A browser sends its cookie by itself, so unsafe methods on the session also need the
CSRF token; a bearer token is never sent by the browser on its own and needs none.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from retour import clock
from retour.accounts.models import ApiToken, User


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; only the token's digest is looked up."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        found = (
            ApiToken.objects.select_related("user__authority")
            .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True)
            .first()
        )
        if found is None or not found.user.is_active:
            # A presented credential that fails is refused outright rather than falling back
            # to the session: the client meant this token, and should learn it is dead.
            raise AuthenticationError(message="the API token is unknown or revoked")
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=clock.now())
        request.user = found.user
        return found.user


class BrowserSessionAuth(APIKeyCookie):
    """Django's session cookie, with Django's CSRF check on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        return self.authenticate(request, request.COOKIES.get(self.param_name))

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            # Without a session this is simply an anonymous call (401), not a CSRF failure.
            return None
        if check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header")
        return user


def caller(request: HttpRequest) -> User:
    """The user the request authenticated as (every endpoint requires one of the above)."""
    return cast(User, request.auth)  # type: ignore[attr-defined]
