"""The review queue: possible matches queued once per pair, decided with a reason by an
officer, audited, never merged; scoped to the member state."""

from __future__ import annotations

import pytest

from retour.api.tests.conftest import bearer
from retour.audit.models import AccessLogEntry
from retour.errors import InvalidInput, NotVisible, PermissionRefused
from retour.identification import reviews
from retour.identification.models import MatchReview
from retour.people.actions import NameInput
from retour.people.models import Person
from retour.testing.factories import person_for


@pytest.fixture
def karim_twice(anna) -> tuple[Person, Person]:
    """Karim Haddad registered in Latin letters, and later again in Arabic script."""
    first = person_for(anna, names=[NameInput(surname="Haddad", given_names="Karim")])
    second = person_for(anna, names=[NameInput(surname="حداد", given_names="كريم")])
    return first, second


def test_a_possible_match_is_queued_once_per_pair_whichever_side_asks(anna, karim_twice):
    first, second = karim_twice
    person_for(anna, names=[NameInput(surname="Jansen", given_names="Pieter")], sex="M")
    queued = reviews.queue_possible_matches(anna, second.pk)
    assert [(r.person_id, r.candidate_id) for r in queued] == [(second.pk, first.pk)]
    assert queued[0].score >= reviews.REVIEW_THRESHOLD
    name = queued[0].reasons["name"]
    assert name["score"] > 0.7 and name["code"] == "names_agree" and "why" not in name
    assert queued[0].decision == MatchReview.Decision.PENDING
    assert reviews.queue_possible_matches(anna, second.pk) == []
    assert reviews.queue_possible_matches(anna, first.pk) == []
    search = AccessLogEntry.objects.filter(operation="search", object_type="person").last()
    assert search is not None and str(first.pk) in search.person_ids


def test_the_decision_needs_a_reason_is_audited_and_merges_nothing(anna, karim_twice):
    first, second = karim_twice
    review = reviews.queue_possible_matches(anna, second.pk)[0]
    with pytest.raises(InvalidInput) as refused:
        reviews.decide_match(anna, review.pk, decision="merge", reason=" ")
    assert set(refused.value.errors) == {"decision", "reason"}
    reviews.decide_match(anna, review.pk, decision="unsure", reason="photo unclear")
    decided = reviews.decide_match(anna, review.pk, decision="same_person",
                                   reason="same fingerprints in the national system")
    assert (decided.decision, decided.decided_by) == ("same_person", anna)
    with pytest.raises(InvalidInput, match="already decided"):
        reviews.decide_match(anna, review.pk, decision="different_persons", reason="oops")
    assert Person.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    write = AccessLogEntry.objects.filter(object_type="match_review", operation="write").last()
    assert write is not None
    assert set(write.person_ids) == {str(first.pk), str(second.pk)}
    assert write.reason == "same fingerprints in the national system"


def test_only_identification_work_and_only_within_the_member_state(
    anna, lucas, lotte, karim_twice
):
    review = reviews.queue_possible_matches(anna, karim_twice[1].pk)[0]
    with pytest.raises(PermissionRefused):
        reviews.queue_possible_matches(lotte, karim_twice[1].pk)
    with pytest.raises(NotVisible):
        reviews.decide_match(lucas, review.pk, decision="unsure", reason="?")
    assert not reviews.reviews_visible_to(lucas).exists()


def test_the_api_queues_lists_and_decides(client, anna, lucas, karim_twice):
    second = karim_twice[1]
    queued = client.post(f"/api/v1/people/{second.pk}/match-reviews", {},
                         content_type="application/json", headers=bearer(anna))
    assert queued.status_code == 201, queued.content
    review_id = queued.json()[0]["id"]
    listed = client.get("/api/v1/match-reviews", headers=bearer(anna))
    assert [r["id"] for r in listed.json()] == [review_id]
    assert client.get("/api/v1/match-reviews", headers=bearer(lucas)).json() == []
    decided = client.post(f"/api/v1/match-reviews/{review_id}/decision",
                          {"decision": "different_persons", "reason": "different fathers"},
                          content_type="application/json", headers=bearer(anna))
    assert decided.status_code == 200 and decided.json()["decision"] == "different_persons"
    refused = client.post(f"/api/v1/match-reviews/{review_id}/decision",
                          {"decision": "unsure", "reason": "again"},
                          content_type="application/json", headers=bearer(anna))
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "decision"
