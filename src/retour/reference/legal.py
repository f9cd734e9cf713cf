"""Looking up the legal parameter in force for a jurisdiction on a date."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from retour.reference.models import LegalParameter


class MissingLegalParameter(LookupError):
    """No version of the parameter is in force: the data file needs a row for it."""


def parameter_in_force(code: str, on: date, member_state: str) -> LegalParameter | None:
    """The version of ``code`` in force on ``on``: the member state's own rule if it has one,
    else the rule of Union law."""
    rows = (
        LegalParameter.objects.filter(code=code, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .filter(jurisdiction__in=[member_state, "EU"])
        .order_by("-valid_from")
    )
    national = [r for r in rows if r.jurisdiction == member_state]
    if national:
        return national[0]
    return next(iter(rows), None)


def require_parameter(code: str, on: date, member_state: str) -> LegalParameter:
    found = parameter_in_force(code, on, member_state)
    if found is None:
        raise MissingLegalParameter(
            f"no version of legal parameter {code!r} is in force for {member_state} on {on}"
        )
    return found
