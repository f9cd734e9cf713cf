"""One form per business action on a case.

Each form's fields carry the names of its action function's arguments
(``retour.cases.actions``), so the reasons an action refuses input with
(``InvalidInput.errors``) land next to the field they name. The forms check only what a form
can (a date is a date, a required note is there); the law is checked by the action.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour import clock
from retour.accounts.models import Authority, User
from retour.accounts.roles import Capability
from retour.cases import actions
from retour.cases.models import Decision, ReturnCase
from retour.reference.legal import parameter_in_force
from retour.reference.models import Country
from retour.web import labels as L
from retour.web.form_support import (
    CountryChoiceField,
    RetourForm,
    date_field,
    set_choices,
    text_field,
)

CHANNEL = "web"
_NOTE = gettext_lazy("Note for the case history")
CHOOSE = gettext_lazy("Choose…")


def note_field(label: Any = _NOTE, *, required: bool = False) -> forms.CharField:
    return text_field(label, required=required, long=True)


def _choice(label: Any, *, required: bool = True, help_text: Any = "") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=required, help_text=help_text)


def _decision_choice(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, coerce=int, empty_value=None)


def _blank(text: Any) -> list[tuple[str, Any]]:
    return [("", text)]


def _decision_label(decision: Decision) -> str:
    """A decision named in a choice list: its kind and date."""
    return _("%(kind)s of %(date)s") % {
        "kind": L.label(L.DECISION_KINDS, decision.kind).capitalize(),
        "date": date_format(decision.decided_on),
    }


class CaseActionForm(RetourForm):
    """A business action on ``case``; ``expected_version`` is the version the user saw."""

    action: ClassVar[str]
    expected_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, case: ReturnCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.prepare()

    def prepare(self) -> None:
        """Fill in what depends on the case (choices, the legal limits in force)."""

    @property
    def title(self) -> str:
        return L.label(L.ACTIONS, self.action)

    def arguments(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "expected_version"}

    def submit(self, user: User) -> ReturnCase:
        """Perform the action; raises what the action raises."""
        perform = getattr(actions, self.action)
        case: ReturnCase = perform(
            user, self.case.pk, **self.arguments(),
            expected_version=self.cleaned_data["expected_version"], channel=CHANNEL,
        )
        return case

    def authorities(self, *, but: Any = None) -> list[tuple[str, str]]:
        found = Authority.objects.filter(member_state_id=self.case.member_state_id)
        if but is not None:
            found = found.exclude(pk=but)
        return [(a.code, a.name) for a in found.order_by("name")]

    def decisions(self, *kinds: str, status: str = Decision.Status.IN_FORCE) -> list[Any]:
        found = self.case.decisions.filter(kind__in=kinds, status=status).order_by("decided_on")
        return [(d.pk, _decision_label(d)) for d in found]


class _IssuedByForm(CaseActionForm):
    """A decision that another authority of the member state may have taken."""

    def prepare(self) -> None:
        authorities = _blank(_("My own authority")) + self.authorities()
        set_choices(self.fields["issuing_authority"], authorities)


class RecordEndOfLegalStay(_IssuedByForm):
    action = "record_end_of_legal_stay"
    decided_on = date_field(gettext_lazy("Date of the decision that ended the legal stay"))
    issuing_authority = _choice(
        gettext_lazy("Authority that took the decision"), required=False,
        help_text=gettext_lazy("For example the asylum service."),
    )
    reference = text_field(gettext_lazy("Reference of the decision"), max_length=60)
    legal_basis = text_field(
        gettext_lazy("Legal basis"), max_length=200,
        help_text=gettext_lazy("Leave empty for a national decision ending legal stay."),
    )
    reason = note_field()


class RecordBestInterestsAssessment(_IssuedByForm):
    action = "record_best_interests_assessment"
    decided_on = date_field(gettext_lazy("Date of the assessment"))
    issuing_authority = _choice(
        gettext_lazy("Body that made the assessment"), required=False,
        help_text=gettext_lazy("A body other than the authority that enforces the return."),
    )
    summary = note_field(gettext_lazy("Summary of the assessment"), required=True)


class IssueReturnDecision(_IssuedByForm):
    action = "issue_return_decision"
    decided_on = date_field(gettext_lazy("Date of the return decision"))
    notified_on = date_field(
        gettext_lazy("Date the person was notified"), required=False,
        help_text=gettext_lazy(
            "Leave empty if notified the same day. The voluntary-departure period runs from "
            "this date."
        ),
    )
    voluntary_departure_days = forms.IntegerField(
        label=gettext_lazy("Period for voluntary departure (days)")
    )
    shortened_departure_reason = _choice(
        gettext_lazy("Reason for a shorter period or none"), required=False
    )
    issuing_authority = _choice(gettext_lazy("Authority that took the decision"), required=False)
    reference = text_field(gettext_lazy("Reference of the decision"), max_length=60)
    legal_basis = text_field(
        gettext_lazy("Legal basis"), max_length=200,
        help_text=gettext_lazy("Leave empty for the usual legal basis of a return decision."),
    )
    reason = note_field()

    def prepare(self) -> None:
        super().prepare()
        reasons = _blank(_("None: the full period is granted"))
        set_choices(
            self.fields["shortened_departure_reason"],
            reasons + L.choices(L.SHORTENED_DEPARTURE_REASONS),
        )
        today, member_state = clock.today(), self.case.member_state_id
        minimum = parameter_in_force("voluntary_departure.minimum", today, member_state)
        maximum = parameter_in_force("voluntary_departure.maximum", today, member_state)
        if minimum and maximum:
            self.fields["voluntary_departure_days"].help_text = _(
                "Between %(minimum)d and %(maximum)d days (%(source)s). Fewer days, or 0 for "
                "none, only for one of the reasons below."
            ) % {"minimum": minimum.value, "maximum": maximum.value, "source": maximum.source}


class ExtendVoluntaryDeparture(CaseActionForm):
    action = "extend_voluntary_departure"
    decided_on = date_field(gettext_lazy("Date of the decision"))
    extension_days = forms.IntegerField(label=gettext_lazy("Extension (days)"))
    extension_reason = _choice(gettext_lazy("Circumstances that justify the extension"))
    reason = note_field(gettext_lazy("Details"))

    def prepare(self) -> None:
        set_choices(
            self.fields["extension_reason"], _blank(CHOOSE) + L.choices(L.EXTENSION_REASONS)
        )


class IssueEntryBan(CaseActionForm):
    action = "issue_entry_ban"
    decided_on = date_field(gettext_lazy("Date of the entry ban"))
    ban_years = forms.IntegerField(label=gettext_lazy("Length: years"), initial=0)
    ban_months = forms.IntegerField(label=gettext_lazy("Length: months"), initial=0)
    serious_threat = forms.BooleanField(
        label=gettext_lazy(
            "The person is a serious threat to public policy, public security or national "
            "security"
        ),
        required=False,
    )
    reason = note_field(gettext_lazy("Reason"))

    def prepare(self) -> None:
        maximum = parameter_in_force(
            "entry_ban.maximum", clock.today(), self.case.member_state_id
        )
        if maximum:
            self.fields["ban_years"].help_text = _(
                "At most %(years)d years (%(source)s), longer only for a serious threat."
            ) % {"years": maximum.value, "source": maximum.source}


class LodgeAppeal(CaseActionForm):
    action = "lodge_appeal"
    contested_decision_id = _decision_choice(gettext_lazy("Contested decision"))
    lodged_on = date_field(gettext_lazy("Date the appeal was lodged"))
    suspensive = forms.BooleanField(
        label=gettext_lazy("The appeal suspends the return (suspensive effect)"), required=False
    )
    reason = note_field()

    def prepare(self) -> None:
        contestable = self.decisions(Decision.Kind.RETURN_DECISION, Decision.Kind.ENTRY_BAN)
        set_choices(self.fields["contested_decision_id"], contestable)


class DecideAppeal(CaseActionForm):
    action = "decide_appeal"
    appeal_id = _decision_choice(gettext_lazy("Appeal"))
    outcome = _choice(gettext_lazy("Outcome"))
    decided_on = date_field(gettext_lazy("Date of the ruling"))
    reason = note_field()

    def prepare(self) -> None:
        pending = self.decisions(Decision.Kind.APPEAL, status=Decision.Status.PENDING)
        set_choices(self.fields["appeal_id"], pending)
        set_choices(self.fields["outcome"], _blank(CHOOSE) + L.choices(L.APPEAL_OUTCOMES))


class PostponeRemoval(CaseActionForm):
    action = "postpone_removal"
    ground = _choice(gettext_lazy("Ground for postponement"))
    decided_on = date_field(gettext_lazy("Date of the decision"))
    ends_on = date_field(
        gettext_lazy("Postponed until"), required=False,
        help_text=gettext_lazy("Leave empty if the end is not known yet."),
    )
    reason = note_field(gettext_lazy("Facts behind the postponement"), required=True)

    def prepare(self) -> None:
        set_choices(self.fields["ground"], _blank(CHOOSE) + L.choices(L.POSTPONEMENT_GROUNDS))


class EndPostponement(CaseActionForm):
    action = "end_postponement"
    postponement_id = _decision_choice(gettext_lazy("Postponement"))
    ended_on = date_field(gettext_lazy("Ended on"))
    reason = note_field(gettext_lazy("Why the ground no longer applies"), required=True)

    def prepare(self) -> None:
        set_choices(self.fields["postponement_id"], self.decisions(Decision.Kind.POSTPONEMENT))


class VerifyReception(CaseActionForm):
    action = "verify_reception"
    decided_on = date_field(gettext_lazy("Date of the verification"))
    arrangement = note_field(
        gettext_lazy("Who receives the child in the country of return"), required=True
    )


class WithdrawReturnDecision(CaseActionForm):
    action = "withdraw_return_decision"
    decided_on = date_field(gettext_lazy("Date of the withdrawal"))
    reason = note_field(gettext_lazy("Reason for the withdrawal"), required=True)


class _DepartureForm(CaseActionForm):
    departed_on = date_field(gettext_lazy("Date of departure"))
    destination = CountryChoiceField(label=gettext_lazy("Country of destination"))
    assisted = forms.BooleanField(
        label=gettext_lazy("Assisted (return and reintegration support)"), required=False
    )
    reason = note_field()

    def prepare(self) -> None:
        countries = Country.objects.exclude(code=self.case.member_state_id)
        by_name = sorted(((c.code, L.country_name(c)) for c in countries), key=lambda c: c[1])
        set_choices(self.fields["destination"], _blank(CHOOSE) + by_name)


class RecordVoluntaryDeparture(_DepartureForm):
    action = "record_voluntary_departure"


class RecordRemoval(_DepartureForm):
    action = "record_removal"


class ScheduleRemoval(CaseActionForm):
    action = "schedule_removal"
    planned_on = date_field(gettext_lazy("Planned date of removal"))
    reason = note_field()


class CancelRemoval(CaseActionForm):
    action = "cancel_removal"
    reason = note_field(gettext_lazy("Why the removal is called off"), required=True)


class RecordAbsconding(CaseActionForm):
    action = "record_absconding"
    absconded_on = date_field(gettext_lazy("Whereabouts unknown since"))
    reason = note_field()


class RecordWhereaboutsKnown(CaseActionForm):
    action = "record_whereabouts_known"
    located_on = date_field(gettext_lazy("Located on"))
    reason = note_field()


class CloseCase(CaseActionForm):
    action = "close_case"
    outcome = _choice(gettext_lazy("Outcome"))
    reason = note_field(gettext_lazy("Reason"))

    def prepare(self) -> None:
        set_choices(self.fields["outcome"], _blank(CHOOSE) + L.choices(L.OUTCOMES))


class SendHandover(CaseActionForm):
    action = "send_handover"
    to_authority = _choice(gettext_lazy("Hand over to"))
    note = note_field(gettext_lazy("Note for the receiving authority"), required=True)

    def prepare(self) -> None:
        others = self.authorities(but=self.case.responsible_authority_id)
        set_choices(self.fields["to_authority"], _blank(CHOOSE) + others)


class AcceptHandover(CaseActionForm):
    action = "accept_handover"
    reason = note_field()


class ReturnHandover(CaseActionForm):
    action = "return_handover"
    reason = note_field(gettext_lazy("Why you return the hand-over"), required=True)


class AssignCase(CaseActionForm):
    action = "assign_case"
    officer_username = _choice(gettext_lazy("Officer"), required=False)
    reason = note_field()

    def prepare(self) -> None:
        officers = User.objects.filter(
            authority_id=self.case.responsible_authority_id, is_active=True
        ).order_by("last_name", "first_name")
        names = [
            (u.username, u.get_full_name() or u.username)
            for u in officers
            if u.can(Capability.VIEW_PERSONAL_DATA)
        ]
        set_choices(self.fields["officer_username"], _blank(_("Nobody (unassign)")) + names)


class RecordNonCooperation(CaseActionForm):
    action = "record_non_cooperation"
    kind = _choice(gettext_lazy("What happened"))
    occurred_on = date_field(gettext_lazy("Date it happened"))
    evidence = text_field(
        gettext_lazy("Evidence"), required=True, long=True,
        help_text=gettext_lazy("What shows it: a report, a witness statement, a document."),
    )
    consequence = _choice(gettext_lazy("Consequence"))
    reason = note_field()

    def prepare(self) -> None:
        set_choices(self.fields["kind"], _blank(CHOOSE) + L.choices(L.NON_COOPERATION_KINDS))
        set_choices(self.fields["consequence"],
                    _blank(CHOOSE) + L.choices(L.NON_COOPERATION_CONSEQUENCES))


class OrderDetention(CaseActionForm):
    action = "order_detention"
    ordered_on = date_field(gettext_lazy("Detained from"))
    ground = _choice(gettext_lazy("Ground"))
    facility = text_field(gettext_lazy("Detention facility"), required=True, max_length=200)
    ordering_authority = _choice(gettext_lazy("Authority that ordered it"), required=False)
    reason = text_field(_NOTE, long=True, help_text=gettext_lazy(
        "Required for a minor: why detention is the last resort "
        "(Directive 2008/115/EC Art. 17(1))."
    ))

    def prepare(self) -> None:
        set_choices(self.fields["ground"], _blank(CHOOSE) + L.choices(L.DETENTION_GROUNDS))
        set_choices(self.fields["ordering_authority"],
                    _blank(_("My own authority")) + self.authorities())


class EndDetention(CaseActionForm):
    action = "end_detention"
    ended_on = date_field(gettext_lazy("Released or removed on"))
    reason = _choice(gettext_lazy("Why detention ended"))
    note = note_field()

    def prepare(self) -> None:
        set_choices(self.fields["reason"], _blank(CHOOSE) + L.choices(L.DETENTION_END_REASONS))


class ReferToReintegration(CaseActionForm):
    action = "refer_to_reintegration"
    referred_on = date_field(gettext_lazy("Date of the referral"))
    programme = text_field(
        gettext_lazy("Programme"), required=True, max_length=200,
        help_text=gettext_lazy("For example Frontex JRS or the national AVRR programme."),
    )
    reason = note_field()


class RecordReintegrationOutcome(CaseActionForm):
    action = "record_reintegration_outcome"
    outcome = _choice(gettext_lazy("Outcome"))
    outcome_on = date_field(gettext_lazy("Date of the outcome"))
    note = note_field()

    def prepare(self) -> None:
        set_choices(self.fields["outcome"],
                    _blank(CHOOSE) + L.choices(L.REINTEGRATION_OUTCOMES))


FORMS: dict[str, type[CaseActionForm]] = {
    form.action: form
    for form in (
        RecordEndOfLegalStay, RecordBestInterestsAssessment, IssueReturnDecision,
        ExtendVoluntaryDeparture, IssueEntryBan, LodgeAppeal, DecideAppeal, PostponeRemoval,
        EndPostponement, VerifyReception, WithdrawReturnDecision, RecordVoluntaryDeparture,
        RecordRemoval, ScheduleRemoval, CancelRemoval, RecordAbsconding,
        RecordWhereaboutsKnown, CloseCase, SendHandover, AcceptHandover, ReturnHandover,
        AssignCase, RecordNonCooperation, OrderDetention, EndDetention, ReferToReintegration,
        RecordReintegrationOutcome,
    )
}
