"""The ``retour`` console script: Django's management commands with Retour's settings preset."""

from __future__ import annotations

import os
import sys
from datetime import date

from django.core.management.base import CommandError


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retour.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


def today_option(text: str) -> date:
    """The ``--today YYYY-MM-DD`` of the commands that run as if on another day."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--today {text!r}: expected a date such as 2026-03-31") from None


if __name__ == "__main__":
    main()
