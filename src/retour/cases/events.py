"""The event types of the case core: opening, decisions, enforcement, hand-overs, closing.

Every case event's payload may carry the case's own fields it changed (``CaseChanges``; their
earlier values are the event's ``old_values``), so each payload here and in the apps that
write to a case's log extends it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from retour import display
from retour.cases.models import Decision, Handover, Origin, Outcome
from retour.cases.stages import Stage
from retour.people.models import Sex, Vulnerability
from retour.seam.events import PERSONAL, Payload, declare
from retour.seam.history import AUTHORITY, AUTHORITY_CODE, COUNTRY, USER, Detail, Names, Shown

Blank = Literal[""]


class CaseChanges(Payload):
    """The case's own fields, as far as the event changed them."""

    stage: Annotated[Stage | None, Shown(gettext_lazy("Stage"))] = None
    stage_before_suspension: Annotated[
        Stage | Blank | None, Shown(gettext_lazy("Stage before suspension"))
    ] = None
    outcome: Annotated[Outcome | Blank | None, Shown(gettext_lazy("Outcome"))] = None
    outcome_reason: Annotated[
        str | None, Shown(gettext_lazy("Reason for the outcome")), PERSONAL
    ] = None
    responsible_authority_id: Annotated[
        int | None, Shown(gettext_lazy("Responsible authority")), AUTHORITY
    ] = None
    assigned_officer_id: Annotated[
        int | None, Shown(gettext_lazy("Assigned officer")), USER
    ] = None
    voluntary_departure_ends_on: Annotated[
        date | None, Shown(gettext_lazy("Voluntary departure ends on"))
    ] = None
    removal_planned_on: Annotated[date | None, Shown(gettext_lazy("Removal planned on"))] = None
    closed_at: Annotated[datetime | None, Shown(gettext_lazy("Closed at"))] = None


def _ban_length(years: int, months: int) -> str:
    parts = []
    if years:
        parts.append(ngettext("%(n)d year", "%(n)d years", years) % {"n": years})
    if months:
        parts.append(ngettext("%(n)d month", "%(n)d months", months) % {"n": months})
    return _("entry ban of %(length)s") % {"length": _(" and ").join(parts)}


def decision_details(values: Mapping[str, Any]) -> list[str]:
    """What distinguishes one decision of a kind from another, from the model's fields or
    from the values an event recorded (the same names)."""
    details: list[str] = []
    days = values.get("voluntary_departure_days")
    if days is not None:
        details.append(
            ngettext(
                "%(days)d day for voluntary departure", "%(days)d days for voluntary departure",
                days,
            ) % {"days": days}
            if days
            else _("no voluntary-departure period")
        )
    if values.get("shortened_departure_reason"):
        details.append(display.label(Decision.ShortenedDepartureReason,
                                     values["shortened_departure_reason"]))
    if values.get("extension_days"):
        days = values["extension_days"]
        details.append(
            ngettext("extended by %(days)d day", "extended by %(days)d days", days)
            % {"days": days}
        )
    if values.get("ban_years") or values.get("ban_months"):
        details.append(_ban_length(values.get("ban_years") or 0, values.get("ban_months") or 0))
    if values.get("suspensive") is not None:
        details.append(
            _("with suspensive effect") if values["suspensive"] else _("without suspensive effect")
        )
    if values.get("appeal_outcome"):
        details.append(
            _("outcome: %(outcome)s")
            % {"outcome": display.label(Decision.AppealOutcome, values["appeal_outcome"])}
        )
    if values.get("postponement_ground"):
        details.append(display.label(Decision.PostponementGround, values["postponement_ground"]))
    if values.get("ends_on"):
        details.append(_("until %(date)s") % {"date": display.day(values["ends_on"])})
    if values.get("reference"):
        details.append(_("reference %(reference)s") % {"reference": values["reference"]})
    return details


class DecisionValues(Detail):
    """A decision as an event records it: what was decided, by whom, on what basis."""

    id: int
    kind: Decision.Kind
    decided_on: date
    issuing_authority: Annotated[str, AUTHORITY_CODE]
    legal_basis: str
    notified_on: date | None = None
    reference: str | None = None
    voluntary_departure_days: int | None = None
    shortened_departure_reason: str | None = None
    extension_days: int | None = None
    ban_years: int | None = None
    ban_months: int | None = None
    contested: int | None = None
    suspensive: bool | None = None
    appeal_outcome: str | None = None
    postponement_ground: str | None = None
    ends_on: date | None = None
    status: Decision.Status | None = None

    @classmethod
    def shown(cls, value: Mapping[str, Any], names: Names) -> str:
        text = _("%(kind)s of %(date)s by %(authority)s") % {
            "kind": display.label(Decision.Kind, value.get("kind")),
            "date": display.day(value.get("decided_on")),
            "authority": names.of(AUTHORITY_CODE.kind, str(value.get("issuing_authority")), ""),
        }
        details = decision_details(value)
        return f"{text} ({'; '.join(details)})" if details else text


class HandoverValues(Detail):
    id: int
    to_authority: Annotated[str | None, AUTHORITY_CODE] = None
    note: Annotated[str | None, PERSONAL] = None
    status: Handover.Status | None = None

    @classmethod
    def shown(cls, value: Mapping[str, Any], names: Names) -> str:
        if "to_authority" in value:
            code = value["to_authority"]
            return _("to %(authority)s") % {"authority": names.of(AUTHORITY_CODE.kind, code)}
        return display.label(Handover.Status, value.get("status"))


class Dimensions(Payload):
    """Who the case concerns, as the statistics count it (no name, no date of birth)."""

    citizenship: Annotated[str, Shown(gettext_lazy("Citizenship")), COUNTRY, PERSONAL] = ""
    sex: Annotated[Sex | Blank, Shown(gettext_lazy("Sex")), PERSONAL] = ""
    birth_year: Annotated[int | None, Shown(gettext_lazy("Year of birth")), PERSONAL] = None
    minor: Annotated[bool, Shown(gettext_lazy("Minor")), PERSONAL] = False
    unaccompanied_minor: Annotated[
        bool, Shown(gettext_lazy("Unaccompanied minor")), PERSONAL
    ] = False


class CaseOpened(CaseChanges, Dimensions):
    member_state: Annotated[str, Shown(gettext_lazy("Member state")), COUNTRY]
    origin: Annotated[Origin, Shown(gettext_lazy("Origin"))]
    opened_on: Annotated[date, Shown(gettext_lazy("Opened on"))]
    origin_member_state: Annotated[
        str | None, Shown(gettext_lazy("Member state of the recognised decision")), COUNTRY
    ] = None


class VulnerabilityRecorded(CaseChanges, Dimensions):
    # Vulnerabilities are data about health and life (GDPR Art. 9) for several kinds.
    vulnerability: Annotated[Vulnerability.Kind, Shown(gettext_lazy("Vulnerability")), PERSONAL]


class DecisionRecorded(CaseChanges):
    decision: Annotated[DecisionValues, Shown(gettext_lazy("Decision"))]


class EndOfLegalStayRecorded(DecisionRecorded):
    return_decision_due_on: Annotated[date, Shown(gettext_lazy("Return decision due on"))]


class Departed(CaseChanges):
    departed_on: Annotated[date, Shown(gettext_lazy("Departed on"))]
    destination: Annotated[str, Shown(gettext_lazy("Destination")), COUNTRY]
    assisted: Annotated[bool, Shown(gettext_lazy("Assisted"))] = False


class Absconded(CaseChanges):
    absconded_on: Annotated[date, Shown(gettext_lazy("Absconded on"))]


class Located(CaseChanges):
    located_on: Annotated[date, Shown(gettext_lazy("Located on"))]


class HandoverStep(CaseChanges):
    handover: Annotated[HandoverValues, Shown(gettext_lazy("Hand-over"))]


# Labels are read when shown, in the reader's language.

declare("case_opened", CaseOpened, label=gettext_lazy("Case opened"))
declare("vulnerability_recorded", VulnerabilityRecorded,
        label=gettext_lazy("Vulnerability recorded"))
declare("record_end_of_legal_stay", EndOfLegalStayRecorded,
        label=gettext_lazy("Record end of legal stay"))
for _name, _label in (
    ("record_best_interests_assessment", gettext_lazy("Record best-interests assessment")),
    ("issue_return_decision", gettext_lazy("Issue return decision")),
    ("extend_voluntary_departure", gettext_lazy("Extend voluntary departure")),
    ("issue_entry_ban", gettext_lazy("Issue entry ban")),
    ("lodge_appeal", gettext_lazy("Record appeal")),
    ("decide_appeal", gettext_lazy("Record appeal outcome")),
    ("postpone_removal", gettext_lazy("Postpone removal")),
    ("end_postponement", gettext_lazy("End postponement")),
    ("verify_reception", gettext_lazy("Record verified reception (unaccompanied minor)")),
    ("withdraw_return_decision", gettext_lazy("Withdraw return decision")),
):
    declare(_name, DecisionRecorded, label=_label)
for _name, _label in (
    ("expire_voluntary_departure",
     gettext_lazy("Voluntary-departure period ended without departure")),
    ("schedule_removal", gettext_lazy("Schedule removal")),
    ("cancel_removal", gettext_lazy("Cancel scheduled removal")),
    ("assign_case", gettext_lazy("Assign officer")),
):
    declare(_name, CaseChanges, label=_label)
declare("record_removal", Departed, label=gettext_lazy("Record removal"))
declare("record_voluntary_departure", Departed, label=gettext_lazy("Record voluntary departure"))
declare("record_absconding", Absconded, label=gettext_lazy("Record absconding"))
declare("record_whereabouts_known", Located, label=gettext_lazy("Record person located"))
declare("close_case", CaseChanges, label=gettext_lazy("Close case"))
for _name, _label in (
    ("send_handover", gettext_lazy("Hand over")),
    ("accept_handover", gettext_lazy("Accept hand-over")),
    ("return_handover", gettext_lazy("Return hand-over")),
):
    declare(_name, HandoverStep, label=_label)
