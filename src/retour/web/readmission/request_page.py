"""What the readmission pages show: a request as a row of the list, the rules of its
instrument version with their verification, its due dates and evidence; the case page's
section of readmission requests.

A rule whose value no one has checked against the instrument's text is marked as such
wherever it is shown (``retour.readmission.rules``: verified, secondary source, unverified).
A request's due dates are its timers (``retour.readmission.timers``); the one that comes next
in its status is shown with how it reads today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, Choices, F, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from retour import clock, display
from retour.accounts.roles import Capability
from retour.cases import timers
from retour.cases.models import ReturnCase, Timer
from retour.identification.dossier import CountsAs
from retour.identification.models import IdentityDocument, IdentityEvidence
from retour.people.display import display_name
from retour.people.models import Nationality
from retour.readmission import timers as request_timers
from retour.readmission.models import ReadmissionRequest, ReadmissionTimer
from retour.readmission.procedure import DRAFT, OPEN_STATUSES
from retour.readmission.rules import FLAGS, LISTS, PERIODS, RuleName, Rules
from retour.reference.models import LegalParameter
from retour.reference.periods import Start
from retour.web.cases.case_page import Due, refusal_for, timer_due
from retour.web.readmission.forms_requests import DraftRequestForm

S = ReadmissionRequest.Status
# The due dates the request page lists, in this order (the travel document's validity is
# shown with the document).
_DUE_DATES = (ReadmissionTimer.REPLY, ReadmissionTimer.TRAVEL_DOCUMENT, ReadmissionTimer.TRANSFER)
_LIST_KINDS: dict[str, type[Choices]] = {
    "proof_of_nationality": IdentityDocument.Kind,
    "prima_facie_documents": IdentityDocument.Kind,
    "prima_facie_evidence": IdentityEvidence.Kind,
}
_UNITS = {
    "calendar_days": lambda n: ngettext("%(n)d calendar day", "%(n)d calendar days", n),
    "working_days": lambda n: ngettext("%(n)d working day", "%(n)d working days", n),
    "months": lambda n: ngettext("%(n)d month", "%(n)d months", n),
}


@dataclass(frozen=True)
class RequestRow:
    url: str
    reference: str
    name: str
    country: str
    status: str
    procedure: str
    due_on: date | None
    due: Due | None
    unverified: str  # how far the rule behind the due date is from verified, or ""
    instrument: str


@dataclass(frozen=True)
class RuleRow:
    name: str
    value: str
    source: str
    verification: str  # the code: the page marks what is not verified
    verification_words: str


@dataclass(frozen=True)
class DueRow:
    what: str
    due_on: date
    due: Due | None  # only for the date that comes next
    unverified: str


def instrument_text(request: ReadmissionRequest) -> str:
    instrument = request.instrument
    if instrument is None:
        return _("no instrument")
    return _("%(title)s, version %(version)d") % {
        "title": instrument.title,
        "version": instrument.version,
    }


def unverified_rule(request: ReadmissionRequest, timer: Timer) -> str:
    """The verification of the rule a due date was counted by (its timer's rule of the
    request's instrument), in words, when it is not verified against the legal text; "" when
    it is (or no rule set the date)."""
    rule = Rules.of(request.instrument).get(timer.rule) if timer.rule else None
    if rule is None or rule.verified:
        return ""
    return display.label(LegalParameter.Verification, rule.verification)


def overdue_first(
    requests: QuerySet[ReadmissionRequest], today: date
) -> QuerySet[ReadmissionRequest]:
    """Overdue first, then by the date that comes next; then open requests without a due
    date (drafts, or no rule for it), then closed ones; newest first within each."""
    return (
        request_timers.with_next_due(requests)
        .annotate(
            overdue=Case(
                When(next_due__lt=today, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .annotate(
            closed=Case(
                When(status__in=OPEN_STATUSES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("overdue", F("next_due").asc(nulls_last=True), "closed", "-created_at")
    )


def request_row(
    request: ReadmissionRequest, today: date, kept: dict[str, Timer]
) -> RequestRow:
    """A row of the list; ``kept``: the request's timers by kind (``of_requests``)."""
    awaited = request_timers.awaited(request, kept)
    return RequestRow(
        url=reverse("readmission-request", args=[request.pk]),
        reference=request.reference,
        name=display_name(request.case.person.names.all()),
        country=display.country_name(request.third_country),
        status=display.label(ReadmissionRequest.Status, request.status),
        procedure=display.label(ReadmissionRequest.Procedure, request.procedure),
        due_on=awaited.due_on if awaited else None,
        due=timer_due(awaited, today) if awaited else None,
        unverified=unverified_rule(request, awaited) if awaited else "",
        instrument=instrument_text(request),
    )


def _rule_value(name: str, value: Any, unit: str) -> str:
    if name in PERIODS:
        return _UNITS[unit](value) % {"n": value} if unit in _UNITS else str(value)
    if name in FLAGS:
        return _("yes") if value else _("no")
    if name in LISTS:
        return ", ".join(display.label(_LIST_KINDS[name], kind) for kind in value)
    if name == "channel":
        return display.label(ReadmissionRequest.Channel, value)
    return display.label(Start, value)


def rule_rows(request: ReadmissionRequest) -> list[RuleRow]:
    """The rules of the request's instrument version, in the order the page names them."""
    rules = Rules.of(request.instrument)
    rows = []
    for name in RuleName.values:
        rule = rules.get(name)
        if rule is not None:
            rows.append(
                RuleRow(
                    name=display.label(RuleName, name),
                    value=_rule_value(name, rule.value, rule.unit),
                    source=rule.source,
                    verification=rule.verification,
                    verification_words=display.label(
                        LegalParameter.Verification, rule.verification
                    ),
                )
            )
    return rows


def due_rows(request: ReadmissionRequest, today: date) -> list[DueRow]:
    """The request's due dates, open or closed; the one that comes next reads as of today."""
    kept = request_timers.of_requests([request])[request.pk]
    awaited = request_timers.awaited(request, kept)
    return [
        DueRow(
            timers.label(kind),
            timer.due_on,
            timer_due(timer, today) if timer is awaited else None,
            unverified_rule(request, timer),
        )
        for kind in _DUE_DATES
        if (timer := kept.get(kind)) is not None
    ]


def evidence_rows(request: ReadmissionRequest) -> list[tuple[str, str]]:
    return [
        (
            display.label(
                IdentityDocument.Kind if item["source"] == "document" else IdentityEvidence.Kind,
                item["kind"],
            ),
            display.label(CountsAs, item["counts_as"]),
        )
        for item in request.evidence
    ]


def proposed_country(case: ReturnCase) -> str | None:
    """The country to propose: a confirmed nationality before a claimed one (from the
    nationalities fetched with the person, if they were)."""
    found = min(
        case.person.nationalities.all(),
        key=lambda n: (n.status != Nationality.Status.CONFIRMED, n.country_id),
        default=None,
    )
    return found.country_id if found else None


def draft_refusal(user: Any, case: ReturnCase) -> str | None:
    """Why ``user`` cannot draft a request on ``case`` now (a request needs a return
    decision in force), or None."""
    return refusal_for(user, case, DRAFT.case_step, None)


def case_readmission(user: Any, case: ReturnCase) -> dict[str, Any]:
    """The case page's section: the case's requests, and the form to draft one where this
    user may draft one now (or why not)."""
    today = clock.today()
    requests = list(overdue_first(
        ReadmissionRequest.objects.visible_to(user)
        .filter(case=case)
        .select_related("third_country", "instrument"),
        today,
    ))
    for found in requests:
        found.case = case  # the page's, with its person's names
    kept = request_timers.of_requests(requests)
    why_not = draft_refusal(user, case)
    form = None
    if why_not is None:
        form = DraftRequestForm(initial={"third_country": proposed_country(case)}, subject=case)
    return {
        "readmission_rows": [request_row(r, today, kept[r.pk]) for r in requests],
        "readmission_form": form,
        "readmission_refused": why_not if user.can(Capability.IDENTIFY) else None,
    }
