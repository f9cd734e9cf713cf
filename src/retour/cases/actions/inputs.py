"""What a person gives for each business action on a case: one schema per action, from which
the API's request body and the page's form are both made. Each field says how a form asks
for it (``asked``); the choices and help that depend on the case are the functions below.
Fields are listed in the order the form asks for them; the law is checked by the action.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour import clock, display
from retour.accounts.models import Authority, User
from retour.accounts.roles import Capability
from retour.cases.models import Decision, Outcome, ReturnCase
from retour.reference.legal import parameter_in_force
from retour.reference.models import Country
from retour.seam.inputs import Codes, CountryCode, Input, RowId, SmallNumber, Text, asked

NOTE = gettext_lazy("Note for the case history")
CHOOSE = gettext_lazy("Choose…")
OWN_AUTHORITY = gettext_lazy("My own authority")


def note(label: Any = NOTE, *, required: bool = False) -> Any:
    """The note an action keeps in the case history: optional, or required where the law
    or the work needs the reason written down."""
    if required:
        return asked(label, long=True, min_length=1)
    return asked(label, default="", long=True)


def authorities(case: ReturnCase) -> list[tuple[str, str]]:
    """The authorities of the case's member state, by name."""
    found = Authority.objects.filter(member_state_id=case.member_state_id).order_by("name")
    return [(a.code, a.name) for a in found]


def other_authorities(case: ReturnCase) -> list[tuple[str, str]]:
    """Those of the case's member state but the one responsible for it."""
    return [(code, name) for code, name in authorities(case)
            if code != case.responsible_authority.code]


def _decision_label(decision: Decision) -> str:
    """A decision named in a choice list: its kind and date."""
    return _("%(kind)s of %(date)s") % {
        "kind": display.label(Decision.Kind, decision.kind).capitalize(),
        "date": date_format(decision.decided_on),
    }


def decisions(*kinds: str, status: str = Decision.Status.IN_FORCE) -> Any:
    """The case's decisions of ``kinds`` in ``status``, oldest first, as choices."""

    def of(case: ReturnCase) -> list[tuple[int, str]]:
        found = case.decisions.filter(kind__in=kinds, status=status).order_by("decided_on")
        return [(d.pk, _decision_label(d)) for d in found]

    return of


def destinations(case: ReturnCase) -> list[tuple[str, str]]:
    """Every country but the member state the person leaves, by name in the page's
    language."""
    countries = Country.objects.exclude(code=case.member_state_id)
    return sorted(((c.code, display.country_name(c)) for c in countries), key=lambda c: c[1])


def officers(case: ReturnCase) -> list[tuple[str, str]]:
    """The active officers of the responsible authority who may see the case."""
    found = User.objects.filter(
        authority_id=case.responsible_authority_id, is_active=True
    ).order_by("last_name", "first_name")
    return [(u.username, display.user_name(u)) for u in found
            if u.can(Capability.VIEW_PERSONAL_DATA)]


def _voluntary_departure_limits(case: ReturnCase) -> str:
    today, member_state = clock.today(), case.member_state_id
    minimum = parameter_in_force("voluntary_departure.minimum", today, member_state)
    maximum = parameter_in_force("voluntary_departure.maximum", today, member_state)
    if not (minimum and maximum):
        return ""
    return _(
        "Between %(minimum)d and %(maximum)d days (%(source)s). Fewer days, or 0 for "
        "none, only for one of the reasons below."
    ) % {"minimum": minimum.value, "maximum": maximum.value, "source": maximum.source}


def _entry_ban_limit(case: ReturnCase) -> str:
    maximum = parameter_in_force("entry_ban.maximum", clock.today(), case.member_state_id)
    if not maximum:
        return ""
    return _("At most %(years)d years (%(source)s), longer only for a serious threat.") % {
        "years": maximum.value, "source": maximum.source,
    }


def issuing_authority(label: Any, help: Any = "") -> Any:
    """Another authority of the member state that took the decision; empty: the user's."""
    return asked(label, default=None, help=help, choices=authorities, blank=OWN_AUTHORITY,
                 max_length=40)


def _reference() -> Any:
    return asked(gettext_lazy("Reference of the decision"), default="", max_length=60)


class RecordEndOfLegalStay(Input):
    decided_on: date = asked(gettext_lazy("Date of the decision that ended the legal stay"))
    issuing_authority: Text | None = issuing_authority(
        gettext_lazy("Authority that took the decision"),
        gettext_lazy("For example the asylum service."),
    )
    reference: Text = _reference()
    legal_basis: Text = asked(
        gettext_lazy("Legal basis"), default="", max_length=200,
        help=gettext_lazy("Leave empty for a national decision ending legal stay."),
    )
    reason: Text = note()


class RecordBestInterestsAssessment(Input):
    decided_on: date = asked(gettext_lazy("Date of the assessment"))
    issuing_authority: Text | None = issuing_authority(
        gettext_lazy("Body that made the assessment"),
        gettext_lazy("A body other than the authority that enforces the return."),
    )
    summary: Text = note(gettext_lazy("Summary of the assessment"), required=True)


class IssueReturnDecision(Input):
    decided_on: date = asked(gettext_lazy("Date of the return decision"))
    notified_on: date | None = asked(
        gettext_lazy("Date the person was notified"), default=None,
        help=gettext_lazy(
            "Leave empty if notified the same day. The voluntary-departure period runs from "
            "this date."
        ),
    )
    voluntary_departure_days: SmallNumber = asked(
        gettext_lazy("Period for voluntary departure (days)"), help=_voluntary_departure_limits,
    )
    shortened_departure_reason: Annotated[
        str, Codes(Decision.ShortenedDepartureReason, empty=True)
    ] = asked(
        gettext_lazy("Reason for a shorter period or none"), default="",
        blank=gettext_lazy("None: the full period is granted"),
    )
    issuing_authority: Text | None = issuing_authority(
        gettext_lazy("Authority that took the decision")
    )
    reference: Text = _reference()
    legal_basis: Text = asked(
        gettext_lazy("Legal basis"), default="", max_length=200,
        help=gettext_lazy("Leave empty for the usual legal basis of a return decision."),
    )
    reason: Text = note()


class ExtendVoluntaryDeparture(Input):
    decided_on: date = asked(gettext_lazy("Date of the decision"))
    extension_days: SmallNumber = asked(gettext_lazy("Extension (days)"))
    extension_reason: Decision.ExtensionReason = asked(
        gettext_lazy("Circumstances that justify the extension")
    )
    reason: Text = note(gettext_lazy("Details"))


class IssueEntryBan(Input):
    decided_on: date = asked(gettext_lazy("Date of the entry ban"))
    ban_years: SmallNumber = asked(gettext_lazy("Length: years"), default=0,
                                   help=_entry_ban_limit)
    ban_months: SmallNumber = asked(gettext_lazy("Length: months"), default=0)
    serious_threat: bool = asked(gettext_lazy(
        "The person is a serious threat to public policy, public security or national "
        "security"
    ), default=False)
    reason: Text = note(gettext_lazy("Reason"))


class LodgeAppeal(Input):
    contested_decision_id: RowId = asked(
        gettext_lazy("Contested decision"),
        choices=decisions(Decision.Kind.RETURN_DECISION, Decision.Kind.ENTRY_BAN),
    )
    lodged_on: date = asked(gettext_lazy("Date the appeal was lodged"))
    suspensive: bool = asked(gettext_lazy("The appeal suspends the return (suspensive effect)"))
    reason: Text = note()


class DecideAppeal(Input):
    appeal_id: RowId = asked(
        gettext_lazy("Appeal"),
        choices=decisions(Decision.Kind.APPEAL, status=Decision.Status.PENDING),
    )
    outcome: Decision.AppealOutcome = asked(gettext_lazy("Outcome"))
    decided_on: date = asked(gettext_lazy("Date of the ruling"))
    reason: Text = note()


class PostponeRemoval(Input):
    ground: Decision.PostponementGround = asked(gettext_lazy("Ground for postponement"))
    decided_on: date = asked(gettext_lazy("Date of the decision"))
    ends_on: date | None = asked(
        gettext_lazy("Postponed until"), default=None,
        help=gettext_lazy("Leave empty if the end is not known yet."),
    )
    reason: Text = note(gettext_lazy("Facts behind the postponement"), required=True)


class EndPostponement(Input):
    postponement_id: RowId = asked(
        gettext_lazy("Postponement"), choices=decisions(Decision.Kind.POSTPONEMENT),
    )
    ended_on: date = asked(gettext_lazy("Ended on"))
    reason: Text = note(gettext_lazy("Why the ground no longer applies"), required=True)


class VerifyReception(Input):
    decided_on: date = asked(gettext_lazy("Date of the verification"))
    arrangement: Text = note(
        gettext_lazy("Who receives the child in the country of return"), required=True
    )


class WithdrawReturnDecision(Input):
    decided_on: date = asked(gettext_lazy("Date of the withdrawal"))
    reason: Text = note(gettext_lazy("Reason for the withdrawal"), required=True)


class Departure(Input):
    departed_on: date = asked(gettext_lazy("Date of departure"))
    destination: CountryCode = asked(
        gettext_lazy("Country of destination"), choices=destinations, blank=CHOOSE,
    )
    assisted: bool = asked(
        gettext_lazy("Assisted (support to return and to start again at home)"), default=False
    )
    reason: Text = note()


class ScheduleRemoval(Input):
    planned_on: date = asked(gettext_lazy("Planned date of removal"))
    reason: Text = note()


class CancelRemoval(Input):
    reason: Text = note(gettext_lazy("Why the removal is called off"), required=True)


class RecordAbsconding(Input):
    absconded_on: date = asked(gettext_lazy("Whereabouts unknown since"))
    reason: Text = note()


class RecordWhereaboutsKnown(Input):
    located_on: date = asked(gettext_lazy("Located on"))
    reason: Text = note()


class CloseCase(Input):
    outcome: Outcome = asked(gettext_lazy("Outcome"))
    reason: Text = note(gettext_lazy("Reason"))


class SendHandover(Input):
    to_authority: Text = asked(
        gettext_lazy("Hand over to"), choices=other_authorities, blank=CHOOSE, max_length=40,
    )
    note: Text = note(gettext_lazy("Note for the receiving authority"), required=True)


class AcceptHandover(Input):
    reason: Text = note()


class ReturnHandover(Input):
    reason: Text = note(gettext_lazy("Why you return the hand-over"), required=True)


class AssignCase(Input):
    # Required in a request (null unassigns), optional in the form (its empty choice).
    officer_username: Text | None = asked(
        gettext_lazy("Officer"), choices=officers, blank=gettext_lazy("Nobody (unassign)"),
        max_length=150,
    )
    reason: Text = note()
