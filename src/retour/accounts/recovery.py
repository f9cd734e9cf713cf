"""Getting a colleague back in, or out: an administrator ends a user's sessions, removes their
second factor (a lost or stolen phone or security key) or lifts their sign-in lockout.

Each is one transaction with one access-log entry naming the users (ADR 13, 14). The scope is
the administration's: users outside it do not exist for the administrator, and nobody removes
their own second factor (a session taken over must not be enough to weaken its own account)
nor another administrator's (one administrator must not act as two, as with passwords).
Ending sessions revokes the user's API tokens too. Removing a second factor signs the user
out everywhere: whoever signs in next sets up a new one,
so the holder should do that at once. On the command line (``retour otp reset``) the entry
names the operating-system account that ran it, as there is no administrator signed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from axes.utils import reset as reset_lockout
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from retour import clock
from retour.accounts.administration import administered_users, record
from retour.accounts.models import ApiToken, User
from retour.accounts.roles import RoleCode
from retour.accounts.sessions import tracking
from retour.errors import NotVisible, PermissionRefused


def _administered(administrator: Any, targets: Iterable[User]) -> list[User]:
    wanted = list(targets)
    if administrator is None:  # the command line: the machine's operator
        return wanted
    found = set(administered_users(administrator).filter(
        pk__in=[t.pk for t in wanted]).values_list("pk", flat=True))
    if any(t.pk not in found for t in wanted):
        raise NotVisible(_("There is no such user."))
    return wanted


def _end_sessions(users: list[User]) -> None:
    # The session's authentication hash includes this moment (``User``), so every session
    # signed in before it fails its check at its next request, wherever it is stored.
    tracking.end_every_session(users)
    now = clock.now()
    keys = [u.pk for u in users]
    User.objects.filter(pk__in=keys).update(sessions_ended_at=now)
    ApiToken.objects.filter(user__in=keys, revoked_at__isnull=True).update(revoked_at=now)


@transaction.atomic
def end_sessions(
    administrator: Any, targets: Iterable[User], *, channel: str = "web", reason: str = "",
) -> list[User]:
    """Sign the users out everywhere, now: every session ends and every API token is
    revoked."""
    users = _administered(administrator, targets)
    _end_sessions(users)
    record(administrator, "user", [u.pk for u in users],
           reason or "every session of the user ended", channel)
    return users


@transaction.atomic
def remove_second_factor(
    administrator: Any, targets: Iterable[User], *, channel: str = "web", reason: str = "",
) -> int:
    """Remove every authenticator app and security key of the users and sign them out
    everywhere; the next sign-in sets up a new second factor. Returns how many were removed."""
    users = _administered(administrator, targets)
    if administrator is not None and any(u.pk == administrator.pk for u in users):
        raise PermissionRefused(_("You cannot remove your own second factor: ask another "
                                  "administrator."))
    if administrator is not None and any(RoleCode.ADMINISTRATOR in u.role_codes for u in users):
        # As with passwords: one administrator must not be able to act as two.
        raise PermissionRefused(_("An administrator's second factor is removed on the server "
                                  "(retour otp reset), not by another administrator."))
    removed = 0
    for user in users:
        for device in devices_for_user(user, confirmed=None):
            device.delete()
            removed += 1
    _end_sessions(users)
    record(administrator, "user", [u.pk for u in users],
           reason or "second factor removed, sessions ended: a new one is set up at sign-in",
           channel)
    return removed


@transaction.atomic
def lift_lockout(
    administrator: Any, targets: Iterable[User], *, channel: str = "web", reason: str = "",
) -> list[User]:
    """Forget the users' failed sign-ins, so a locked-out user may try again at once."""
    users = _administered(administrator, targets)
    for user in users:
        reset_lockout(username=user.username)
    record(administrator, "user", [u.pk for u in users],
           reason or "sign-in lockout lifted", channel)
    return users
