"""Referrals to reintegration programmes and their outcome (BRIEF M19-M21: return counselling
and reintegration)."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from django.utils.translation import gettext as _

from retour import bulk
from retour.accounts.models import Authority
from retour.cases.actions._core import (
    collected,
    not_before,
    not_in_future,
    perform,
    require_text,
)
from retour.cases.models import ReturnCase
from retour.counselling import guards, inputs, procedure
from retour.counselling.models import ReintegrationReferral
from retour.errors import InvalidInput, one_of
from retour.seam.actions import implements


def _referral_values(referral: ReintegrationReferral) -> dict[str, Any]:
    return {
        "id": referral.pk,
        "referred_on": referral.referred_on.isoformat(),
        "programme": referral.programme,
        "counselling_service": (referral.counselling_service.code
                                if referral.counselling_service else None),
        "outcome": referral.outcome,
        "outcome_on": referral.outcome_on.isoformat() if referral.outcome_on else None,
    }


@implements(input=inputs.ReferToReintegration, step=procedure.REFER)
def refer_to_reintegration(
    user: Any, case_id: Any, *, referred_on: date, programme: str,
    counselling_service: str = "", reason: str = "",
    expected_version: int | None = None, channel: str = "",
) -> ReturnCase:
    """Refer the person to a reintegration programme (e.g. Frontex's joint reintegration
    services, Regulation (EU) 2019/1896 Art. 48(1)(a)(i), or a national AVRR programme),
    counselled by one of the member state's return counselling services, whose counsellors see
    the case from then on (ADR 16), or by the referring authority itself.

    Frontex supports a return once a return decision is adopted, so the procedure table asks
    for one in force; one referral awaits its outcome at a time."""

    def change(case: ReturnCase) -> dict[str, Any]:
        services = dict(inputs.counselling_services(case))
        errors = collected(
            partial(not_in_future, referred_on, "referred_on"),
            partial(require_text, programme, "programme",
                    _("name the programme, e.g. Frontex JRS or the national AVRR programme")),
        )
        if counselling_service and counselling_service not in services:
            errors["counselling_service"] = (
                one_of(list(services)) if services else
                _("this member state has no return counselling service: leave it empty"))
        if errors:
            raise InvalidInput(errors)
        service = (bulk.remembered(("accounts.authority", counselling_service),
                                   lambda: Authority.objects.get(code=counselling_service))
                   if counselling_service else None)
        referral = bulk.add(case, "reintegration_referrals", ReintegrationReferral(
            case=case, referred_on=referred_on, programme=programme.strip(),
            referred_by=getattr(user, "authority", None) or case.responsible_authority,
            counselling_service=service,
        ))
        return {"reintegration": _referral_values(referral)}

    return perform(user, case_id, "refer_to_reintegration", change,
                   expected_version=expected_version, reason=reason, channel=channel)


@implements(input=inputs.RecordReintegrationOutcome, step=procedure.RECORD_OUTCOME)
def record_reintegration_outcome(
    user: Any, case_id: Any, *, outcome: str, outcome_on: date, note: str = "",
    expected_version: int | None = None, channel: str = "",
) -> ReturnCase:
    """Record whether the person accepted the referral awaiting its outcome, declined it, or
    it was withdrawn (the programme closed, the person left before it started)."""

    def change(case: ReturnCase) -> dict[str, Any]:
        referral = guards.pending_referral(case)
        assert referral is not None  # the transition's guard
        errors = collected(partial(
            not_before, outcome_on, referral.referred_on, "outcome_on",
            _("cannot be before the referral (%(date)s)"),
        ))
        if outcome not in ReintegrationReferral.Outcome.values:
            errors["outcome"] = one_of(ReintegrationReferral.Outcome.values)
        if errors:
            raise InvalidInput(errors)
        referral.outcome, referral.outcome_on, referral.note = outcome, outcome_on, note.strip()
        bulk.save(referral, "outcome", "outcome_on", "note")
        return {"reintegration": _referral_values(referral)}

    return perform(user, case_id, "record_reintegration_outcome", change,
                   expected_version=expected_version, reason=note, channel=channel)
