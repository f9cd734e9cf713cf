"""Administration of users and authorities: who an administrator may manage, and the four-eyes
rule for roles and authorities (ADR 13).

An administrator manages the users and authorities of their own member state only; an
administrator of an EU body (an authority with no member state) manages the EU bodies' users
and authorities only, and never a member state's. Users outside that scope do not exist for
the administrator. Nobody changes their own roles, authority or active flag. A change of a
user's roles or authority (and the roles of a new user) is a request that another
administrator of the same scope, neither the requester nor the user concerned, approves or
rejects with a reason; approval applies it. Every step is in the access log, in the
transaction of the change.

The access log lives in an app above this one (``retour.audit``), which hands its recording
function over when it starts (``keep_access_log_with``); administering without it is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from retour import clock
from retour.accounts.models import AccessChangeRequest, Authority, Role, User
from retour.accounts.roles import Capability, RoleCode
from retour.errors import InvalidInput, NotVisible, PermissionRefused

OPERATION = "administer"

_access_log: Callable[..., Any] | None = None


def keep_access_log_with(recorder: Callable[..., Any]) -> None:
    """Called by the access log's app when it starts: ``recorder`` has the signature of
    ``retour.audit.log.record_access``."""
    global _access_log
    _access_log = recorder


def record(
    administrator: Any, object_type: str, object_ids: Iterable[Any], reason: str,
    channel: str = "web",
) -> None:
    """One access-log entry for an administrative change (never a password or secret)."""
    if _access_log is None:
        raise ImproperlyConfigured("the access log is not installed: nothing is administered")
    _access_log(administrator, OPERATION, object_type, list(object_ids), reason=reason,
                channel=channel)


def _scope_of(administrator: Any) -> tuple[bool, str | None]:
    """(may administer at all, the member state administered: None for the EU bodies)."""
    if not getattr(administrator, "is_authenticated", False):
        return False, None
    if not administrator.can(Capability.ADMINISTER) or administrator.authority_id is None:
        return False, None
    return True, administrator.authority.member_state_id


def administered_authorities(administrator: Any) -> QuerySet[Authority]:
    """The authorities ``administrator`` manages: their member state's, or the EU bodies'."""
    allowed, member_state = _scope_of(administrator)
    if not allowed:
        return Authority.objects.none()
    if member_state is None:
        return Authority.objects.filter(member_state__isnull=True)
    return Authority.objects.filter(member_state_id=member_state)


def administered_users(administrator: Any) -> QuerySet[User]:
    """The users ``administrator`` manages: those of the authorities they manage (a user with
    no authority is nobody's to administer here; it is made on the command line)."""
    return User.objects.filter(authority__in=administered_authorities(administrator))


def administered_member_state(administrator: Any) -> str | None:
    """The member state an administrator's authorities belong to (None: the EU bodies)."""
    return _scope_of(administrator)[1]


def administered_jurisdiction(administrator: Any) -> str | None:
    """The jurisdiction of the reference data an administrator keeps: their member state's
    code, or ``EU`` (Union law) for an EU body's administrator; None for no administrator."""
    allowed, member_state = _scope_of(administrator)
    return (member_state or "EU") if allowed else None


def pending_requests(administrator: Any) -> QuerySet[AccessChangeRequest]:
    """The open requests of the administrator's scope, the ones they may decide first."""
    return AccessChangeRequest.objects.filter(
        target__in=administered_users(administrator),
        status=AccessChangeRequest.Status.PENDING,
    )


def decidable_requests(administrator: Any) -> QuerySet[AccessChangeRequest]:
    """The open requests ``administrator`` may decide: neither asked by them nor about them."""
    return pending_requests(administrator).exclude(requested_by=administrator.pk).exclude(
        target=administrator.pk
    )


def _role_list(roles: Iterable[Any]) -> list[str]:
    return sorted({getattr(r, "code", r) for r in roles})


def _roles_words(codes: Iterable[str]) -> str:
    return ", ".join(codes) or "none"


def _check_administers(administrator: Any, target: User) -> None:
    if not administered_users(administrator).filter(pk=target.pk).exists():
        raise NotVisible(_("There is no such user."))


def check_own_access(administrator: Any, target: User) -> None:
    """Nobody changes their own roles, authority or active flag."""
    if target.pk == administrator.pk:
        raise PermissionRefused(
            _("You cannot change your own roles, authority or whether your account is active.")
        )


def check_access_change(
    administrator: Any, target: User | None, roles: Iterable[Any], authority: Authority | None
) -> None:
    """Refuse a change request that could not be made, naming the field; ``target`` None is
    a user being added."""
    errors: dict[str, str] = {}
    codes = _role_list(roles)
    unknown = set(codes) - set(RoleCode.values)
    if unknown:
        errors["roles"] = _("These are not roles: %(codes)s") % {"codes": ", ".join(unknown)}
    if authority is None or not administered_authorities(administrator).filter(
        pk=authority.pk
    ).exists():
        errors["authority"] = _("Choose one of the authorities you administer.")
    if target is not None and target.pk is not None and pending_requests(administrator).filter(
        target=target
    ).exists():
        errors["roles"] = _(
            "A change of this user's roles or authority is already waiting for approval."
        )
    if errors:
        raise InvalidInput(errors)


@transaction.atomic
def request_access_change(
    administrator: Any, target: User, roles: Iterable[Any], authority: Authority,
    channel: str = "web",
) -> AccessChangeRequest | None:
    """Ask for ``target``'s roles and authority to become ``roles`` and ``authority``; nothing
    changes until another administrator approves. None when nothing would change."""
    _check_administers(administrator, target)
    check_own_access(administrator, target)
    # Two requests for one user at once: the second waits here, then finds the first.
    User.objects.select_for_update().filter(pk=target.pk).first()
    check_access_change(administrator, target, roles, authority)
    before, after = _role_list(target.roles.all()), _role_list(roles)
    if before == after and authority.pk == target.authority_id:
        return None
    change = AccessChangeRequest.objects.create(
        target=target, member_state_id=administered_member_state(administrator),
        roles_before=before, roles_after=after,
        authority_before=target.authority, authority_after=authority,
        requested_by=administrator, requested_at=clock.now(),
    )
    record(administrator, "user", [target.pk], _describe("requested", change), channel)
    return change


def _describe(step: str, change: AccessChangeRequest, reason: str = "") -> str:
    words = (
        f"{step} change #{change.pk} of roles and authority: roles "
        f"{_roles_words(change.roles_before)} → {_roles_words(change.roles_after)}; authority "
        f"{change.authority_before.code if change.authority_before else 'none'} → "
        f"{change.authority_after.code if change.authority_after else 'none'}"
    )
    return f"{words}; reason: {reason}" if reason else words


def check_decision(
    administrator: Any, change: AccessChangeRequest, reason: str, approving: bool
) -> None:
    """Refuse a decision that may not be taken, naming the field."""
    if not pending_requests(administrator).filter(pk=change.pk).exists():
        raise NotVisible(_("There is no such change waiting for a decision."))
    if administrator.pk == change.requested_by_id:
        raise PermissionRefused(_("A second administrator must decide on a change you asked for."))
    if administrator.pk == change.target_id:
        raise PermissionRefused(_("Another administrator must decide on a change of your access."))
    if not reason.strip():
        raise InvalidInput.field("reason", _("Say why you approve or reject the change."))
    target = change.target
    if approving and (
        _role_list(target.roles.all()) != change.roles_before
        or target.authority_id != change.authority_before_id
    ):
        raise InvalidInput.field("decision", _(
            "The user's roles or authority changed after this was asked; reject it and ask again."
        ))


@transaction.atomic
def approve(
    administrator: Any, change: AccessChangeRequest, reason: str, channel: str = "web"
) -> AccessChangeRequest:
    """Apply the requested roles and authority, with the second administrator's reason."""
    change = AccessChangeRequest.objects.select_for_update().get(pk=change.pk)
    check_decision(administrator, change, reason, approving=True)
    target = User.objects.select_for_update().get(pk=change.target_id)
    target.authority_id = change.authority_after_id
    target.save(update_fields=["authority"])
    target.roles.set(Role.objects.filter(code__in=change.roles_after))
    _decide(change, administrator, AccessChangeRequest.Status.APPROVED, reason)
    record(administrator, "user", [target.pk], _describe("approved", change, reason), channel)
    return change


@transaction.atomic
def reject(
    administrator: Any, change: AccessChangeRequest, reason: str, channel: str = "web"
) -> AccessChangeRequest:
    """Close the request without changing the user."""
    change = AccessChangeRequest.objects.select_for_update().get(pk=change.pk)
    check_decision(administrator, change, reason, approving=False)
    _decide(change, administrator, AccessChangeRequest.Status.REJECTED, reason)
    record(administrator, "user", [change.target_id], _describe("rejected", change, reason),
           channel)
    return change


def _decide(
    change: AccessChangeRequest, administrator: Any, status: str, reason: str
) -> None:
    change.status = status
    change.decided_by = administrator
    change.decided_at = clock.now()
    change.decision_reason = reason.strip()
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
