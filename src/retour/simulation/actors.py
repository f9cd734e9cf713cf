"""The officers the simulator acts as: one case officer per authority, made on first use.

They sign in nowhere (no usable password); they exist so that every simulated event names
an actor and an authority, just as real casework does.
"""

from __future__ import annotations

from retour.accounts.models import Authority, Role, User
from retour.accounts.roles import RoleCode

PREFIX = "sim-"


def simulation_user(authority: Authority) -> User:
    """The simulation's case officer of ``authority`` (the same user on every run)."""
    user, created = User.objects.get_or_create(
        username=f"{PREFIX}{authority.code}",
        defaults={
            "first_name": "Simulation",
            "last_name": authority.name[:150],
            "authority": authority,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if user.authority_id != authority.pk:
        raise ValueError(f"user {user.username} exists but belongs to another authority")
    user.roles.add(Role.objects.get(code=RoleCode.CASE_OFFICER))
    return user


def simulation_users(authority_codes: set[str]) -> dict[str, User]:
    authorities = Authority.objects.filter(code__in=authority_codes)
    return {a.code: simulation_user(a) for a in authorities}
