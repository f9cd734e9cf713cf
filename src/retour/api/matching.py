"""``POST /people/match``: is this person already known in your member state?"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from retour.api.access import CHANNEL, ReadReason, log_read
from retour.api.auth import caller
from retour.api.errors import responses
from retour.api.types import ModelChoices
from retour.identification import reviews
from retour.identification.matching.candidates import PersonQuery, QueryName, find_candidates
from retour.identification.matching.compare import KNOWN_CODES, Reason, why_of
from retour.identification.models import MatchReview
from retour.people.models import Person, PersonName, Sex
from retour.people.names import search_key
from retour.seam.inputs import CountryCode, Line, Matches, SmallNumber, Text

router = Router(tags=["people"])


class MatchNameIn(Schema):
    surname: Annotated[Line, Field(max_length=200)]
    given_names: Annotated[Line, Field(max_length=200)] = ""
    script: Annotated[str, Matches(r"^([A-Z][a-z]{3})?$", "an ISO 15924 code such as Latn")] = (
        Field("", description="ISO 15924 code (Latn, Arab, Cyrl…); guessed when left empty.")
    )


class MatchIn(Schema):
    names: list[MatchNameIn] = Field(min_length=1, max_length=20)
    birth_year: SmallNumber | None = None
    birth_month: int | None = Field(None, ge=1, le=12)
    birth_day: int | None = Field(None, ge=1, le=31)
    sex: Sex | None = None
    nationalities: list[CountryCode] = Field([], max_length=20)
    document_numbers: list[Annotated[Line, Field(max_length=50)]] = Field([], max_length=20)
    limit: int = Field(10, ge=1, le=50)

    def query(self) -> PersonQuery:
        return PersonQuery(
            names=[QueryName(n.surname, n.given_names, n.script) for n in self.names],
            birth_year=self.birth_year, birth_month=self.birth_month, birth_day=self.birth_day,
            sex=self.sex or "", nationalities=list(self.nationalities),
            document_numbers=list(self.document_numbers),
        )


class FieldReason(Schema):
    score: float = Field(ge=0, le=1)
    code: str | None = Field(
        description="Why, as a code that does not change with the language (same_date, "
                    "names_agree, years_apart …); null for a reason recorded before reasons "
                    "had codes, of which only ``why`` is known.")
    params: dict[str, Any] = Field(
        description="What the code's sentence says: the names paired, the years apart …")
    why: str = Field(description="The reason in words: in English, or in Dutch when "
                                 "Accept-Language asks for it.")


class Reasons(Schema):
    name: FieldReason | None = None
    birth_date: FieldReason | None = None
    sex: FieldReason | None = None
    nationality: FieldReason | None = None
    document: FieldReason | None = None


class CandidateOut(Schema):
    person_id: UUID
    name: str = Field(description="The first primary name, as written.")
    date_of_birth: str = Field(description="YYYY, YYYY-MM or YYYY-MM-DD; ~ when estimated.")
    score: float = Field(ge=0, le=1)
    reasons: Reasons


class MatchOut(Schema):
    candidates: list[CandidateOut]


def _reason(reason: Reason | Mapping[str, Any] | None) -> FieldReason | None:
    """A reason of a comparison, or one as stored with a review, for the answer."""
    if reason is None:
        return None
    if isinstance(reason, Reason):
        return FieldReason(score=reason.score, code=reason.code, params=reason.params,
                           why=reason.why)
    code = reason.get("code")
    return FieldReason(score=reason["score"], code=code if code in KNOWN_CODES else None,
                       params=reason.get("params", {}), why=why_of(reason))


@router.post(
    "/people/match", response=responses(200, MatchOut, [400, 403, 422]),
    operation_id="match_person",
)
def match_person(request: HttpRequest, body: MatchIn, reason: ReadReason = "") -> MatchOut:
    """Persons of your member state who may be this person, best first, with a score in
    [0, 1] and the reason per field (name across scripts and spellings, date of birth with
    tolerance, sex, nationality, document number)."""
    user = caller(request)
    found = find_candidates(user, body.query(), limit=body.limit)
    ids = [c.person.pk for c in found]
    # The access log keeps what identifies the search (name keys, year of birth, how many
    # document numbers), not the whole record: full dates and document numbers of the
    # searched person would make the log a second register of personal data.
    log_read(
        user, "search", "person", ids, person_ids=ids, reason=reason,
        search_terms={
            "names": [search_key(n.given_names, n.surname) for n in body.names],
            "birth_year": body.birth_year,
            "document_numbers": len(body.document_numbers),
        },
    )
    return MatchOut(candidates=[
        CandidateOut(
            person_id=c.person.pk,
            name=_display_name(c.person),
            date_of_birth=c.person.date_of_birth_display,
            score=c.comparison.total,
            reasons=Reasons(**{
                f: _reason(c.comparison.reasons.get(f))
                for f in ("name", "birth_date", "sex", "nationality", "document")
            }),
        )
        for c in found
    ])


def _display_name(person: Person) -> str:
    names = list(person.names.all())
    primary = [n for n in names if n.kind == PersonName.Kind.PRIMARY] or names
    return str(primary[0]) if primary else ""


class MatchReviewOut(Schema):
    id: UUID
    person_id: UUID
    candidate_id: UUID
    score: float
    reasons: Reasons
    decision: Annotated[MatchReview.Decision, ModelChoices()]
    reason: str
    decided_by: str | None
    decided_at: datetime | None


def _review_out(review: MatchReview) -> MatchReviewOut:
    return MatchReviewOut(
        id=review.pk, person_id=review.person_id, candidate_id=review.candidate_id,
        score=review.score,
        reasons=Reasons(**{k: _reason(v) for k, v in review.reasons.items()}),
        decision=MatchReview.Decision(review.decision), reason=review.reason,
        decided_by=review.decided_by.username if review.decided_by else None,
        decided_at=review.decided_at,
    )


class QueueIn(Schema):
    threshold: float = Field(reviews.REVIEW_THRESHOLD, ge=0.3, le=1.0)
    reason: Text = ""


@router.post(
    "/people/{person_id}/match-reviews",
    response=responses(201, list[MatchReviewOut], [400, 403, 404, 422]),
    operation_id="queue_possible_matches",
)
def queue_possible_matches(
    request: HttpRequest, person_id: UUID, body: QueueIn
) -> Status[list[MatchReviewOut]]:
    """Check whether the person is already known under another record, and queue every
    candidate not reviewed before for an officer's decision. Nothing is merged."""
    queued = reviews.queue_possible_matches(
        caller(request), person_id, threshold=body.threshold, reason=body.reason,
        channel=CHANNEL)
    return Status(201, [_review_out(r) for r in queued])


@router.get(
    "/match-reviews", response=responses(200, list[MatchReviewOut], [403, 422]),
    operation_id="list_match_reviews",
)
def list_match_reviews(
    request: HttpRequest,
    decision: Annotated[MatchReview.Decision, ModelChoices()] = MatchReview.Decision.PENDING,
    reason: ReadReason = "",
) -> list[MatchReviewOut]:
    """The review queue: possible matches by decision (pending first by default), the
    highest score first."""
    user = caller(request)
    found = list(reviews.reviews_visible_to(user).filter(decision=decision)
                 .select_related("decided_by")[:200])
    log_read(user, "read", "match_review", [r.pk for r in found],
             person_ids=sorted({p for r in found for p in (r.person_id, r.candidate_id)},
                               key=str), reason=reason)
    return [_review_out(r) for r in found]


class DecisionIn(Schema):
    decision: Annotated[str, Field(description="same_person, different_persons or unsure")]
    reason: Text = Field(min_length=1, description="Why: which fields agree or differ.")


@router.post(
    "/match-reviews/{review_id}/decision",
    response=responses(200, MatchReviewOut, [400, 403, 404, 422]),
    operation_id="decide_match",
)
def decide_match(request: HttpRequest, review_id: UUID, body: DecisionIn) -> MatchReviewOut:
    """Decide a possible match, with the reason; the records are never merged."""
    review = reviews.decide_match(caller(request), review_id, decision=body.decision,
                                  reason=body.reason, channel=CHANNEL)
    return _review_out(review)
