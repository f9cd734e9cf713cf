"""The legal conditions of detention's steps, each returning why it is refused (or None)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from retour import bulk
from retour.cases.guards import nothing_to_act_on
from retour.cases.models import ReturnCase
from retour.detention.models import DetentionPeriod


def open_detention(case: ReturnCase) -> DetentionPeriod | None:
    """The detention period of the case that has not ended, if any (one at a time)."""
    return next(iter(bulk.select(case, "detention_periods", ended_on__isnull=True)), None)


def not_detained(case: ReturnCase) -> str | None:
    """No detention period is open (one at a time; an extension prolongs the period).

    Directive 2008/115/EC Art. 15(5)-(6): the maximum is counted over one period, which an
    extension prolongs rather than a second order beside it."""
    if open_detention(case) is not None:
        return _("the person is already detained: end the current period first")
    return None


@nothing_to_act_on
def detained(case: ReturnCase) -> str | None:
    """A detention period is open (only an open period can end)."""
    if open_detention(case) is None:
        return _("the person is not detained")
    return None
