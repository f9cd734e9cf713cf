"""Beginning, checking and ending the sessions of ``SignedInSession``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ua_parser import parse as parse_agent

from retour.accounts.models import SignedInSession, User

_REF = "sessions.ref"  # the session's key for its row
# How often a session's "last active" is written: often enough to tell sessions apart, not
# a write on every request.
_SEEN_EVERY = timedelta(minutes=1)
Ending = SignedInSession.Ending


def _browser(request: HttpRequest) -> str:
    """The browser and its system ("Firefox / Windows"), from what the browser calls itself:
    enough for a person to tell their sessions apart, not the whole fingerprint."""
    found = parse_agent(request.META.get("HTTP_USER_AGENT", "")[:1000])
    parts = [found.user_agent.family if found.user_agent else "",
             found.os.family if found.os else ""]
    return " / ".join(p for p in parts if p and p != "Other")[:100]


def open_sessions(user: Any) -> QuerySet[SignedInSession]:
    """The user's sessions that have not ended and may still be used (neither idle past the
    idle timeout nor older than the absolute lifetime)."""
    now = timezone.now()
    return SignedInSession.objects.filter(
        user=user, ended_at__isnull=True,
        last_seen_at__gte=now - timedelta(seconds=settings.SESSION_COOKIE_AGE),
        signed_in_at__gte=now - timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS),
    )


def end(sessions: QuerySet[SignedInSession], ending: str) -> int:
    """End ``sessions`` (each is signed out at its next request); how many were open."""
    return sessions.filter(ended_at__isnull=True).update(ended_at=timezone.now(), ending=ending)


def current(request: HttpRequest) -> Any:
    """The key of this request's session row, or None."""
    return request.session.get(_REF) if hasattr(request, "session") else None


def begin(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: a row for the new session, and the oldest sessions beyond
    ``SESSIONS_PER_USER`` ended."""
    if request is None or not hasattr(request, "session"):
        return
    now = timezone.now()
    beyond = open_sessions(user).order_by("-last_seen_at").values_list("pk", flat=True)[
        max(settings.SESSIONS_PER_USER - 1, 0):]
    end(SignedInSession.objects.filter(pk__in=list(beyond)), Ending.TOO_MANY)
    row = SignedInSession.objects.create(
        user=user, signed_in_at=now, last_seen_at=now, browser=_browser(request),
        # The client's address as the lockout reads it: behind RETOUR_PROXY_COUNT proxies.
        address=get_client_ip_address(request) or None,
    )
    request.session[_REF] = str(row.pk)


def finish(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_out`` receiver: the row of the session signed out, unless already ended."""
    ref = current(request) if request is not None else None
    if ref is not None:
        end(SignedInSession.objects.filter(pk=ref), Ending.SIGNED_OUT)


class EndedSessions:
    """Signs out a session whose row was ended elsewhere (by the user from another session,
    by an administrator, by a newer sign-in), or that has no row (it was not signed in
    through the sign-in steps), and keeps "last active" roughly current."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ref = current(request)
            row = (SignedInSession.objects.filter(pk=ref, user=user)
                   .values("ended_at", "ending", "last_seen_at").first() if ref else None)
            if row is None or row["ended_at"] is not None:
                logout(request)
                messages.info(request, _signed_out_because(row["ending"] if row else ""))
                return redirect_to_login(
                    request.get_full_path() if request.method == "GET" else "")
            now = timezone.now()
            if now - row["last_seen_at"] > _SEEN_EVERY:
                SignedInSession.objects.filter(pk=ref).update(last_seen_at=now)
        return self.get_response(request)


def _signed_out_because(ending: str) -> str:
    if ending == Ending.TOO_MANY:
        return _("You were signed out: your account was signed in on another device, and "
                 "you can be signed in on at most %(count)d at a time. Sign in again to "
                 "continue.") % {
            "count": settings.SESSIONS_PER_USER}
    if ending == Ending.BY_AN_ADMINISTRATOR:
        return _("You were signed out by an administrator. Sign in again to continue.")
    return _("You were signed out: this session was ended from another one. Sign in again "
             "to continue.")


def end_every_session(users: list[User]) -> None:
    """An administrator's "sign out everywhere" (``retour.accounts.recovery``)."""
    end(SignedInSession.objects.filter(user__in=users), Ending.BY_AN_ADMINISTRATOR)
