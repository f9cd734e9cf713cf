"""Looking up the legal parameter in force for a jurisdiction on a date."""

from __future__ import annotations

from datetime import date

from retour import bulk
from retour.reference.models import LegalParameter


class MissingLegalParameter(LookupError):
    """No version of the parameter is in force: the data file needs a row for it."""


def parameter_in_force(code: str, on: date, member_state: str) -> LegalParameter | None:
    """The version of ``code`` in force on ``on``: the member state's own rule if it has one,
    else the rule of Union law."""
    versions = bulk.remembered(
        ("reference.legal_parameter", code, member_state),
        lambda: list(
            LegalParameter.objects.filter(code=code, jurisdiction__in=[member_state, "EU"])
            .order_by("-valid_from")
        ),
    )
    in_force = [
        v for v in versions
        if v.valid_from <= on and (v.valid_until is None or v.valid_until >= on)
    ]
    national = [v for v in in_force if v.jurisdiction == member_state]
    return next(iter(national or in_force), None)


def require_parameter(code: str, on: date, member_state: str) -> LegalParameter:
    found = parameter_in_force(code, on, member_state)
    if found is None:
        raise MissingLegalParameter(
            f"no version of legal parameter {code!r} is in force for {member_state} on {on}"
        )
    return found
