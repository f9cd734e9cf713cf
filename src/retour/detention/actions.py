"""Detention for the purpose of removal (Directive 2008/115/EC Art. 15): ordering a period and
ending it.

A removal recorded while a period is open ends it in the same transaction, with an event of its
own (``end_detention``, reason ``removed``): detention reacts to the removal's event
(``retour.seam.reactions``), so the history shows the removal and the end of detention as two
facts, and the milestone row reads the end of detention from one kind of event only.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from django.utils.translation import gettext as _

from retour import bulk
from retour.cases import guards as case_guards
from retour.cases.actions._core import (
    authority_named,
    collected,
    not_before,
    not_in_future,
    perform,
    require_text,
)
from retour.cases.models import ReturnCase
from retour.detention import guards, inputs, procedure
from retour.detention.models import DetentionPeriod
from retour.errors import InvalidInput, one_of
from retour.seam import reactions
from retour.seam.actions import implements


def _period_values(period: DetentionPeriod) -> dict[str, Any]:
    return {
        "id": period.pk,
        "ordered_on": period.ordered_on.isoformat(),
        "ordered_by": period.ordered_by.code,
        "ground": period.ground,
        "facility": period.facility,
        "ended_on": period.ended_on.isoformat() if period.ended_on else None,
        "end_reason": period.end_reason,
    }


@implements(input=inputs.OrderDetention, step=procedure.ORDER)
def order_detention(
    user: Any, case_id: Any, *, ordered_on: date, ground: str, facility: str,
    ordering_authority: str = "", reason: str = "", expected_version: int | None = None,
    channel: str = "",
) -> ReturnCase:
    """Record that the person is detained for the purpose of removal from ``ordered_on``.

    Directive 2008/115/EC Art. 15(1): only to prepare the return or carry out the removal, on a
    ground of (a) risk of absconding or (b) avoiding or hampering the preparation of return;
    the procedure table asks for a return decision in force and no period already open.
    Art. 17(1): unaccompanied minors and families with minors are detained "only as a measure
    of last resort and for the shortest appropriate period of time". Retour does not refuse
    it (the law does not), but refuses the order without a note that says why no less
    coercive measure was enough, so the motivation is on the record.
    """

    def change(case: ReturnCase) -> dict[str, Any]:
        errors = collected(
            partial(not_in_future, ordered_on, "ordered_on"),
            partial(require_text, facility, "facility", _("say where the person is detained")),
        )
        if ground not in DetentionPeriod.Ground.values:
            errors["ground"] = one_of(DetentionPeriod.Ground.values)
        if not reason.strip() and case_guards.counts_as_a_minor(case.person, ordered_on):
            errors["reason"] = _(
                "the person is a minor: say why detention is the last resort "
                "(Directive 2008/115/EC Art. 17(1))"
            )
        if errors:
            raise InvalidInput(errors)
        authority = (
            authority_named(ordering_authority, case.member_state_id, "ordering_authority")
            if ordering_authority
            else getattr(user, "authority", None) or case.responsible_authority
        )
        period = bulk.add(case, "detention_periods", DetentionPeriod(
            case=case, ordered_on=ordered_on, ordered_by=authority, ground=ground,
            facility=facility.strip(),
        ))
        return {"detention": _period_values(period)}

    return perform(user, case_id, "order_detention", change,
                   expected_version=expected_version, reason=reason, channel=channel)


def _end(case: ReturnCase, ended_on: date, reason: str, note: str,
         field: str = "ended_on") -> dict[str, Any]:
    period = guards.open_detention(case)
    assert period is not None  # the transition's guard
    errors = collected(partial(
        not_before, ended_on, period.ordered_on, field,
        _("cannot be before detention was ordered (%(date)s)"),
    ))
    if reason not in DetentionPeriod.EndReason.values:
        errors["reason"] = one_of(DetentionPeriod.EndReason.values)
    if errors:
        raise InvalidInput(errors)
    period.ended_on, period.end_reason, period.note = ended_on, reason, note.strip()
    bulk.save(period, "ended_on", "end_reason", "note")
    return {"detention": _period_values(period)}


@implements(input=inputs.EndDetention, step=procedure.END)
def end_detention(
    user: Any, case_id: Any, *, ended_on: date, reason: str, note: str = "",
    expected_version: int | None = None, channel: str = "",
) -> ReturnCase:
    """Record that the open detention period ended on ``ended_on``, and why.

    Directive 2008/115/EC Art. 15: the person is released when a court finds the detention
    unlawful (15(2)), when there is no longer a reasonable prospect of removal (15(4)) or
    when the maximum period is reached (15(5)-(6)); an alternative to detention may replace it
    (15(1)); a removal ends it (recorded by ``record_removal`` itself, ``end_on_removal``).
    """

    def change(case: ReturnCase) -> dict[str, Any]:
        return _end(case, ended_on, reason, note)

    return perform(user, case_id, "end_detention", change,
                   expected_version=expected_version, reason=note, channel=channel)


@reactions.on("record_removal")
def end_on_removal(removal: reactions.Happened) -> None:
    """End the open detention period, if any, because the person was removed on the day the
    removal records; runs in the removal's transaction, after it, as its user."""
    case = removal.case
    if guards.open_detention(case) is None:
        return
    departed_on = date.fromisoformat(removal.payload["departed_on"])

    def change(case: ReturnCase) -> dict[str, Any]:
        return _end(case, departed_on, DetentionPeriod.EndReason.REMOVED, "", "departed_on")

    perform(removal.user, case.pk, "end_detention", change, channel=removal.channel,
            step=procedure.ENDED_BY_REMOVAL)
