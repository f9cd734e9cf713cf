"""Reading a case for a person to see: through the user's scope, with what the pages and the
API show of it. Shared by ``retour.web`` and ``retour.api``, which import nothing of each
other."""

from __future__ import annotations

from typing import Any

from retour.accounts.models import User
from retour.cases.models import ReturnCase
from retour.errors import NotVisible
from retour.people.display import PERSON_PARTS


def load_case(user: User, case_id: Any, *, person_parts: bool = True) -> ReturnCase:
    """The case, its person (with ``PERSON_PARTS`` unless ``person_parts`` is false: for a
    caller that reads the person again with them), responsible authority and officer; a
    case outside the user's scope is ``NotVisible``, like one that does not exist."""
    parts = PERSON_PARTS if person_parts else ()
    try:
        return (
            ReturnCase.objects.visible_to(user)
            .select_related("person", "responsible_authority", "assigned_officer")
            .prefetch_related(*(f"person__{part}" for part in parts))
            .get(pk=case_id)
        )
    except ReturnCase.DoesNotExist:
        raise NotVisible("case not found") from None
