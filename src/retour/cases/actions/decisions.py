"""Actions that record the decisions of the return procedure (Directive 2008/115/EC)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from retour import bulk, clock
from retour.cases import guards, timers
from retour.cases.actions import _decisions as d
from retour.cases.actions import inputs
from retour.cases.actions._core import close_tasks, open_task, perform, require_text
from retour.cases.deadlines import (
    close_deadlines,
    legal_parameter,
    open_deadline,
    open_deadline_from_parameter,
    open_entry_ban_deadline,
)
from retour.cases.models import Decision, Origin, ReturnCase, Task, Timer
from retour.cases.stages import Stage
from retour.errors import InvalidInput, one_of
from retour.reference.periods import add_period
from retour.seam.actions import implements

K = Decision.Kind


class _EnglishWords(Mapping[str, str]):
    """The codes of ``choices``, each with its words in English (the label's msgid) whatever
    the language of the request: an extension's reason goes into the decision's stored reason
    in English, as the history has always held it."""

    def __init__(self, choices: type[models.TextChoices]) -> None:
        self._choices = choices

    def __getitem__(self, code: str) -> str:
        if code not in self._choices.values:
            raise KeyError(code)
        with translation.override(None):
            return str(self._choices(code).label)

    def __iter__(self) -> Iterator[str]:
        return iter(self._choices.values)

    def __len__(self) -> int:
        return len(self._choices.values)


# The fixed code sets of the decisions are enums on ``Decision`` (their words are the labels).
SHORTENED_DEPARTURE_REASONS: Mapping[str, str] = _EnglishWords(Decision.ShortenedDepartureReason)
EXTENSION_REASONS: Mapping[str, str] = _EnglishWords(Decision.ExtensionReason)
_G = Decision.PostponementGround
# Each ground of postponement: its legal source, and whether postponing is mandatory.
POSTPONEMENT_GROUNDS: dict[str, tuple[str, bool]] = {
    _G.NON_REFOULEMENT.value: ("Directive 2008/115/EC Art. 9(1)(a)", True),
    _G.SUSPENSIVE_EFFECT.value: ("Directive 2008/115/EC Art. 9(1)(b)", True),
    _G.PHYSICAL_OR_MENTAL_STATE.value: ("Directive 2008/115/EC Art. 9(2)(a)", False),
    _G.TECHNICAL_REASONS.value: ("Directive 2008/115/EC Art. 9(2)(b)", False),
}
APPEAL_OUTCOMES: tuple[str, ...] = tuple(Decision.AppealOutcome.values)


@implements(input=inputs.RecordEndOfLegalStay)
def record_end_of_legal_stay(
    user: Any, case_id: Any, *, decided_on: date, legal_basis: str = "",
    issuing_authority: str | None = None, reference: str = "", reason: str = "",
    expected_version: int | None = None, channel: str = "",
) -> ReturnCase:
    """Record the decision that ended the person's legal stay (negative asylum decision,
    refused or withdrawn permit). The return decision is then due at once (M7;
    Directive 2008/115/EC Art. 6(6), Recommendation (EU) 2023/682)."""

    def change(case: ReturnCase) -> dict[str, Any]:
        d.check_decision_dates(decided_on, None)
        decision = d.record(
            case, K.END_OF_LEGAL_STAY, d.issuing_authority(user, case, issuing_authority),
            decided_on=decided_on, reference=reference,
            legal_basis=legal_basis or "National decision ending legal stay",
        )
        due = open_deadline_from_parameter(case, Timer.Kind.RETURN_DECISION_DUE, decided_on)
        assert due is not None
        open_task(case, Task.Kind.ISSUE_RETURN_DECISION, due.due_on)
        case.stage = Stage.LEGAL_STAY_ENDED
        return {"decision": d.described(decision), "return_decision_due_on": due.due_on.isoformat()}

    return perform(user, case_id, "record_end_of_legal_stay", change,
                   expected_version=expected_version, reason=reason, channel=channel)


@implements(input=inputs.RecordBestInterestsAssessment)
def record_best_interests_assessment(
    user: Any, case_id: Any, *, decided_on: date, summary: str,
    issuing_authority: str | None = None, expected_version: int | None = None,
    channel: str = "",
) -> ReturnCase:
    """Record the assessment of the best interests of the child, made by a body other than
    the enforcing authority (Directive 2008/115/EC Art. 5(a), 10(1); CJEU C-441/19 TQ)."""

    def change(case: ReturnCase) -> dict[str, Any]:
        text = require_text(
            summary, "summary", _("a summary of the assessment is required")
        )
        d.check_decision_dates(decided_on, None)
        decision = d.record(
            case, K.BEST_INTERESTS_ASSESSMENT, d.issuing_authority(user, case, issuing_authority),
            decided_on=decided_on, reason=text,
            legal_basis="Directive 2008/115/EC Art. 5(a), 10(1)",
        )
        close_tasks(case, Task.Kind.ASSESS_BEST_INTERESTS)
        return {"decision": d.described(decision)}

    return perform(user, case_id, "record_best_interests_assessment", change,
                   expected_version=expected_version, reason=summary, channel=channel)


def _check_departure_period(case: ReturnCase, days: int, reason_code: str, on: date) -> None:
    minimum = legal_parameter(case, "voluntary_departure.minimum", on)
    maximum = legal_parameter(case, "voluntary_departure.maximum", on)
    if days < 0:
        raise InvalidInput.field("voluntary_departure_days", _("cannot be negative"))
    if days > maximum.value:
        raise InvalidInput.field(
            "voluntary_departure_days",
            _("at most %(maximum)s days (%(source)s); extend it later if needed")
            % {"maximum": maximum.value, "source": maximum.source},
        )
    if days < minimum.value and reason_code not in SHORTENED_DEPARTURE_REASONS:
        raise InvalidInput.field(
            "shortened_departure_reason",
            _(
                "a period under %(minimum)s days or none needs a reason: %(reasons)s "
                "(Directive 2008/115/EC Art. 7(4))"
            ) % {"minimum": minimum.value, "reasons": ", ".join(SHORTENED_DEPARTURE_REASONS)},
        )
    if days >= minimum.value and reason_code:
        raise InvalidInput.field(
            "shortened_departure_reason",
            _("only for a period under %(minimum)s days") % {"minimum": minimum.value},
        )


@implements(input=inputs.IssueReturnDecision)
def issue_return_decision(
    user: Any, case_id: Any, *, decided_on: date, voluntary_departure_days: int,
    notified_on: date | None = None, shortened_departure_reason: str = "",
    legal_basis: str = "", issuing_authority: str | None = None, reference: str = "",
    reason: str = "", expected_version: int | None = None, channel: str = "",
) -> ReturnCase:
    """Issue the return decision with its voluntary-departure period of 7 to 30 days, or a
    shorter one or none for a stated ground (Directive 2008/115/EC Art. 6(1), 7(1), 7(4)).

    Without a voluntary-departure period the case goes straight to forced-return preparation
    and an entry ban becomes mandatory (Art. 11(1)(a))."""

    def change(case: ReturnCase) -> dict[str, Any]:
        d.check_decision_dates(decided_on, notified_on)
        ended = guards.latest_decision(case, K.END_OF_LEGAL_STAY)
        if ended and decided_on < ended.decided_on:
            raise InvalidInput.field(
                "decided_on",
                _("cannot be before the end of legal stay (%(date)s)")
                % {"date": ended.decided_on.isoformat()},
            )
        _check_departure_period(case, voluntary_departure_days, shortened_departure_reason,
                                decided_on)
        default_basis = (
            "Council Directive 2001/40/EC (recognition of another member state's decision)"
            if case.origin == Origin.MUTUAL_RECOGNITION
            else "Directive 2008/115/EC Art. 6(1)"
        )
        decision = d.record(
            case, K.RETURN_DECISION, d.issuing_authority(user, case, issuing_authority),
            decided_on=decided_on, notified_on=notified_on or decided_on, reference=reference,
            legal_basis=legal_basis or default_basis,
            voluntary_departure_days=voluntary_departure_days,
            shortened_departure_reason=shortened_departure_reason,
        )
        starts = decision.notified_on or decided_on
        today = clock.today()
        close_deadlines(case, Timer.Status.MET, today, Timer.Kind.RETURN_DECISION_DUE)
        close_tasks(case, Task.Kind.ISSUE_RETURN_DECISION)
        open_deadline_from_parameter(
            case, Timer.Kind.APPEAL_PERIOD_END, starts, decision=decision, required=False
        )
        if voluntary_departure_days > 0:
            ends_on = add_period(starts, voluntary_departure_days, "days")
            open_deadline(case, Timer.Kind.VOLUNTARY_DEPARTURE_END, starts, ends_on,
                          decision=decision)
            case.voluntary_departure_ends_on = ends_on
            case.stage = Stage.VOLUNTARY_DEPARTURE
        else:
            case.voluntary_departure_ends_on = None
            case.stage = Stage.FORCED_RETURN_PREPARATION
            open_task(case, Task.Kind.PREPARE_FORCED_RETURN, today)
            open_task(case, Task.Kind.ISSUE_ENTRY_BAN, today)
        return {"decision": d.described(decision)}

    return perform(user, case_id, "issue_return_decision", change,
                   expected_version=expected_version, reason=reason, channel=channel)


@implements(input=inputs.ExtendVoluntaryDeparture)
def extend_voluntary_departure(
    user: Any, case_id: Any, *, decided_on: date, extension_days: int, extension_reason: str,
    reason: str = "", expected_version: int | None = None, channel: str = "",
) -> ReturnCase:
    """Extend the voluntary-departure period for the person's specific circumstances
    (Directive 2008/115/EC Art. 7(2))."""

    def change(case: ReturnCase) -> dict[str, Any]:
        d.check_decision_dates(decided_on, None)
        if extension_days < 1:
            raise InvalidInput.field("extension_days", _("must be at least 1"))
        if extension_reason not in EXTENSION_REASONS:
            raise InvalidInput.field("extension_reason", one_of(EXTENSION_REASONS))
        if extension_reason == "other":
            require_text(reason, "reason", _("for 'other', a reason is required"))
        assert case.voluntary_departure_ends_on is not None
        new_end = add_period(case.voluntary_departure_ends_on, extension_days, "days")
        decision = d.record(
            case, K.VOLUNTARY_DEPARTURE_EXTENSION, d.issuing_authority(user, case, None),
            decided_on=decided_on, extension_days=extension_days, ends_on=new_end,
            legal_basis="Directive 2008/115/EC Art. 7(2)",
            reason=f"{EXTENSION_REASONS[extension_reason]}. {reason}".strip(),
        )
        timers.move(case, new_end, Timer.Kind.VOLUNTARY_DEPARTURE_END)
        case.voluntary_departure_ends_on = new_end
        return {"decision": d.described(decision)}

    return perform(user, case_id, "extend_voluntary_departure", change,
                   expected_version=expected_version, reason=reason, channel=channel)


@implements(input=inputs.IssueEntryBan)
def issue_entry_ban(
    user: Any, case_id: Any, *, decided_on: date, ban_years: int = 0, ban_months: int = 0,
    serious_threat: bool = False, reason: str = "", expected_version: int | None = None,
    channel: str = "",
) -> ReturnCase:
    """Issue an entry ban accompanying the return decision. Its length is at most the maximum
    in force (5 years), longer only for a serious threat (Directive 2008/115/EC Art. 11(2)); it
    runs from the actual departure (CJEU C-225/16 Ouhrami)."""

    def change(case: ReturnCase) -> dict[str, Any]:
        d.check_decision_dates(decided_on, None)
        if ban_years < 0 or not 0 <= ban_months < 12:
            raise InvalidInput.field("ban_months", _("years ≥ 0 and months between 0 and 11"))
        total_months = ban_years * 12 + ban_months
        if total_months == 0:
            raise InvalidInput.field("ban_years", _("an entry ban needs a length"))
        maximum = legal_parameter(case, "entry_ban.maximum", decided_on)
        if total_months > maximum.value * 12 and not serious_threat:
            raise InvalidInput.field(
                "ban_years",
                _(
                    "more than %(maximum)s years only for a serious threat to public policy, "
                    "public security or national security (%(source)s)"
                ) % {"maximum": maximum.value, "source": maximum.source},
            )
        if serious_threat:
            require_text(reason, "reason", _("for a serious threat, the reason is required"))
        try:  # its end is counted at departure; a length past the calendar would fail there
            add_period(decided_on, total_months, "months")
        except ValueError:
            raise InvalidInput.field(
                "ban_years", _("too long: it would end after the year 9999")
            ) from None
        decision = d.record(
            case, K.ENTRY_BAN, d.issuing_authority(user, case, None), decided_on=decided_on,
            ban_years=ban_years, ban_months=ban_months, reason=reason,
            legal_basis="Directive 2008/115/EC Art. 11",
        )
        close_tasks(case, Task.Kind.ISSUE_ENTRY_BAN)
        departed = case.milestones.departed_on
        if departed:
            open_entry_ban_deadline(case, decision, departed)
        return {"decision": d.described(decision)}

    return perform(user, case_id, "issue_entry_ban", change,
                   expected_version=expected_version, reason=reason, channel=channel)


@implements(input=inputs.LodgeAppeal)
def lodge_appeal(
    user: Any, case_id: Any, *, contested_decision_id: int, lodged_on: date, suspensive: bool,
    reason: str = "", expected_version: int | None = None, channel: str = "",
) -> ReturnCase:
    """Record an appeal against the return decision or the entry ban. With suspensive effect
    the case is suspended: no removal meanwhile (Directive 2008/115/EC Art. 13(2), 9(1)(b))."""

    def change(case: ReturnCase) -> dict[str, Any]:
        d.check_decision_dates(lodged_on, None)
        contested = next(iter(bulk.select(
            case, "decisions", pk=contested_decision_id, kind__in=[K.RETURN_DECISION, K.ENTRY_BAN],
            status=Decision.Status.IN_FORCE,
        )), None)
        if contested is None:
            raise InvalidInput.field(
                "contested_decision_id",
                _("not a return decision or entry ban in force on this case"),
            )
        if lodged_on < contested.decided_on:
            raise InvalidInput.field("lodged_on", _("cannot be before the contested decision"))
        if suspensive and case.stage == Stage.DEPARTED:
            raise InvalidInput.field("suspensive", _("the person has already departed"))
        appeal = d.record(
            case, K.APPEAL, d.issuing_authority(user, case, None), decided_on=lodged_on,
            contested=contested, suspensive=suspensive, status=Decision.Status.PENDING,
            legal_basis="Directive 2008/115/EC Art. 13", reason=reason,
        )
        close_deadlines(case, Timer.Status.MET, lodged_on, Timer.Kind.APPEAL_PERIOD_END)
        if suspensive:
            d.suspend(case)
        return {"decision": d.described(appeal)}

    return perform(user, case_id, "lodge_appeal", change,
                   expected_version=expected_version, reason=reason, channel=channel)


def _annul_return_decision(case: ReturnCase, status: str) -> None:
    """The return decision (and the entry bans that accompany it) no longer stand. A person
    who has already left stays recorded as departed: the departure is a fact the annulment
    does not undo."""
    bulk.update(case, "decisions", {"status": status},
                kind__in=[K.RETURN_DECISION, K.ENTRY_BAN, K.POSTPONEMENT],
                status=Decision.Status.IN_FORCE)
    today = clock.today()
    close_deadlines(case, Timer.Status.CANCELLED, today, Timer.Kind.VOLUNTARY_DEPARTURE_END,
                    Timer.Kind.APPEAL_PERIOD_END, Timer.Kind.POSTPONEMENT_END,
                    Timer.Kind.ENTRY_BAN_END)
    close_tasks(case, Task.Kind.PREPARE_FORCED_RETURN, Task.Kind.ISSUE_ENTRY_BAN,
                Task.Kind.REVIEW_POSTPONEMENT, status=Task.Status.CANCELLED)
    if case.stage != Stage.DEPARTED:
        case.stage = Stage.LEGAL_STAY_ENDED
    case.stage_before_suspension = ""
    case.voluntary_departure_ends_on = None
    case.removal_planned_on = None


@implements(input=inputs.DecideAppeal)
def decide_appeal(
    user: Any, case_id: Any, *, appeal_id: int, outcome: str, decided_on: date,
    reason: str = "", expected_version: int | None = None, channel: str = "",
) -> ReturnCase:
    """Record the court's ruling: a dismissed or withdrawn appeal lets the procedure resume;
    a granted one annuls the contested decision."""

    def change(case: ReturnCase) -> dict[str, Any]:
        d.check_decision_dates(decided_on, None)
        if outcome not in APPEAL_OUTCOMES:
            raise InvalidInput.field("outcome", one_of(APPEAL_OUTCOMES))
        appeal = next(iter(bulk.select(
            case, "decisions", pk=appeal_id, kind=K.APPEAL, status=Decision.Status.PENDING
        )), None)
        if appeal is None:
            raise InvalidInput.field("appeal_id", _("not a pending appeal on this case"))
        if decided_on < appeal.decided_on:
            raise InvalidInput.field("decided_on", _("cannot be before the appeal was lodged"))
        appeal.status = Decision.Status.ENDED
        appeal.appeal_outcome = outcome
        appeal.ends_on = decided_on
        bulk.save(appeal, "status", "appeal_outcome", "ends_on")
        # The contested decision as this case's rows hold it, not a copy read on its own.
        (contested,) = bulk.select(case, "decisions", pk=appeal.contested_id)
        # A ruling on a decision that was meanwhile withdrawn or annulled changes nothing
        # else: it must not annul the decision that replaced it.
        granted = outcome == "granted" and contested.status == Decision.Status.IN_FORCE
        if granted and contested.kind == K.RETURN_DECISION:
            _annul_return_decision(case, Decision.Status.ANNULLED)
        elif granted:
            contested.status = Decision.Status.ANNULLED
            bulk.save(contested, "status")
            bulk.update(case, "timers", {"status": Timer.Status.CANCELLED},
                        decision=contested)
        d.resume_if_clear(case)
        return {"decision": d.described(appeal)}

    return perform(user, case_id, "decide_appeal", change,
                   expected_version=expected_version, reason=reason, channel=channel)


@implements(input=inputs.PostponeRemoval)
def postpone_removal(
    user: Any, case_id: Any, *, ground: str, decided_on: date, ends_on: date | None = None,
    reason: str = "", expected_version: int | None = None, channel: str = "",
) -> ReturnCase:
    """Postpone removal: mandatorily for non-refoulement or suspensive effect, optionally for
    the person's physical or mental state or technical reasons (Directive 2008/115/EC Art. 9)."""

    def change(case: ReturnCase) -> dict[str, Any]:
        d.check_decision_dates(decided_on, None)
        if ground not in POSTPONEMENT_GROUNDS:
            raise InvalidInput.field("ground", one_of(POSTPONEMENT_GROUNDS))
        require_text(reason, "reason", _("the facts behind the postponement are required"))
        if ends_on is not None and ends_on <= decided_on:
            raise InvalidInput.field("ends_on", _("must be after the decision date"))
        basis, _mandatory = POSTPONEMENT_GROUNDS[ground]
        decision = d.record(
            case, K.POSTPONEMENT, d.issuing_authority(user, case, None), decided_on=decided_on,
            postponement_ground=ground, ends_on=ends_on, legal_basis=basis, reason=reason,
        )
        if ends_on is not None:
            open_deadline(case, Timer.Kind.POSTPONEMENT_END, decided_on, ends_on,
                          decision=decision)
            open_task(case, Task.Kind.REVIEW_POSTPONEMENT, ends_on)
        d.suspend(case)
        return {"decision": d.described(decision)}

    return perform(user, case_id, "postpone_removal", change,
                   expected_version=expected_version, reason=reason, channel=channel)


@implements(input=inputs.EndPostponement)
def end_postponement(
    user: Any, case_id: Any, *, postponement_id: int, ended_on: date, reason: str = "",
    expected_version: int | None = None, channel: str = "",
) -> ReturnCase:
    """End a postponement of removal; the case resumes when nothing suspensive remains."""

    def change(case: ReturnCase) -> dict[str, Any]:
        d.check_decision_dates(ended_on, None)
        require_text(
            reason, "reason", _("why the ground for postponement no longer applies is required")
        )
        postponement = next(iter(bulk.select(
            case, "decisions", pk=postponement_id, kind=K.POSTPONEMENT,
            status=Decision.Status.IN_FORCE,
        )), None)
        if postponement is None:
            raise InvalidInput.field(
                "postponement_id", _("not a postponement in force on this case")
            )
        if ended_on < postponement.decided_on:
            raise InvalidInput.field("ended_on", _("cannot be before the postponement"))
        postponement.status = Decision.Status.ENDED
        postponement.ends_on = ended_on
        bulk.save(postponement, "status", "ends_on")
        bulk.update(case, "timers", {"status": Timer.Status.MET, "closed_on": ended_on},
                    decision=postponement, status=Timer.Status.OPEN)
        if not guards.decisions_in_force(case, K.POSTPONEMENT):
            close_tasks(case, Task.Kind.REVIEW_POSTPONEMENT)
        d.resume_if_clear(case)
        return {"decision": d.described(postponement)}

    return perform(user, case_id, "end_postponement", change,
                   expected_version=expected_version, reason=reason, channel=channel)


@implements(input=inputs.VerifyReception)
def verify_reception(
    user: Any, case_id: Any, *, decided_on: date, arrangement: str,
    expected_version: int | None = None, channel: str = "",
) -> ReturnCase:
    """Record that an unaccompanied minor will be received by a family member, a nominated
    guardian or adequate reception facilities (Directive 2008/115/EC Art. 10(2))."""

    def change(case: ReturnCase) -> dict[str, Any]:
        d.check_decision_dates(decided_on, None)
        text = require_text(
            arrangement, "arrangement", _("the reception arrangement is required")
        )
        decision = d.record(
            case, K.RECEPTION_VERIFIED, d.issuing_authority(user, case, None),
            decided_on=decided_on, reason=text, legal_basis="Directive 2008/115/EC Art. 10(2)",
        )
        return {"decision": d.described(decision)}

    return perform(user, case_id, "verify_reception", change,
                   expected_version=expected_version, reason=arrangement, channel=channel)


@implements(input=inputs.WithdrawReturnDecision)
def withdraw_return_decision(
    user: Any, case_id: Any, *, decided_on: date, reason: str,
    expected_version: int | None = None, channel: str = "",
) -> ReturnCase:
    """Withdraw the return decision (e.g. a permit is granted): the case goes back to
    'legal stay ended', from where it is closed or a new decision is taken."""

    def change(case: ReturnCase) -> dict[str, Any]:
        d.check_decision_dates(decided_on, None)
        text = require_text(reason, "reason", _("the reason for the withdrawal is required"))
        decision = d.record(
            case, K.WITHDRAWAL, d.issuing_authority(user, case, None), decided_on=decided_on,
            reason=text, legal_basis="Withdrawal of the return decision",
        )
        _annul_return_decision(case, Decision.Status.WITHDRAWN)
        return {"decision": d.described(decision)}

    return perform(user, case_id, "withdraw_return_decision", change,
                   expected_version=expected_version, reason=reason, channel=channel)
