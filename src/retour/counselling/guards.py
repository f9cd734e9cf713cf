"""The conditions of the counselling steps, each returning why it is refused (or None)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from retour import bulk
from retour.cases.guards import nothing_to_act_on
from retour.cases.models import ReturnCase
from retour.counselling.models import ReintegrationReferral


def pending_referral(case: ReturnCase) -> ReintegrationReferral | None:
    """The reintegration referral still awaiting its outcome, if any (one at a time)."""
    return next(iter(bulk.select(case, "reintegration_referrals", outcome="")), None)


def no_referral_pending(case: ReturnCase) -> str | None:
    """No reintegration referral awaits its outcome (one at a time)."""
    if pending_referral(case) is not None:
        return _("a reintegration referral awaits its outcome: record it first")
    return None


@nothing_to_act_on
def referral_pending(case: ReturnCase) -> str | None:
    """A reintegration referral awaits its outcome (only such a one can get one)."""
    if pending_referral(case) is None:
        return _("no reintegration referral awaits an outcome")
    return None
