"""Pages of no area: health, accessibility statement, session keep-alive, and the page that
says why a role may not do something, which every area shows (the home page per role is
``home.views``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database status, for load balancers and monitoring. Anonymous callers
    learn only "ok" or "error": which database runs, and how it failed, helps an attacker more
    than a load balancer; a signed-in user sees both."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not ready"
        status, database, code = "error", {"status": "error", "error": type(exc).__name__}, 503
    else:
        status, database, code = "ok", {"status": "ok", "engine": connection.vendor}, 200
    body: dict[str, object] = {"status": status}
    if request.user.is_authenticated:
        body["database"] = database
    return JsonResponse(body, status=code)


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    crumbs = [(_("Home"), reverse("home")), (_("Accessibility statement"), None)]
    return render(request, "web/accessibility.html", {"breadcrumbs": crumbs})


def refused_page(
    request: HttpRequest, title: str, reason: str,
    crumbs: list[tuple[str, str | None]] | None = None,
) -> HttpResponse:
    crumbs = crumbs or [(_("Home"), reverse("home")), (title, None)]
    return render(
        request, "web/people/refused.html",
        {"title": title, "reason": reason, "breadcrumbs": crumbs}, status=403,
    )


@require_GET
@login_required
def session_keepalive(request: HttpRequest) -> HttpResponse:
    """Touching the session extends it (SESSION_SAVE_EVERY_REQUEST)."""
    return HttpResponse(status=204)

