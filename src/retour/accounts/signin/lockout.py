"""Lockout tiers (django-axes): after five failed sign-ins by one username from one address,
15 minutes; more failures in a day lengthen it. Failures are counted per username and address
together, so an attacker cannot lock every colleague out from one address (ADR 0014)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
from axes.models import AccessFailureLog
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from retour.accounts.signin.state import pending_username

# (failures in the last day, lockout): the first tier holds after AXES_FAILURE_LIMIT failures;
# a person who mistyped stays locked briefly, a guessing script ever longer.
TIERS = ((20, timedelta(hours=24)), (10, timedelta(hours=1)), (0, timedelta(minutes=15)))
_WINDOW = timedelta(hours=24)


def cool_off(request: HttpRequest | None = None) -> timedelta:
    """How long a lockout lasts for the username and address of ``request`` (AXES_COOLOFF_TIME)."""
    if request is None:
        return TIERS[-1][1]
    username = pending_username(request) or get_client_username(request)
    failures = AccessFailureLog.objects.filter(
        username=username, ip_address=get_client_ip_address(request),
        attempt_time__gte=timezone.now() - _WINDOW,
    ).count()
    return next(length for threshold, length in TIERS if failures >= threshold)


def locked_out_response(
    request: HttpRequest, original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The plain page a locked-out sign-in gets (HTTP 429): until when to wait. Every failure
    while locked out starts the wait again (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT)."""
    until = timezone.localtime(timezone.now() + (get_cool_off(request) or TIERS[-1][1]))
    response = render(request, "signin/locked_out.html", {"until": until}, status=429)
    response["Retry-After"] = str(int((until - timezone.now()).total_seconds()) + 1)
    return response


def client_address(request: HttpRequest) -> str | None:
    """The address the lockout counts and a session shows: the connection's, or behind
    ``PROXY_COUNT`` proxies that each append the address they saw to X-Forwarded-For
    (deploy/nginx.conf), the one our outermost proxy saw, counted from the right. What a client
    writes into the header itself stays on the left, where it is never read."""
    if settings.PROXY_COUNT:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= settings.PROXY_COUNT:
            return hops[-settings.PROXY_COUNT]
    address: str | None = request.META.get("REMOTE_ADDR")
    return address
