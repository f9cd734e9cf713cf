"""Non-cooperation and obstruction in the return procedure (BRIEF M10)."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from django.utils.translation import gettext as _

from retour import bulk, clock
from retour.cases.actions._core import not_in_future, perform, require_text
from retour.cases.models import ReturnCase
from retour.cooperation import inputs, procedure
from retour.cooperation.models import NonCooperation
from retour.errors import InvalidInput, one_of
from retour.seam.actions import implements


@implements(input=inputs.RecordNonCooperation, step=procedure.RECORD)
def record_non_cooperation(
    user: Any, case_id: Any, *, kind: str, occurred_on: date, evidence: str, consequence: str,
    reason: str = "", expected_version: int | None = None, channel: str = "",
) -> ReturnCase:
    """Record an act of non-cooperation or obstruction with its evidence and what it led to
    (BRIEF M10; a ground to extend detention under Directive 2008/115/EC Art. 15(6)(a))."""

    def change(case: ReturnCase) -> dict[str, Any]:
        errors: dict[str, str] = {}
        if kind not in NonCooperation.Kind.values:
            errors["kind"] = one_of(NonCooperation.Kind.values)
        if consequence not in NonCooperation.Consequence.values:
            errors["consequence"] = one_of(NonCooperation.Consequence.values)
        # Every wrong field at once, each with the shared rule's own message.
        for check in (partial(not_in_future, occurred_on, "occurred_on"),
                      partial(require_text, evidence, "evidence",
                              _("say what shows it: a report, a witness, a document"))):
            try:
                check()
            except InvalidInput as exc:
                errors.update(exc.errors)
        if errors:
            raise InvalidInput(errors)
        act = bulk.add(case, "non_cooperation", NonCooperation(
            case=case, kind=kind, occurred_on=occurred_on, evidence=evidence.strip(),
            consequence=consequence, recorded_by=user, recorded_at=clock.now(),
        ))
        return {"non_cooperation": {"id": act.pk, "kind": kind,
                                    "occurred_on": occurred_on.isoformat(),
                                    "consequence": consequence}}

    return perform(user, case_id, "record_non_cooperation", change,
                   expected_version=expected_version, reason=reason, channel=channel)
