"""The API's rate limit per user (ASVS 2.4.1 anti-automation): a token or a session that
asks faster than ``settings.API_RATE_PER_USER`` is answered 429 with ``Retry-After`` until
its rate falls again, so a stolen token or a runaway client cannot read the register out
faster than a person could use it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import UserRateThrottle


class PerUser(UserRateThrottle):
    """django-ninja's per-user throttle, with the rate read from the settings at each request
    (so a deployment's setting, or a test's, holds without rebuilding the API)."""

    def __init__(self) -> None:
        super().__init__(settings.API_RATE_PER_USER)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.API_RATE_PER_USER
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return bool(super().allow_request(request))
