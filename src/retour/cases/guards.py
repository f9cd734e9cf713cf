"""Guards of the procedure: legal conditions a transition needs, each returning the reason
it is refused (or None when the transition may go ahead)."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from django.utils.translation import gettext as _

from retour import bulk, clock
from retour.cases.models import Decision, Origin, ReturnCase
from retour.people.models import Person, Vulnerability

# Origins in which no decision ending a legal stay precedes the return decision.
_ORIGINS_WITHOUT_LEGAL_STAY = frozenset(
    {
        Origin.IRREGULAR_STAY_DETECTED,
        Origin.EES_OVERSTAY,
        Origin.BORDER_APPREHENSION,
        Origin.MUTUAL_RECOGNITION,
    }
)


def _noted(person: Person, kinds: tuple[str, ...], on: date | None) -> bool:
    """One of the vulnerabilities ``kinds`` is noted and has not ended by ``on`` (now when
    None)."""
    return any(
        v.ended_on is None or (on is not None and v.ended_on > on)
        for v in bulk.select(person, "vulnerabilities", kind__in=kinds)
    )


def is_unaccompanied_minor(case: ReturnCase, on: date | None = None) -> bool:
    return _noted(case.person, (Vulnerability.Kind.UNACCOMPANIED_MINOR,), on)


def _latest_birth_date(person: Person) -> date | None:
    """The last day the person may have been born, as far as the date of birth is known."""
    year, month, day = person.birth_year, person.birth_month, person.birth_day
    if year is None:
        return None
    if not month:
        return date(year, 12, 31)
    return date(year, month, day or calendar.monthrange(year, month)[1])


def may_be_a_child(person: Person, on: date) -> bool:
    """Whether the person may still be under 18 on ``on`` by the date of birth recorded.

    A partial date counts from its last possible day, so a child keeps the benefit of the
    doubt, as in age assessment (Directive 2013/32/EU Art. 25(5)). One born on 29 February
    comes of age on 1 March in a year without one."""
    born = _latest_birth_date(person)
    if born is None:
        return False
    year = born.year + 18
    if born.month == 2 and born.day == 29 and not calendar.isleap(year):
        return on < date(year, 3, 1)
    return on < born.replace(year=year)


def counts_as_a_minor(person: Person, on: date) -> bool:
    """The person is noted as a minor (accompanied or not) on ``on``, or may be one then by
    the date of birth recorded. The one definition the guards and the statistics share."""
    return may_be_a_child(person, on) or _noted(
        person, (Vulnerability.Kind.MINOR, Vulnerability.Kind.UNACCOMPANIED_MINOR), on
    )


def is_minor(case: ReturnCase) -> bool:
    """The person counts as a minor today (``counts_as_a_minor``)."""
    return counts_as_a_minor(case.person, clock.today())


def decisions_in_force(case: ReturnCase, kind: str) -> list[Decision]:
    return bulk.select(case, "decisions", kind=kind, status=Decision.Status.IN_FORCE)


def latest_decision(
    case: ReturnCase, kind: str, status: str = Decision.Status.IN_FORCE
) -> Decision | None:
    found = bulk.select(case, "decisions", kind=kind, status=status)
    return max(found, key=lambda decision: (decision.decided_on, decision.pk), default=None)


def _in_force(case: ReturnCase, kind: str) -> bool:
    return bool(decisions_in_force(case, kind))


def legal_stay_ended_first(case: ReturnCase) -> str | None:
    """The end of legal stay is recorded before the return decision (M7).

    Only for origins that start from a legal stay (asylum, residence permit)."""
    if case.stage == "registered" and case.origin not in _ORIGINS_WITHOUT_LEGAL_STAY:
        # The origin's label is lazy: it reads in the language of the request.
        return _(
            "a case of origin '%(origin)s' needs the end of legal stay recorded before a "
            "return decision"
        ) % {"origin": Origin(case.origin).label}
    return None


def best_interests_assessed(case: ReturnCase) -> str | None:
    """An unaccompanied minor's best interests are assessed first (Art. 10(1), C-441/19).

    Directive 2008/115/EC Art. 10(1) and CJEU C-441/19 TQ: the assessment comes before the
    return decision is issued."""
    if is_unaccompanied_minor(case) and not _in_force(
        case, Decision.Kind.BEST_INTERESTS_ASSESSMENT
    ):
        return _(
            "the person is an unaccompanied minor: record the best-interests assessment "
            "before issuing a return decision (Directive 2008/115/EC Art. 10(1))"
        )
    return None


def no_suspensive_matter(case: ReturnCase) -> str | None:
    """No suspensive appeal pending and no postponement in force (Art. 9(1), 13(2)).

    Directive 2008/115/EC Art. 9(1) and 13(2): no removal while an appeal with suspensive
    effect runs or removal is postponed."""
    if bulk.select(
        case, "decisions", kind=Decision.Kind.APPEAL, status=Decision.Status.PENDING,
        suspensive=True,
    ):
        return _(
            "an appeal with suspensive effect is pending (Directive 2008/115/EC Art. 13(2))"
        )
    if _in_force(case, Decision.Kind.POSTPONEMENT):
        return _("removal is postponed (Directive 2008/115/EC Art. 9)")
    return None


def reception_verified_for_minor(case: ReturnCase) -> str | None:
    """An unaccompanied minor's reception in the country of return is verified (Art. 10(2)).

    Directive 2008/115/EC Art. 10(2): before removal the authorities are satisfied that a
    family member, a nominated guardian or adequate reception facilities receive the child."""
    if is_unaccompanied_minor(case) and not _in_force(case, Decision.Kind.RECEPTION_VERIFIED):
        return _(
            "the person is an unaccompanied minor: verify reception in the country of return "
            "before removal (Directive 2008/115/EC Art. 10(2))"
        )
    return None


def concerns_unaccompanied_minor(case: ReturnCase) -> str | None:
    """The person is an unaccompanied minor (Art. 10(2) concerns only them).

    Directive 2008/115/EC Art. 10(2): the verification of reception in the country of return
    is a safeguard for unaccompanied minors; for anyone else it records nothing meaningful."""
    if not is_unaccompanied_minor(case):
        return _("the person is not an unaccompanied minor (Directive 2008/115/EC Art. 10(2))")
    return None


def concerns_a_minor(case: ReturnCase) -> str | None:
    """The person is a minor (the best interests assessed are a child's, Art. 5(a)).

    Directive 2008/115/EC Art. 5(a): the best interests of the child are taken into account
    in implementing the Directive; the assessment of them concerns a child, a person under 18
    (Art. 3(9) lists minors among the vulnerable). Noted as a minor, or a date of birth that
    allows it, is enough."""
    if is_minor(case):
        return None
    if case.person.birth_year is None:
        return _(
            "the person is not noted as a minor and has no date of birth recorded: a "
            "best-interests assessment concerns a child (Directive 2008/115/EC Art. 5(a)); "
            "record the vulnerability 'minor' first if the person is one"
        )
    return _(
        "the person is not a minor by the date of birth recorded: a best-interests assessment "
        "concerns a child (Directive 2008/115/EC Art. 5(a))"
    )


# Guards on who the person is, not on where the case stands: a step they refuse does not
# apply to this person as recorded, rather than waiting for the procedure to move on.
ABOUT_THE_PERSON = frozenset({concerns_unaccompanied_minor, concerns_a_minor})

Guard = Callable[[ReturnCase], "str | None"]
G = TypeVar("G", bound=Guard)


def nothing_to_act_on(guard: G) -> G:
    """Mark a guard that refuses when the step has nothing to act on (no period to end, no
    referral to answer): such a step is not waiting for the procedure to move on, so the case
    page does not list it as "not possible yet"."""
    guard.nothing_to_act_on = True  # type: ignore[attr-defined]
    return guard


def has_nothing_to_act_on(guard: Guard, case: ReturnCase) -> bool:
    return bool(getattr(guard, "nothing_to_act_on", False) and guard(case))


def return_decision_in_force(case: ReturnCase) -> str | None:
    """A return decision is in force (an entry ban accompanies it, Art. 11(1))."""
    if not _in_force(case, Decision.Kind.RETURN_DECISION):
        return _("there is no return decision in force")
    return None


def voluntary_departure_period_over(case: ReturnCase) -> str | None:
    """The voluntary-departure period has ended (Art. 7(1), 8(1)).

    Directive 2008/115/EC Art. 8(1): removal is enforced only when no period for voluntary
    departure runs; a period in days ends at the end of its last day (Regulation 1182/71
    Art. 3(2)(b)), so the case passes to forced return the day after."""
    ends_on = case.voluntary_departure_ends_on
    if ends_on is not None and ends_on >= clock.today():
        return _("the voluntary-departure period runs until %(date)s inclusive") % {
            "date": ends_on.isoformat()
        }
    return None
