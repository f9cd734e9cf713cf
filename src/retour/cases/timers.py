"""Every legal or operational due date is a ``Timer``, and this module is the one place that
says what timers there are, which are open, overdue or due next, and what the passing of time
does to them (ADR 12).

Kinds of timer are registered per app, like kinds of task: the case core registers its own
below, another app in its ``timers`` module (the seam imports it). A kind comes with its words
(the label of a member of the app's ``TextChoices``), the kind of record it belongs to, who
must act before it passes, whether its passing makes work overdue (a period that runs for the
person, such as the period to appeal, does not), and what the daily tick does once it has
passed (a function, or nothing).

Actions open, move and close timers through ``start``, ``move`` and ``close`` (which go
through ``retour.bulk``, so they work in bulk sessions); the pages, the API and the tick read
them through ``open``, ``overdue``, ``next_due_on`` and ``is_overdue``.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import models
from django.db.models import CharField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast

from retour import bulk, clock, display
from retour.cases.models import ReturnCase, Timer
from retour.cases.stages import Stage
from retour.errors import ActionError

logger = logging.getLogger(__name__)

CASE = "case"  # the subject of a case's own timers; their key is the case's
OPEN = Timer.Status.OPEN


class Acts(enum.Enum):
    """Who must act before a timer passes."""

    RESPONSIBLE_AUTHORITY = "responsible_authority"  # the authority that has the case
    OTHER_AUTHORITY = "other_authority"  # another authority (the receiver of a hand-over)
    PERSON = "person"  # the person (to leave, to appeal)
    REQUESTED_STATE = "requested_state"  # the state another authority's request went to


# What the tick does when a timer has passed: the words of what it did (counted in the
# tick's report), or None when there was nothing to do.
Passing = Callable[[Timer], "str | None"]


@dataclass(frozen=True)
class TimerKind:
    """A registered kind of timer (see the module)."""

    code: str
    label: Any  # lazy: the words in the language of the request
    subject: str
    acts: Acts
    overdue: bool  # passing it makes work overdue
    passing: Passing | None = None
    heading: str = ""  # how the tick's report groups this kind's outcomes
    outcomes: tuple[str, ...] = ()  # the words ``passing`` may return, reported even when 0


_KINDS: dict[str, TimerKind] = {}


def register(
    choice: models.Choices, *, acts: Acts, overdue: bool, subject: str = CASE,
    passing: Passing | None = None, heading: str = "", outcomes: Iterable[str] = (),
) -> None:
    """Let timers of ``choice`` (a member of an app's ``TextChoices``, its label the words)
    be opened on records of ``subject``."""
    code = str(choice.value)
    found = _KINDS.get(code)
    kind = TimerKind(code, choice.label, subject, acts, overdue, passing, heading, tuple(outcomes))
    if found is not None and found != kind:
        raise ValueError(f"timer kind {code} is registered twice")
    _KINDS[code] = kind


def kind(code: str) -> TimerKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise ValueError(f"no app registers the timer kind {code!r}") from None


def kinds() -> list[TimerKind]:
    """Every registered kind, in the order they were registered."""
    return list(_KINDS.values())


def codes(
    *, subject: str | None = None, acts: Iterable[Acts] | None = None,
    overdue: bool | None = None, passing: bool | None = None,
) -> list[str]:
    """The registered kinds that fit every condition given."""
    who = None if acts is None else frozenset(acts)
    return [
        k.code for k in _KINDS.values()
        if (subject is None or k.subject == subject)
        and (who is None or k.acts in who)
        and (overdue is None or k.overdue == overdue)
        and (passing is None or (k.passing is not None) == passing)
    ]


def label(code: str) -> str:
    """The words for a timer's kind; a kind no app registers any more shows its code."""
    found = _KINDS.get(code)
    return str(found.label) if found is not None else display.label({}, code)


def makes_work_overdue(code: str) -> bool:
    """Whether a timer of this kind that has passed leaves work overdue (an unknown kind is
    taken to: it is safer to show too much as late than too little)."""
    found = _KINDS.get(code)
    return found is None or found.overdue


# --- opening, moving and closing: for the actions, in or out of a bulk session -----------


def _key(case: ReturnCase, subject: str, key: Any) -> str:
    if key is None:
        if subject != CASE:
            raise ValueError(f"a timer on a {subject} needs the record's key")
        return str(case.pk)
    return str(key)


def start(
    case: ReturnCase, code: str, starts_on: date, due_on: date, *, subject: str = CASE,
    key: Any = None, decision: Any = None, parameter: Any = None, rule: str = "",
    source: str = "", authority: Any = None,
) -> Timer:
    """Open a timer of kind ``code`` on the record ``key`` of ``subject`` (the case itself by
    default). A legal parameter gives its code and source as the rule; an authority that
    must act is the case's responsible one unless another is named."""
    found = kind(code)
    if found.subject != subject:
        raise ValueError(f"timer kind {code} belongs to a {found.subject}, not a {subject}")
    if parameter is not None:
        rule = rule or parameter.code
        source = source or parameter.source
    if authority is None and found.acts is Acts.RESPONSIBLE_AUTHORITY:
        authority = case.responsible_authority
    return bulk.add(case, "timers", Timer(
        case=case, subject=subject, subject_key=_key(case, subject, key), kind=code,
        starts_on=starts_on, due_on=due_on, rule=rule, source=source, authority=authority,
        decision=decision, parameter=parameter,
    ))


def _which(case: ReturnCase, subject: str, key: Any, codes: Iterable[str]) -> dict[str, Any]:
    criteria: dict[str, Any] = {"subject": subject, "subject_key": _key(case, subject, key)}
    chosen = list(codes)
    if chosen:
        criteria["kind__in"] = chosen
    return criteria


def running(
    case: ReturnCase, *codes: str, subject: str = CASE, key: Any = None,
) -> list[Timer]:
    """The open timers of ``codes`` (all kinds when none) on a record of ``case``, as the
    bulk session keeps them if one is in progress."""
    return bulk.select(case, "timers", status=OPEN, **_which(case, subject, key, codes))


def move(
    case: ReturnCase, due_on: date, *codes: str, subject: str = CASE, key: Any = None,
) -> None:
    """Move the open timers of ``codes`` on a record to ``due_on`` (an extension)."""
    bulk.update(case, "timers", {"due_on": due_on}, status=OPEN,
                **_which(case, subject, key, codes))


def close(
    case: ReturnCase, status: str, on: date, *codes: str, subject: str = CASE, key: Any = None,
) -> None:
    """Close the open timers of ``codes`` (all kinds when none) on a record: ``met``,
    ``lapsed`` or ``cancelled`` on ``on``."""
    if status == OPEN:
        raise ValueError("a timer is closed as met, lapsed or cancelled")
    bulk.update(case, "timers", {"status": status, "closed_on": on}, status=OPEN,
                **_which(case, subject, key, codes))


# --- reading: what is open, overdue, due next ----------------------------------------------


def open(  # the module's reading of "open": ``timers.open(...)``
    *, subject: str | None = None, keys: Iterable[Any] | None = None,
    kinds: Iterable[str] | None = None, acts: Iterable[Acts] | None = None,
    within: QuerySet[Timer] | None = None,
) -> QuerySet[Timer]:
    """The open timers (of ``within``, e.g. those a user may see; else all) of ``subject``,
    the records ``keys``, the kinds ``kinds`` and the kinds where ``acts`` must act."""
    found = (Timer.objects.all() if within is None else within).filter(status=OPEN)
    if subject is not None:
        found = found.filter(subject=subject)
    if keys is not None:
        found = found.filter(subject_key__in=[str(k) for k in keys])
    if kinds is not None:
        found = found.filter(kind__in=list(kinds))
    if acts is not None:
        found = found.filter(kind__in=codes(acts=acts))
    return found


def overdue(today: date | None = None, **which: Any) -> QuerySet[Timer]:
    """The open timers (of ``which``, as ``open`` takes them) past their due date whose
    passing makes work overdue (``makes_work_overdue``). ``is_overdue`` says the same of one
    timer in memory."""
    return open(**which).filter(due_on__lt=today or clock.today()).exclude(
        kind__in=codes(overdue=False)
    )


def is_overdue(timer: Timer, today: date | None = None) -> bool:
    """``overdue`` for one timer."""
    return (
        timer.status == OPEN and timer.due_on < (today or clock.today())
        and makes_work_overdue(timer.kind)
    )


def days_left(due_on: date, today: date | None = None) -> int:
    """Days until ``due_on`` (0: due today; negative: past)."""
    return (due_on - (today or clock.today())).days


def of_outer(subject: str, key: str = "pk", case: str | None = "case_id") -> Q:
    """For a subquery: the timers of the outer query's record (its key ``key``, on its case
    ``case`` when the record is on one)."""
    condition = Q(subject=subject, subject_key=Cast(OuterRef(key), CharField()))
    if case is not None:
        condition &= Q(case=OuterRef(case))
    return condition


def next_due_on(timers: QuerySet[Timer]) -> Subquery:
    """For a subquery: the earliest due date among the open ``timers``."""
    return Subquery(
        timers.filter(status=OPEN).order_by("due_on", "pk").values("due_on")[:1],
        output_field=models.DateField(),
    )


def next_due(timers: Iterable[Timer]) -> Timer | None:
    """The open timer among ``timers`` that is due first (``next_due_on`` in memory)."""
    still_open = [t for t in timers if t.status == OPEN]
    return min(still_open, key=lambda t: (t.due_on, t.pk or 0), default=None)


# --- the daily tick ------------------------------------------------------------------------


@dataclass
class Tally:
    """What a tick did: how often each kind's handler reported each outcome, by the
    heading its kind gives, and the timers whose action was refused."""

    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    refused: list[tuple[Timer, ActionError]] = field(default_factory=list)

    def count(self, outcome: str, heading: str = "") -> int:
        return self.counts.get((heading, outcome), 0)

    def under(self, heading: str) -> dict[str, int]:
        """The counts of one heading, by outcome."""
        return {outcome: n for (h, outcome), n in self.counts.items() if h == heading}

    def lines(self) -> list[str]:
        """The report: one line per heading ("heading: 2 this, 0 that"), or per outcome of
        kinds without a heading ("2 this")."""
        headings = dict.fromkeys(h for h, _ in self.counts)
        lines = []
        for heading in headings:
            parts = [f"{n} {outcome}" for outcome, n in self.under(heading).items()]
            if heading:
                lines.append(f"{heading}: " + ", ".join(parts))
            else:
                lines.extend(parts)
        if self.refused:
            lines.append(f"{len(self.refused)} timer(s) whose step was refused")
        return lines


def passed(today: date, chosen: Iterable[str], after: int = 0) -> QuerySet[Timer]:
    """The open timers of the kinds ``chosen`` whose due date is before ``today`` (made after
    key ``after``), on cases still open: the timers of a closed case do nothing."""
    return (
        Timer.objects.filter(status=OPEN, due_on__lt=today, kind__in=list(chosen), pk__gt=after)
        .exclude(case__stage=Stage.CLOSED)
        .select_related("case")
        .order_by("due_on", "pk")
    )


_ROUNDS = 10  # a handler that keeps opening passed timers is a bug; the tick stops


def tick(today: date | None = None, *, only: Iterable[str] | None = None) -> Tally:
    """Apply what the passing of time decides: each open timer past its due date (of the
    kinds ``only``, else every kind with a handler) is handed to its kind's handler, which
    acts through the actions, each in its own transaction. A refused step is reported and
    the others go on.

    Running it again the same day changes nothing: each handler's step leaves its own
    condition false (a timer closed, a task open). A timer a handler opens that has already
    passed is handled in the same run."""
    today = today or clock.today()
    chosen = [c for c in codes(passing=True) if only is None or c in set(only)]
    tally = Tally()
    for code in chosen:
        found = _KINDS[code]
        for outcome in found.outcomes:
            tally.counts.setdefault((found.heading, outcome), 0)
    after = 0
    for _round in range(_ROUNDS):
        # Timers a handler opens get keys above the highest one now.
        horizon = Timer.objects.aggregate(last=Max("pk"))["last"] or 0
        for timer in list(passed(today, chosen, after)):
            _pass(timer, tally)
        if not passed(today, chosen, horizon).exists():
            break
        after = horizon
    else:
        logger.warning("the tick stopped after %s rounds of timers opened already passed",
                       _ROUNDS)
    return tally


def _pass(timer: Timer, tally: Tally) -> None:
    timer.refresh_from_db(fields=["status"])
    if timer.status != OPEN:
        return  # closed by the step another timer's handler took
    found = _KINDS[timer.kind]
    assert found.passing is not None
    try:
        outcome = found.passing(timer)
    except ActionError as refusal:
        logger.warning("timer %s (%s) of case %s: %s", timer.pk, timer.kind, timer.case_id,
                       refusal)
        tally.refused.append((timer, refusal))
        return
    if outcome is not None:
        key = (found.heading, outcome)
        tally.counts[key] = tally.counts.get(key, 0) + 1


# --- the case core's own kinds ------------------------------------------------------------

VOLUNTARY_DEPARTURE_ENDED = "voluntary-departure period(s) ended without departure"


def _voluntary_departure_ended(timer: Timer) -> str | None:
    """The case passes to forced-return preparation (M8); a suspended case (an appeal with
    suspensive effect, a postponement) passes once it resumes."""
    from retour.cases.actions.enforcement import expire_voluntary_departure  # uses this module

    if timer.case.stage != Stage.VOLUNTARY_DEPARTURE:
        return None
    expire_voluntary_departure(timer.case_id)
    return VOLUNTARY_DEPARTURE_ENDED


_K = Timer.Kind
register(_K.RETURN_DECISION_DUE, acts=Acts.RESPONSIBLE_AUTHORITY, overdue=True)
register(_K.VOLUNTARY_DEPARTURE_END, acts=Acts.PERSON, overdue=True,
         passing=_voluntary_departure_ended, outcomes=(VOLUNTARY_DEPARTURE_ENDED,))
register(_K.APPEAL_PERIOD_END, acts=Acts.PERSON, overdue=False)
register(_K.ENTRY_BAN_END, acts=Acts.PERSON, overdue=False)
register(_K.POSTPONEMENT_END, acts=Acts.RESPONSIBLE_AUTHORITY, overdue=True)
register(_K.HANDOVER_ACCEPTANCE, acts=Acts.OTHER_AUTHORITY, overdue=True)
