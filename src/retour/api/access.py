"""Logging the API's reads of personal data (its writes are logged by the actions).

Accountability for personal data (GDPR Art. 5(2)): who read which persons' data, when,
searching for what, and why. The client states why in a header.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from ninja import Header

from retour.accounts.models import User
from retour.audit.log import record_access
from retour.seam.inputs import Text

CHANNEL = "api"
REASON_HEADER = "X-Retour-Reason"


# The optional header parameter of every endpoint that reads personal data.
ReadReason = Annotated[
    Text,
    Header(
        "", alias=REASON_HEADER, max_length=500,
        description="Why you read these personal data; kept in the access log.",
    ),
]


def log_read(
    user: User, operation: str, object_type: str, object_ids: Iterable[Any], *,
    person_ids: Iterable[Any], reason: str, search_terms: dict[str, Any] | None = None,
) -> None:
    record_access(
        user, operation, object_type, object_ids, person_ids=person_ids,
        search_terms=search_terms, reason=reason, channel=CHANNEL,
    )
