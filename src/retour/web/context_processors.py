from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def session(request: HttpRequest) -> dict[str, int]:
    return {"session_seconds": settings.SESSION_COOKIE_AGE}
