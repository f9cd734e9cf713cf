"""Who may see which personal data: the one rule every scoping function builds on.

Directive 2008/115/EC and the GDPR leave personal data of returnees with the member state
that processes them; inside it, access follows the need to know of the user's role. The EU
coordinator and statisticians never see a person (they read aggregates).
"""

from __future__ import annotations

from typing import Any

from retour.accounts.roles import Capability


def personal_data_member_state(user: Any) -> str | None:
    """The member state whose persons and cases ``user`` may see, or None for no person at all."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not user.can(Capability.VIEW_PERSONAL_DATA):
        return None
    return user.member_state_code
