"""Reading a case for a person to see: through the user's scope, with what the pages and the
API show of it. Shared by ``retour.web`` and ``retour.api``, which import nothing of each
other."""

from __future__ import annotations

from typing import Any

from retour.accounts.models import User
from retour.cases.models import ReturnCase
from retour.errors import NotVisible
from retour.people.display import PERSON_PARTS


def load_case(user: User, case_id: Any) -> ReturnCase:
    """The case, its person (with ``PERSON_PARTS``), responsible authority and officer; a
    case outside the user's scope is ``NotVisible``, like one that does not exist."""
    try:
        return (
            ReturnCase.objects.visible_to(user)
            .select_related("person", "responsible_authority", "assigned_officer")
            .prefetch_related(*(f"person__{part}" for part in PERSON_PARTS))
            .get(pk=case_id)
        )
    except ReturnCase.DoesNotExist:
        raise NotVisible("case not found") from None
