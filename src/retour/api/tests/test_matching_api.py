"""``POST /people/match``: candidates across scripts, scoped, logged."""

from __future__ import annotations

from typing import Any

from retour.api.tests.conftest import body_of
from retour.audit.models import AccessLogEntry
from retour.identification.actions import NewDocument, record_identity_document
from retour.people.actions import NameInput
from retour.testing.factories import person_for

QUERY: dict[str, Any] = {
    "names": [{"surname": "Haddad", "given_names": "Karim"}],
    "birth_year": 1994, "birth_month": 5, "birth_day": 17, "sex": "M",
    "nationalities": ["ma"],
}


def post(client, body: dict[str, Any], reason: str = ""):
    return client.post("/api/v1/people/match", body, content_type="application/json",
                       headers={"X-Retour-Reason": reason})


def test_match_finds_the_person_in_arabic_script_and_logs_the_search(anna, lucas, api_client):
    arabic = person_for(anna, names=[NameInput(surname="حداد", given_names="كريم", script="Arab")])
    person_for(anna, names=[NameInput(surname="Zerhouni", given_names="Youssef")])
    belgian = person_for(lucas, arabic_script=True)
    response = post(api_client(anna), QUERY, reason="intake")
    assert response.status_code == 200, response.content
    candidates = body_of(response)["candidates"]
    assert [c["person_id"] for c in candidates] == [str(arabic.pk)]
    [found] = candidates
    assert found["score"] > 0.9
    assert found["date_of_birth"] == "1994-05-17"
    assert "(Latin → Arabic)" in found["reasons"]["name"]["why"]
    assert found["reasons"]["birth_date"]["score"] == 1.0
    assert str(belgian.pk) not in str(candidates)
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert entry is not None
    assert (entry.operation, entry.object_type, entry.person_ids, entry.reason) == (
        "search", "person", [str(arabic.pk)], "intake")
    assert entry.search_terms == {"names": ["karim haddad"], "birth_year": 1994,
                                  "document_numbers": 0}


def test_document_number_hit_ranks_first(anna, api_client):
    other = person_for(anna, names=[NameInput(surname="Hadad", given_names="Kareem")],
                       birth_year=1960, birth_month=None, birth_day=None)
    record_identity_document(anna, other.pk, NewDocument(
        kind="passport", form="copy", number="ZX 1234-567", issuing_country="MA"))
    namesake = person_for(anna)
    body = {**QUERY, "document_numbers": ["zx1234567"]}
    candidates = body_of(post(api_client(anna), body))["candidates"]
    assert [c["person_id"] for c in candidates][:2] == [str(other.pk), str(namesake.pk)]
    assert candidates[0]["reasons"]["document"]["score"] == 1.0


def test_roles_without_personal_data_are_refused(tom, api_client):
    response = post(api_client(tom), QUERY)
    assert response.status_code == 403, response.content


def test_bad_input_names_the_field(anna, api_client):
    response = post(api_client(anna), {**QUERY, "birth_month": 13})
    assert response.status_code == 422
    assert body_of(response)["detail"][0]["field"] == "birth_month"


def test_reasons_carry_a_code_and_their_words_in_the_language_asked_for(anna, api_client):
    person_for(anna, names=[NameInput(surname="حداد", given_names="كريم", script="Arab")])
    client = api_client(anna)
    english = body_of(post(client, QUERY))["candidates"][0]["reasons"]
    dutch = body_of(client.post("/api/v1/people/match", QUERY, content_type="application/json",
                                headers={"Accept-Language": "nl"}))["candidates"][0]["reasons"]
    assert english["birth_date"] == {"score": 1.0, "code": "same_date", "params": {},
                                     "why": "same date of birth"}
    assert dutch["birth_date"] == {**english["birth_date"], "why": "zelfde geboortedatum"}
    assert dutch["name"]["code"] == english["name"]["code"] == "names_agree"
    assert dutch["name"]["params"]["scripts"] == ["Latn", "Arab"]
    assert "(Latijns → Arabisch)" in dutch["name"]["why"]
