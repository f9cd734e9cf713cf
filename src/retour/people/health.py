"""Which vulnerabilities are data concerning health: a special category of personal data
(GDPR Art. 4(15), Art. 9(1)), shown only to roles whose purpose needs them and only once the
user has said why (``retour.accounts.scoping.SPECIAL_CATEGORIES``, ADR 0016)."""

from __future__ import annotations

from typing import Any

from retour.accounts.scoping import Special, special_categories
from retour.people.models import Vulnerability

# A disability, a pregnancy, a serious illness and the consequences of torture are facts about
# the person's physical or mental health (GDPR Recital 35); age, being unaccompanied, family
# situation and trafficking are not, and the procedure must see them at once (Art. 3(9), 5,
# 10 and 14 of Directive 2008/115/EC).
HEALTH_KINDS = frozenset({
    Vulnerability.Kind.DISABILITY,
    Vulnerability.Kind.PREGNANCY,
    Vulnerability.Kind.SERIOUS_ILLNESS,
    Vulnerability.Kind.VICTIM_OF_TORTURE,
})


def may_see_health(user: Any) -> bool:
    """Whether ``user``'s roles need health details for their purpose (with a reason)."""
    return Special.HEALTH in special_categories(user)
