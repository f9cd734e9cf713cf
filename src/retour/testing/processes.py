"""Tests that run a ``retour`` command as a real child process against the test database."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import quote

from django.db import connection

RETOUR = Path(sys.executable).parent / "retour"


def database_url() -> str:
    """The test database, as the child process must name it."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    credentials = quote(settings["USER"] or "", safe="")
    if settings["PASSWORD"]:
        credentials += ":" + quote(settings["PASSWORD"], safe="")
    return (f"postgres://{credentials}@{settings['HOST'] or 'localhost'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}")


def child_environment(**extra: str) -> dict[str, str]:
    """This process's environment with the production settings on the test database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "retour.settings",
        "RETOUR_SECRET_KEY": "test-secret-not-for-production",
        "RETOUR_DATABASE_URL": database_url(),
        **extra,
    }
