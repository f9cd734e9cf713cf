"""Refused requests of signed-in users as entries of the access log (ADR 0015)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from retour.accounts.models import User
from retour.audit.log import record_access


def _who(request: HttpRequest) -> User | None:
    """The signed-in user: by session on a page, by token or session on the API (django-ninja
    puts whom the request authenticated as on ``request.auth``)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, User) else None


class LogRefusedRequests:
    """Every 403 answered to a signed-in user is logged: what was asked (method and path) and
    by whom. Cheap: one entry, and only for refusals. A record outside the user's scope
    answers 404 like a missing one (ADR 0004) and is not logged here: a mistyped address
    answers the same, and the scoped read itself logs nothing it did not show."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            user = _who(request)
            if user is not None:
                record_access(
                    user, "refused", "request", [],
                    search_terms={"method": request.method or "", "path": request.path},
                    channel="api" if request.path.startswith("/api/") else "web",
                )
        return response
