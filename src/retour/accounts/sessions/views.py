"""The user's own sessions: where they are signed in, and ending any of the others (ASVS
7.5.2). Ending asks for a fresh password and second factor first, as the administration does:
whoever finds a signed-in browser must not be able to sign its owner out everywhere else."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from retour.accounts.administration import record
from retour.accounts.models import SignedInSession
from retour.accounts.sessions import tracking
from retour.accounts.signin.session import recent_authentication_required


@require_http_methods(["GET"])
@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    this = tracking.current(request)
    sessions = list(tracking.open_sessions(user).order_by("-last_seen_at"))
    sessions.sort(key=lambda s: str(s.pk) != this)  # this session first
    return render(request, "sessions/list.html", {
        "sessions": sessions, "this": this, "most": settings.SESSIONS_PER_USER,
        "others": sum(str(s.pk) != this for s in sessions),
    })


def _ended(request: HttpRequest, ended: int) -> HttpResponse:
    user: Any = request.user
    if ended:
        record(user, "signed_in_session", [user.pk],
               reason=f"{ended} own session(s) ended from another session")
        messages.success(request, ngettext(
            "%(count)d session signed out.", "%(count)d sessions signed out.", ended,
        ) % {"count": ended})
    else:
        messages.info(request, _("That session had already ended."))
    return redirect("session-list")


@require_POST
@recent_authentication_required
def end_session(request: HttpRequest, session_id: Any) -> HttpResponse:
    """End one of the user's other sessions (this one is ended by signing out)."""
    user: Any = request.user
    others = SignedInSession.objects.filter(user=user).exclude(pk=tracking.current(request))
    chosen = others.filter(pk=session_id)  # another user's key ends nothing
    return _ended(request, tracking.end(chosen, SignedInSession.Ending.BY_THE_USER))


@require_POST
@recent_authentication_required
def end_other_sessions(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    others = SignedInSession.objects.filter(user=user).exclude(pk=tracking.current(request))
    return _ended(request, tracking.end(others, SignedInSession.Ending.BY_THE_USER))
