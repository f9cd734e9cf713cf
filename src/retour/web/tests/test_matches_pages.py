"""The review queue of possible matches: who may see it, its order, one pair side by side with
the reasons, the decision with its reason (and the refusal without one), the access log, and
that nothing is ever merged."""

from __future__ import annotations

import pytest

from retour.accounts.roles import Capability
from retour.audit.models import AccessLogEntry
from retour.identification.matching.compare import why_of
from retour.identification.models import MatchReview
from retour.identification.reviews import decide_match, queue_possible_matches
from retour.people.actions import NameInput
from retour.people.models import Person
from retour.testing.factories import case_for, person_for
from retour.web.tests.test_case_page import client_of, field_error

pytestmark = pytest.mark.usefixtures("frozen_clock")


PEOPLE = {
    "Haddad": ("Karim", "حداد", "كريم", 1994),
    "Mansour": ("Youssef", "منصور", "يوسف", 1981),
    "Bennani": ("Samir", "بناني", "سمير", 1975),
    "Idrissi": ("Omar", "إدريسي", "عمر", 2001),
}


def _pair(user, surname: str = "Haddad") -> MatchReview:
    """A person with a case and the same person registered again in Arabic script only."""
    given, arabic_surname, arabic_given, year = PEOPLE[surname]
    case = case_for(user, names=[NameInput(surname=surname, given_names=given)],
                    birth_year=year)
    arabic = person_for(user, birth_year=year, names=[
        NameInput(surname=arabic_surname, given_names=arabic_given, script="Arab")])
    (review,) = queue_possible_matches(user, arabic.pk)
    assert {review.person_id, review.candidate_id} == {case.person_id, arabic.pk}
    return review


def test_only_users_who_identify_see_the_pages(anna, ruud, lucas):
    assert not ruud.can(Capability.IDENTIFY)
    review = _pair(anna)
    for url in ("/matches/", f"/matches/{review.pk}/"):
        assert client_of(ruud).get(url).status_code == 403
    assert client_of(ruud).post(f"/matches/{review.pk}/", {
        "decision": "same_person", "reason": "x"}).status_code == 403
    assert client_of(lucas).get(f"/matches/{review.pk}/").status_code == 404
    assert client_of(lucas).post(f"/matches/{review.pk}/", {
        "decision": "same_person", "reason": "x"}).status_code == 404
    assert client_of(anna).get("/matches/00000000-0000-0000-0000-000000000000/").status_code \
        == 404
    assert 'href="/matches/"' in client_of(anna).get("/").content.decode()
    assert 'href="/matches/"' not in client_of(ruud).get("/").content.decode()
    assert MatchReview.objects.get(pk=review.pk).decision == "pending"


def test_the_queue_shows_pending_pairs_highest_score_first_then_unsure(anna, lucas):
    low = _pair(anna)
    high = _pair(anna, "Mansour")
    unsure = _pair(anna, "Bennani")
    MatchReview.objects.filter(pk=low.pk).update(score=0.75)
    MatchReview.objects.filter(pk=high.pk).update(score=0.95)
    MatchReview.objects.filter(pk=unsure.pk).update(score=0.99)
    decide_match(anna, unsure.pk, decision="unsure", reason="the photo is unclear")
    done = _pair(anna, "Idrissi")
    decide_match(anna, done.pk, decision="different_persons", reason="different fathers")
    _pair(lucas)
    html = client_of(anna).get("/matches/").content.decode()
    links = [html.index(f'href="/matches/{r.pk}/"') for r in (high, low, unsure)]
    assert links == sorted(links)
    assert f'href="/matches/{done.pk}/"' not in html
    assert html.count('href="/matches/') - html.count('href="/matches/"') == 3  # not lucas's
    assert "0.95" in html and "unsure" in html and "born May 17, 1994" in html
    assert '<bdi dir="auto" class="retour-name">كريم حداد</bdi>' in html
    entry = AccessLogEntry.objects.filter(object_type="match_review", operation="read").get()
    assert len(entry.person_ids) == 6 and entry.channel == "web"


def test_the_pair_side_by_side_with_reasons_is_logged(anna):
    review = _pair(anna)
    other = case_for(anna, names=[NameInput(surname="Mansour", given_names="Youssef")])
    response = client_of(anna).get(f"/matches/{review.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<bdi dir="auto" class="retour-name">كريم حداد</bdi>' in html
    assert '<bdi dir="auto" class="retour-name">Karim Haddad</bdi>' in html
    assert html.count("May 17, 1994") == 2 and "Morocco (claimed)" in html
    mine = MatchReview.objects.get(pk=review.pk)
    cases = [c for p in (mine.person, mine.candidate) for c in p.cases.all()]
    assert len(cases) == 1 and f'href="/cases/{cases[0].pk}/">{cases[0].number}</a>' in html
    assert f'href="/cases/{other.pk}/"' not in html
    for name in review.reasons:
        assert why_of(review.reasons[name]) in html
    assert "Date of birth" in html and 'name="decision"' in html and 'name="reason"' in html
    entry = AccessLogEntry.objects.filter(object_type="match_review", operation="read").get()
    assert {str(p) for p in entry.person_ids} == {str(review.person_id),
                                                  str(review.candidate_id)}
    assert [str(i) for i in entry.object_ids] == [str(review.pk)]


def test_a_decision_needs_a_reason_and_merges_nothing(anna):
    review = _pair(anna)
    persons = Person.objects.count()
    client = client_of(anna)
    refused = client.post(f"/matches/{review.pk}/", {"decision": "same_person", "reason": " "})
    assert refused.status_code == 422
    assert "This field is required." in field_error(refused.content.decode(), "reason")
    assert MatchReview.objects.get(pk=review.pk).decision == "pending"
    refused = client.post(f"/matches/{review.pk}/", {"decision": "merge", "reason": "x"})
    assert refused.status_code == 422 and field_error(refused.content.decode(), "decision")

    decided = client.post(f"/matches/{review.pk}/", {
        "decision": "same_person", "reason": "Same birth date, transliterated name."},
        follow=True)
    html = decided.content.decode()
    assert decided.redirect_chain == [("/matches/", 302)]
    assert "Your decision “same person” is recorded." in html
    stored = MatchReview.objects.get(pk=review.pk)
    assert (stored.decision, stored.reason, stored.decided_by) == (
        "same_person", "Same birth date, transliterated name.", anna)
    assert Person.objects.count() == persons  # nothing merged
    assert Person.objects.filter(pk__in=[review.person_id, review.candidate_id]).count() == 2
    assert AccessLogEntry.objects.filter(object_type="match_review", operation="write",
                                         channel="web").count() == 1

    page = client.get(f"/matches/{review.pk}/").content.decode()
    assert 'name="decision"' not in page
    assert "Same birth date, transliterated name." in page and "Decided by" in page
    again = client.post(f"/matches/{review.pk}/", {"decision": "unsure", "reason": "x"})
    assert again.status_code == 422
    error = field_error(again.content.decode(), "decision")
    assert "this pair was already decided: same person" in error and "same_person" not in error


def test_the_pages_speak_dutch(anna):
    review = _pair(anna)
    client = client_of(anna)
    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    assert "Mogelijke overeenkomsten" in client.get("/matches/").content.decode()
    html = client.get(f"/matches/{review.pk}/").content.decode()
    assert "zelfde persoon" in html


def test_the_reasons_read_in_dutch_and_a_reason_from_before_the_codes_as_written(anna):
    review = _pair(anna)
    client = client_of(anna)
    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    html = client.get(f"/matches/{review.pk}/").content.decode()
    assert "(Latijns → Arabisch)" in html or "(Arabisch → Latijns)" in html
    assert "zelfde geboortedatum" in html and "same date of birth" not in html
    # A sentence the conversion to codes did not recognise is shown as it was stored.
    review.reasons["sex"] = {"score": 0.5, "why": "as the officer of 2025 wrote it"}
    review.save(update_fields=["reasons"])
    html = client.get(f"/matches/{review.pk}/").content.decode()
    assert "as the officer of 2025 wrote it" in html and "zelfde geboortedatum" in html
