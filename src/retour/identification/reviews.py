"""The review queue of possible matches: is this person already known under another record?

A person is checked against the member state's persons (``matching.candidates``); each
candidate scoring at least the threshold waits for an officer's decision, same person,
different persons or unsure, with the reason. Records are never merged automatically: a
wrong merge would join two people's procedures, and the decision is the officer's to take and
to justify (GDPR Art. 5(1)(d), accuracy; Art. 22, no decision based solely on automated
processing).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext_lazy

from retour import bulk, clock
from retour.accounts.roles import Capability
from retour.errors import InvalidInput, PermissionRefused, one_of
from retour.identification.actions import IDENTIFICATION_WORK
from retour.identification.matching.candidates import PersonQuery, QueryName, find_candidates
from retour.identification.models import MatchReview
from retour.people.models import Person
from retour.seam import pipeline
from retour.seam.actions import declare, implements
from retour.seam.pipeline import Done, Step

D = MatchReview.Decision
# A pair scoring less is not worth an officer's time; the API may ask for a higher bar.
REVIEW_THRESHOLD = 0.7


def _require_identify(user: Any) -> None:
    if not user.can(Capability.IDENTIFY):
        raise PermissionRefused(
            _("your role does not allow: %(action)s") % {"action": _(IDENTIFICATION_WORK)}
        )


REVIEW = pipeline.subject(
    "match_review", MatchReview, label=pgettext_lazy("access log", "review of a possible match"),
    member_state=lambda review: review.person.member_state_id, object_type="match_review",
    persons=lambda review: [review.person_id, review.candidate_id], related=("person",),
    not_found="match review not found",
)
declare("person", (
    Step("queue_possible_matches", gettext_noop("Queue possible matches"), Capability.IDENTIFY,
         refused=IDENTIFICATION_WORK, audit="check for an earlier record"),
))
declare("match_review", (
    Step("decide_match", gettext_noop("Record the decision"), Capability.IDENTIFY,
         refused=IDENTIFICATION_WORK),
))


def query_of(person: Person) -> PersonQuery:
    """The person's own record as a matching query."""
    return PersonQuery(
        names=[QueryName(n.surname, n.given_names, n.script) for n in person.names.all()],
        birth_year=person.birth_year, birth_month=person.birth_month,
        birth_day=person.birth_day, sex=person.sex,
        nationalities=[n.country_id for n in person.nationalities.all()],
        document_numbers=[d.number for d in person.documents.all() if d.number],
    )


def _queued_in_session() -> set[frozenset[Any]]:
    """The pairs queued in the bulk session in progress (outside one, an empty set)."""
    queued: set[frozenset[Any]] = bulk.remembered(("identification.queued_pairs",), set)
    return queued


def _reviewed_pairs(person: Person) -> set[frozenset[Any]]:
    """The pairs with ``person`` already queued, in either direction: those in the database
    and, in a bulk session, those queued earlier in it."""
    return _queued_in_session() | {
        frozenset((r.person_id, r.candidate_id))
        for r in MatchReview.objects.filter(
            Q(person=person) | Q(candidate=person)
        ).only("person_id", "candidate_id")
    }


@implements(events=("possible_matches_queued",))
def queue_possible_matches(
    user: Any, person_id: Any, *, threshold: float = REVIEW_THRESHOLD, reason: str = "",
    channel: str = "",
) -> list[MatchReview]:
    """Look for the person among the member state's other persons and queue every candidate
    not reviewed before (in either direction) for a decision."""

    def change(person: Person) -> Done:
        candidates = [c for c in find_candidates(user, query_of(person), limit=20,
                                                 threshold=threshold)
                      if c.person.pk != person.pk]
        known = _reviewed_pairs(person)
        queued = [
            bulk.create(MatchReview(
                person=person, candidate=c.person, score=round(c.comparison.total, 4),
                reasons={name: asdict(r) for name, r in c.comparison.reasons.items()},
                queued_by=user, queued_at=clock.now(),
            ))
            for c in candidates
            if frozenset((person.pk, c.person.pk)) not in known
        ]
        _queued_in_session().update(frozenset((r.person_id, r.candidate_id)) for r in queued)
        for review in queued:  # to be decided later in the same bulk session, if one runs
            REVIEW.keep(review)
        return Done(
            person,
            {"reviews": [str(r.pk) for r in queued],
             "candidates": [str(r.candidate_id) for r in queued], "threshold": threshold},
            result=queued, operation="search",
            object_ids=[c.person.pk for c in candidates],
            person_ids=[person.pk, *(c.person.pk for c in candidates)],
            search_terms={"possible_matches_of": str(person.pk)},
        )

    queued: list[MatchReview] = pipeline.take(user, "queue_possible_matches", person_id, change,
                                              reason=reason, channel=channel)
    return queued


def reviews_visible_to(user: Any) -> Any:
    """The member state's reviews, for users who may do identification work."""
    _require_identify(user)
    return MatchReview.objects.visible_to(user)


@implements(events=("possible_match_decided",))
def decide_match(
    user: Any, review_id: Any, *, decision: str, reason: str, channel: str = "",
) -> MatchReview:
    """Record the officer's decision on a possible match, with the reason. Nothing is merged;
    a decision that was "unsure" may be taken again, a firm one stands."""

    def change(review: MatchReview) -> Done:
        errors: dict[str, str] = {}
        if decision not in (D.SAME_PERSON, D.DIFFERENT_PERSONS, D.UNSURE):
            errors["decision"] = one_of([D.SAME_PERSON, D.DIFFERENT_PERSONS, D.UNSURE])
        if not reason.strip():
            errors["reason"] = _("say why: which fields agree or differ, what was checked")
        if review.decision not in (D.PENDING, D.UNSURE):
            errors["decision"] = _("this pair was already decided: %(decision)s") % {
                "decision": review.decision}
        if errors:
            raise InvalidInput(errors)
        review.decision, review.reason = decision, reason.strip()
        review.decided_by, review.decided_at = user, clock.now()
        bulk.save(review, "decision", "reason", "decided_by", "decided_at")
        return Done(review, {"decision": decision, "person": str(review.person_id),
                             "candidate": str(review.candidate_id), "score": review.score})

    decided: MatchReview = pipeline.take(user, "decide_match", review_id, change,
                                         reason=reason.strip(), channel=channel)
    return decided
