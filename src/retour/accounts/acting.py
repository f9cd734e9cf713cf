"""The user a command acts as (``--user USERNAME``): commands that read or change personal
data act as an officer, whose scope and role apply and whose name the access log keeps."""

from __future__ import annotations

from django.core.management.base import CommandError

from retour.accounts.models import User

USAGE_ERROR = 2  # argparse's exit status for bad input


def acting_user(username: str) -> User:
    """The active user named ``username``, or a refusal of ``--user`` (exit status 2)."""
    user = User.objects.select_related("authority").filter(
        username=username, is_active=True
    ).first()
    if user is None:
        raise CommandError(f"--user: no active user named {username!r}", returncode=USAGE_ERROR)
    return user
