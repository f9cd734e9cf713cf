"""The ``retour`` console script: Django's management commands with Retour's settings preset."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retour.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


def today_option(text: str) -> date:
    """The ``--today YYYY-MM-DD`` of the commands that run as if on another day; a bad date is
    the parser's error (usage and exit 2), not a traceback."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: give one such as 2026-03-31") from None


if __name__ == "__main__":
    main()
