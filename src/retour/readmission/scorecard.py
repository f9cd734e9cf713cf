"""The cooperation scorecard of third countries (BRIEF M1, M5): how each country answered the
readmission requests, issued travel documents and identified persons at interviews, with the
indicators the Commission assesses under Visa Code Art. 25a(2) (Regulation (EC) 810/2009 as
revised in 2019; domain facts §10):

- (a) the return decisions issued to nationals of the country;
- (b) the forced returns of its nationals, as a percentage of those return decisions;
- (c) the readmission requests it accepted, per member state, as a percentage of the requests
  submitted to it;
- (d) practical cooperation: identification (interviews and their outcomes), timely replies,
  timely issuance of travel documents.

Which date places a figure in the period (first and last day included):

- a readmission request: the day it was submitted (``submitted_on``). Its outcome is the one
  known today, so the figures of a past quarter can still change while its requests are
  pending;
- a travel document: the day it was issued;
- an interview: the first day of the consular interview or identification mission the person
  was presented to (cancelled missions do not count); the outcome is the one known today;
- a return decision: its date on the case (``CaseMilestones.return_decision_on``), counted for
  the country of the person's citizenship;
- a forced return: the day of departure of a removal (``return_type`` "enforced"), counted for
  the country of the person's citizenship like the return decisions it is compared with.

The scope is one member state (national users) or all of them (the EU coordinator). The
figures are counts only; the cases behind a figure are given by ``cases_behind`` for one
member state, for the users allowed to see that member state's persons.

The figures of all member states leave each member state, so they are published as the
statistics are (``statistics.suppression``, threshold ``RETOUR_SUPPRESSION_THRESHOLD``): a
count below the threshold is withheld, and so is every count, per member state or for all of
them, from which a withheld one could be worked out; a median or percentile is withheld when
taken over fewer cases than the threshold, a share when its numerator or denominator is.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import DateField, Exists, QuerySet, Subquery
from django.utils.translation import gettext as _

from retour import clock
from retour.cases import timers
from retour.cases.models import CaseEvent, CaseMilestones, Timer
from retour.errors import InvalidInput
from retour.identification.models import IdentificationMission, MissionPresentation
from retour.readmission.models import SUBJECT, ReadmissionRequest, ReadmissionTimer
from retour.readmission.procedure import AWAITING_REPLY
from retour.reference.models import Country
from retour.statistics.suppression import Sum, threshold, withheld

S = ReadmissionRequest.Status
_QUARTER = re.compile(r"([0-9]{4})-?Q([1-4])", re.IGNORECASE)
_OUTCOMES = MissionPresentation.Outcome

# The counts, each with the cases behind it, in the order the pages and the CSV show them.
COUNTS = (
    "submitted",
    "accepted",
    "tacitly_accepted",
    "rejected",
    "pending",
    "withdrawn",
    "replies_owed",
    "answered_in_time",
    "documents_issued",
    "interviews",
    "identified",
    "not_identified",
    "needs_more_evidence",
    "did_not_appear",
    "awaiting_outcome",
    "return_decisions",
    "forced_returns",
)
# Counts that add up within one member state's figures. Explicit acceptances and late replies
# are never shown, but can be worked out from those that are.
_SUMS = (
    ("submitted", ("accepted", "rejected", "pending", "withdrawn")),
    (
        "interviews",
        (
            "identified",
            "not_identified",
            "needs_more_evidence",
            "did_not_appear",
            "awaiting_outcome",
        ),
    ),
    ("accepted", ("tacitly_accepted", "explicitly_accepted")),
    ("replies_owed", ("answered_in_time", "answered_late")),
)
_UNSHOWN = {
    "explicitly_accepted": ("accepted", "tacitly_accepted"),
    "answered_late": ("replies_owed", "answered_in_time"),
}
# The shares: numerator and denominator.
_SHARES = {
    "acceptance_rate": ("accepted", "submitted"),
    "in_time_share": ("answered_in_time", "replies_owed"),
    "forced_return_share": ("forced_returns", "return_decisions"),
}
_ALL = ""  # the key of the figures of all member states
_PRESENTATION_COUNTS = {
    _OUTCOMES.IDENTIFIED: "identified",
    _OUTCOMES.NOT_IDENTIFIED: "not_identified",
    _OUTCOMES.NEEDS_MORE_EVIDENCE: "needs_more_evidence",
    _OUTCOMES.DID_NOT_APPEAR: "did_not_appear",
    _OUTCOMES.PENDING: "awaiting_outcome",
}


@dataclass(frozen=True)
class Period:
    """The days from ``first`` to ``last``, both included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise InvalidInput.field("to", _("must not be before the first day"))

    @classmethod
    def quarter(cls, year: int, number: int) -> Period:
        first = date(year, 3 * number - 2, 1)
        following = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
        return cls(first, following - timedelta(days=1))

    @classmethod
    def parse(cls, text: str) -> Period:
        """A quarter written ``2026Q1`` (or ``2026-Q1``)."""
        match = _QUARTER.fullmatch(text.strip())
        if match is None:
            raise InvalidInput.field("period", _("write a quarter as 2026Q1"))
        return cls.quarter(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day: date) -> Period:
        """The quarter ``day`` falls in."""
        return cls.quarter(day.year, (day.month - 1) // 3 + 1)

    @property
    def code(self) -> str:
        """``2026Q1`` for a calendar quarter, else ``2026-01-01..2026-02-15``."""
        if Period.of(self.first) == self:
            return f"{self.first.year}Q{(self.first.month - 1) // 3 + 1}"
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    def previous(self) -> Period:
        """The quarter before the one this period starts in."""
        return Period.of(Period.of(self.first).first - timedelta(days=1))


@dataclass(frozen=True)
class Item:
    """A case behind a figure: the request reference (or the case number) and the date that
    placed it in the period. ``case_id`` is None for a presentation made without a case."""

    case_id: Any
    reference: str
    on: date | None


@dataclass
class _Tally:
    items: dict[str, list[Item]] = field(default_factory=lambda: defaultdict(list))
    reply_days: list[int] = field(default_factory=list)
    issuance_days: list[int] = field(default_factory=list)

    def add(self, other: _Tally) -> None:
        for name, items in other.items.items():
            self.items[name].extend(items)
        self.reply_days.extend(other.reply_days)
        self.issuance_days.extend(other.issuance_days)


@dataclass(frozen=True)
class Figures:
    """The scorecard of one third country for one member state or for the whole scope.

    - ``submitted``: requests submitted in the period; each is ``accepted`` (explicitly or
      tacitly, ``tacitly_accepted`` of them tacitly), ``rejected``, ``pending`` (no reply yet,
      including a request to interview the person first) or ``withdrawn`` before a reply.
    - ``acceptance_rate``: accepted / submitted (Art. 25a(2)(c)).
    - ``reply_days_median``, ``reply_days_p90``: days from submission to an explicit reply
      (acceptance or rejection); a tacit acceptance is no reply and is left out. The 90th
      percentile is the nearest-rank one (the smallest value at least 90% of replies reach).
    - ``replies_owed``: requests whose reply limit was known and has either passed or been
      met by a reply (explicit or tacit); ``answered_in_time`` of them were replied to
      explicitly on or before the limit; ``in_time_share`` is their share.
    - ``documents_issued``: travel documents issued in the period; ``issuance_days_median``:
      days from the request for the document (or, without one, from the acceptance).
    - ``interviews``: persons presented to the country's interviews and missions, with the
      outcomes ``identified``, ``not_identified``, ``needs_more_evidence``,
      ``did_not_appear`` and ``awaiting_outcome``.
    - ``return_decisions`` (Art. 25a(2)(a)), ``forced_returns`` and ``forced_return_share``
      (forced returns / return decisions, Art. 25a(2)(b)).

    A share is None when there is nothing to divide by. ``withheld`` names the figures (counts,
    medians, shares) withheld as small or revealing a small one; each of them is None.
    """

    counts: dict[str, int | None]
    reply_days_median: float | None
    reply_days_p90: int | None
    issuance_days_median: float | None
    withheld: frozenset[str] = frozenset()

    @classmethod
    def of(cls, tally: _Tally, hidden: Iterable[str] = (), fewest: int = 1) -> Figures:
        """The figures of ``tally`` without the counts ``hidden``, and without the medians
        and shares taken over fewer than ``fewest`` cases or over a hidden count."""
        gone = set(hidden)
        if 0 < len(tally.reply_days) < fewest:
            gone |= {"reply_days_median", "reply_days_p90"}
        if 0 < len(tally.issuance_days) < fewest:
            gone.add("issuance_days_median")
        gone |= {share for share, parts in _SHARES.items() if gone.intersection(parts)}
        return cls(
            counts={
                name: None if name in gone else len(tally.items.get(name, ())) for name in COUNTS
            },
            reply_days_median=None if "reply_days_median" in gone else _median(tally.reply_days),
            reply_days_p90=None
            if "reply_days_p90" in gone
            else _nearest_rank(tally.reply_days, 0.9),
            issuance_days_median=(
                None if "issuance_days_median" in gone else _median(tally.issuance_days)
            ),
            withheld=frozenset(gone),
        )

    def _share(self, share: str) -> float | None:
        part, whole = (self.counts[name] for name in _SHARES[share])
        return part / whole if part is not None and whole else None

    @property
    def acceptance_rate(self) -> float | None:
        return self._share("acceptance_rate")

    @property
    def in_time_share(self) -> float | None:
        return self._share("in_time_share")

    @property
    def forced_return_share(self) -> float | None:
        return self._share("forced_return_share")

    @property
    def empty(self) -> bool:
        return not any(self.counts.values())


@dataclass(frozen=True)
class CountryScore:
    country: str
    total: Figures
    by_member_state: dict[str, Figures]  # member state code → its figures, by code


@dataclass(frozen=True)
class Scorecard:
    period: Period
    member_state: str | None  # None: every member state
    countries: dict[str, CountryScore]  # third country code → its score, by code


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def _nearest_rank(values: list[int], fraction: float) -> int | None:
    if not values:
        return None
    return sorted(values)[math.ceil(fraction * len(values)) - 1]


def _days(start: date | None, end: date | None) -> int | None:
    return (end - start).days if start is not None and end is not None else None


def scorecard(
    period: Period, member_state: str | None = None, minimum: int | None = None
) -> Scorecard:
    """The figures of every third country with something in ``period``, for one member state
    or (``None``) for all; counts only, no case is named. The figures of all member states
    are withheld below ``minimum`` cases (default: the suppression threshold)."""
    tallies = _tallies(period, member_state)
    countries = {}
    for country in sorted(tallies):
        by_state = {code: tallies[country][code] for code in sorted(tallies[country])}
        total = _Tally()
        for tally in by_state.values():
            total.add(tally)
        if member_state is None:
            countries[country] = _published(country, by_state, total, minimum)
        else:
            countries[country] = CountryScore(
                country, Figures.of(total), {c: Figures.of(t) for c, t in by_state.items()}
            )
    return Scorecard(period, member_state, countries)


def _published(
    country: str, by_state: dict[str, _Tally], total: _Tally, minimum: int | None
) -> CountryScore:
    """The score of all member states as it may leave each: the counts of every member state
    and of all of them suppressed together, each count tied to the member states' counts
    that add up to it and to the counts it is the sum of within its row."""
    limit = threshold() if minimum is None else minimum
    rows = {**by_state, _ALL: total}
    counts: dict[tuple[str, str], int] = {}
    for row, tally in rows.items():
        counts.update({(row, name): len(tally.items.get(name, ())) for name in COUNTS})
        for unshown, (whole, part) in _UNSHOWN.items():
            counts[row, unshown] = counts[row, whole] - counts[row, part]
    sums: list[Sum[tuple[str, str]]] = [
        ((_ALL, name), [(state, name) for state in by_state]) for name in (*COUNTS, *_UNSHOWN)
    ]
    sums += [
        ((row, whole), [(row, part) for part in parts]) for row in rows for whole, parts in _SUMS
    ]
    unpublished = {(row, name) for row in rows for name in _UNSHOWN}
    hidden = withheld(counts, sums, limit, unpublished)

    def figures(row: str) -> Figures:
        return Figures.of(rows[row], {name for at, name in hidden if at == row}, fewest=limit)

    return CountryScore(country, figures(_ALL), {state: figures(state) for state in by_state})


def cases_behind(period: Period, member_state: str, country: str, figure: str) -> list[Item]:
    """The cases of ``member_state`` counted in ``figure`` for ``country``, ordered by the date
    that placed them in the period. Only for users who may see that member state's persons."""
    if figure not in COUNTS:
        raise InvalidInput.field("figure", _("not a figure of the scorecard"))
    tally = _tallies(period, member_state, country).get(country, {}).get(member_state)
    items = tally.items.get(figure, []) if tally else []
    return sorted(items, key=lambda i: (i.on or date.min, i.reference))


Tallies = dict[str, dict[str, _Tally]]  # third country → member state → tally


def _scoped(
    rows: QuerySet[Any],
    member_state_path: str,
    member_state: str | None,
    country_path: str,
    country: str | None,
) -> QuerySet[Any]:
    if member_state is not None:
        rows = rows.filter(**{member_state_path: member_state})
    if country is not None:
        rows = rows.filter(**{country_path: country})
    return rows


def _tallies(period: Period, member_state: str | None, country: str | None = None) -> Tallies:
    """One query per source (requests, tacit acceptances, travel documents, presentations,
    return decisions, forced returns), each read as a values() list."""
    tallies: Tallies = defaultdict(lambda: defaultdict(_Tally))
    span = (period.first, period.last)
    requests = _scoped(
        ReadmissionRequest.objects.filter(submitted_on__range=span),
        "case__member_state_id",
        member_state,
        "third_country_id",
        country,
    )
    _count_requests(tallies, requests)
    documents = _scoped(
        ReadmissionRequest.objects.filter(travel_document_issued_on__range=span),
        "case__member_state_id",
        member_state,
        "third_country_id",
        country,
    ).values(
        "case_id",
        "case__member_state_id",
        "third_country_id",
        "reference",
        "replied_on",
        "travel_document_requested_on",
        "travel_document_issued_on",
    )
    for row in documents:
        tally = tallies[row["third_country_id"]][row["case__member_state_id"]]
        tally.items["documents_issued"].append(
            Item(row["case_id"], row["reference"], row["travel_document_issued_on"])
        )
        days = _days(
            row["travel_document_requested_on"] or row["replied_on"],
            row["travel_document_issued_on"],
        )
        if days is not None:
            tally.issuance_days.append(days)
    presentations = _scoped(
        MissionPresentation.objects.filter(mission__starts_on__range=span).exclude(
            mission__status=IdentificationMission.Status.CANCELLED
        ),
        "mission__member_state_id",
        member_state,
        "mission__country_id",
        country,
    ).values(
        "case_id",
        "case__number",
        "mission__member_state_id",
        "mission__country_id",
        "mission__starts_on",
        "outcome",
    )
    for row in presentations:
        tally = tallies[row["mission__country_id"]][row["mission__member_state_id"]]
        item = Item(row["case_id"], row["case__number"] or "", row["mission__starts_on"])
        tally.items["interviews"].append(item)
        tally.items[_PRESENTATION_COUNTS[row["outcome"]]].append(item)
    milestones = CaseMilestones.objects.exclude(citizenship="")
    for figure, rows, day in (
        (
            "return_decisions",
            milestones.filter(return_decision_on__range=span),
            "return_decision_on",
        ),
        (
            "forced_returns",
            milestones.filter(departed_on__range=span, return_type="enforced"),
            "departed_on",
        ),
    ):
        scoped = _scoped(rows, "member_state", member_state, "citizenship", country)
        for row in scoped.values("case_id", "case__number", "member_state", "citizenship", day):
            tallies[row["citizenship"]][row["member_state"]].items[figure].append(
                Item(row["case_id"], row["case__number"], row[day])
            )
    # A citizenship recorded as a member state's is no third country's figure.
    member_states = set(Country.objects.member_states().values_list("code", flat=True))
    return {c: dict(by_state) for c, by_state in tallies.items() if c not in member_states}


def _count_requests(tallies: Tallies, requests: QuerySet[Any]) -> None:
    # The reply limit is the due date of the request's reply timer, met or not; a reply is
    # late while that timer is overdue.
    reply = Timer.objects.filter(timers.of_outer(SUBJECT), kind=ReadmissionTimer.REPLY)
    today = clock.today()
    rows = list(
        requests.annotate(
            reply_due_on=Subquery(
                reply.order_by("-pk").values("due_on")[:1], output_field=DateField()
            ),
            reply_late=Exists(timers.overdue(today, within=reply)),
        ).values(
            "id",
            "case_id",
            "case__member_state_id",
            "third_country_id",
            "reference",
            "status",
            "submitted_on",
            "reply_due_on",
            "reply_late",
            "replied_on",
        )
    )
    tacit = _tacitly_accepted(requests)
    for row in rows:
        tally = tallies[row["third_country_id"]][row["case__member_state_id"]]
        item = Item(row["case_id"], row["reference"], row["submitted_on"])
        for figure in _request_figures(row, row["id"] in tacit):
            tally.items[figure].append(item)
        if row["replied_on"] is not None and row["id"] not in tacit:
            tally.reply_days.append((row["replied_on"] - row["submitted_on"]).days)


def _request_figures(row: dict[str, Any], tacit: bool) -> Iterable[str]:
    yield "submitted"
    replied, due = row["replied_on"], row["reply_due_on"]
    if row["status"] == S.REJECTED:
        yield "rejected"
    elif replied is not None:
        yield "accepted"
        if tacit:
            yield "tacitly_accepted"
    elif row["status"] in AWAITING_REPLY:
        yield "pending"
    else:
        yield "withdrawn"
    if due is not None and (replied is not None or row["reply_late"]):
        yield "replies_owed"
        if replied is not None and not tacit and replied <= due:
            yield "answered_in_time"


def _tacitly_accepted(requests: QuerySet[Any]) -> set[int]:
    """The requests accepted by the passing of their reply limit: the event says so; the
    request itself moves on (to a travel document) and keeps only the date."""
    events = CaseEvent.objects.filter(
        type="record_tacit_acceptance", case_id__in=requests.values("case_id")
    ).values_list("payload__readmission_request__id", flat=True)
    return {int(pk) for pk in events}
