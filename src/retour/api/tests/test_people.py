"""``/people``: register, read, vulnerabilities and family ties, scoped to the member state."""

from __future__ import annotations

import uuid
from dataclasses import fields
from typing import Any

import pytest

from retour.api.people import NameIn, NewPersonIn
from retour.api.tests.conftest import TODAY, body_of
from retour.audit.models import AccessLogEntry
from retour.cases.models import CaseEvent, ReturnCase
from retour.people.actions import NameInput, NewPerson
from retour.people.models import FamilyLink, Person, PersonName, Vulnerability
from retour.testing.factories import case_for, person_for

NEW_PERSON: dict[str, Any] = {
    "names": [
        {"surname": "Rahimi", "given_names": "Ahmad"},
        {"surname": "رحیمی", "given_names": "احمد"},
        {"surname": "Rahemi", "kind": "alias"},
    ],
    "sex": "M",
    "birth_year": 1999,
    "birth_month": 2,
    "birth_date_estimated": True,
    "claimed_nationalities": ["af"],
    "languages": ["fa-AF", "ps"],
    "reason": "intake at Ter Apel",
}


def counts() -> dict[str, int]:
    """The rows an action may add (the access log's entry of a refused request aside: a
    refusal is logged, ADR 15)."""
    rows = {
        model.__name__: model.objects.count()
        for model in (Person, PersonName, Vulnerability, FamilyLink, CaseEvent)
    }
    rows["AccessLogEntry"] = AccessLogEntry.objects.exclude(operation="refused").count()
    return rows


def post(client, path: str, body: dict[str, Any]):
    return client.post(path, body, content_type="application/json")


def test_request_body_mirrors_the_action_input():
    assert set(NewPersonIn.model_fields) - {"reason"} == {f.name for f in fields(NewPerson)}
    assert set(NameIn.model_fields) == {f.name for f in fields(NameInput)}


def test_register_person(anna, api_client):
    response = post(api_client(anna), "/api/v1/people", NEW_PERSON)
    assert response.status_code == 201, response.content
    person = body_of(response)
    assert person["name"] == "Ahmad Rahimi"
    assert [(n["kind"], n["script"], n["surname"]) for n in person["names"]] == [
        ("alias", "Latn", "Rahemi"), ("primary", "Latn", "Rahimi"), ("primary", "Arab", "رحیمی"),
    ]
    assert person["date_of_birth"] == "~1999-02"
    assert person["nationalities"] == [{"country": "AF", "status": "claimed"}]
    assert person["languages"] == ["fa-AF", "ps"]
    assert (person["member_state"], person["registered_by"]["code"]) == ("NL", "nl-dtv")
    assert person["cases"] == []
    stored = Person.objects.get(pk=person["id"])
    assert stored.member_state_id == "NL"
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert entry is not None
    assert (entry.operation, entry.channel, entry.reason) == ("write", "api", "intake at Ter Apel")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"names": []}, "names"),  # the action: a primary name is needed
        ({"names": [{"given_names": "Ahmad"}]}, "names[0].surname"),
        ({"names": [{"surname": "Rahimi", "kind": "nickname"}]}, "names[0].kind"),
        ({"names": [{"surname": "Rahimi", "script": "arabic"}]}, "names[0].script"),
        ({"names": [{"surname": "R" * 201}]}, "names[0].surname"),
        ({"names": [{"surname": "Rahi\x00mi"}]}, "names[0].surname"),
        ({"sex": "male"}, "sex"),
        ({"birth_year": 1850}, "birth_year"),
        ({"birth_month": 13}, "birth_month"),
        ({"birth_month": 2, "birth_day": 30}, "birth_day"),
        ({"birth_year": None, "birth_month": 2}, "birth_year"),
        ({"claimed_nationalities": ["ZZ"]}, "claimed_nationalities"),
        ({"claimed_nationalities": ["AFG"]}, "claimed_nationalities[0]"),
        ({"confirmed_nationalities": ["AF"]}, "claimed_nationalities"),
        ({"languages": ["Farsi"]}, "languages"),
        ({"vulnerabilities": ["tired"]}, "vulnerabilities[0]"),
    ],
)
def test_register_person_bad_input(change, field, anna, api_client):
    before = counts()
    response = post(api_client(anna), "/api/v1/people", {**NEW_PERSON, **change})
    assert response.status_code == 422, response.content
    problems = body_of(response)["detail"]
    assert field in [p["field"] for p in problems], problems
    assert counts() == before


def test_name_longer_in_latin_letters_than_the_search_column(anna, api_client):
    """200 CJK characters transliterate to ~1000 letters, more than the search key holds;
    the person still registers and is found by the start of the name."""
    client = api_client(anna)
    response = post(client, "/api/v1/people", {"names": [{"surname": "中" * 200}], "sex": "F"})
    assert response.status_code == 201, response.content
    person_id = body_of(response)["id"]
    opened = post(client, "/api/v1/cases", {"person_id": person_id, "origin": "ees_overstay"})
    assert opened.status_code == 201
    found = body_of(client.get("/api/v1/cases", {"q": "中中中"}))["items"]
    assert [item["person"]["id"] for item in found] == [person_id]


@pytest.mark.parametrize("user", ["eva", "tom", "ruud"])
def test_roles_without_registration_are_forbidden(user, db, request, api_client):
    before = counts()
    response = post(api_client(request.getfixturevalue(user)), "/api/v1/people", NEW_PERSON)
    assert response.status_code == 403
    assert "register" in body_of(response)["detail"]
    assert counts() == before


def test_read_person_is_logged(anna, api_client):
    case = case_for(anna)
    response = api_client(anna).get(
        f"/api/v1/people/{case.person_id}", headers={"X-Retour-Reason": "phone call"}
    )
    assert response.status_code == 200
    person = body_of(response)
    assert person["cases"] == [{"id": str(case.pk), "number": case.number, "stage": "registered"}]
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert entry is not None
    assert (entry.operation, entry.object_type, entry.person_ids, entry.reason) == (
        "read", "person", [str(case.person_id)], "phone call",
    )


@pytest.mark.parametrize("outsider", ["lucas", "eva", "tom"])
@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("post", "/vulnerabilities", {"kind": "pregnancy", "noted_on": TODAY.isoformat()}),
        ("post", "/family-links", {"relative_id": str(uuid.uuid4()), "relation": "sibling_of"}),
    ],
)
def test_person_out_of_scope_is_not_found_like_a_missing_one(
    outsider, method, suffix, body, anna, request, api_client
):
    """The Belgian officer gets 404; so do the EU coordinator and the statistician on reads.
    On writes those two hold no right to register at all (403), which says nothing about
    whether the person exists."""
    person = person_for(anna)
    user = request.getfixturevalue(outsider)
    client = api_client(user)

    def call(person_id: Any):
        path = f"/api/v1/people/{person_id}{suffix}"
        if method == "get":
            return client.get(path)
        return post(client, path, body)

    before = counts()
    hidden, missing = call(person.pk), call(uuid.uuid4())
    assert hidden.status_code == missing.status_code
    assert body_of(hidden) == body_of(missing)
    expected = 404 if method == "get" or outsider == "lucas" else 403
    assert hidden.status_code == expected
    if expected == 404:
        assert body_of(hidden) == {"detail": "Not found"}
    assert counts() == before


def test_record_vulnerability_reaches_the_open_case(anna, api_client):
    case = case_for(anna)
    response = post(
        api_client(anna), f"/api/v1/people/{case.person_id}/vulnerabilities",
        {"kind": "serious_illness", "noted_on": TODAY.isoformat(), "reason": "doctor's letter"},
    )
    assert response.status_code == 201, response.content
    assert [v["kind"] for v in body_of(response)["vulnerabilities"]] == ["serious_illness"]
    event = CaseEvent.objects.filter(case=case).order_by("-sequence").first()
    assert event is not None and event.type == "vulnerability_recorded"
    assert ReturnCase.objects.get(pk=case.pk).version == 2


def test_a_vulnerability_s_details_are_kept_encrypted_and_not_answered(anna, api_client):
    from django.db import connection

    case = case_for(anna)
    response = post(
        api_client(anna), f"/api/v1/people/{case.person_id}/vulnerabilities",
        {"kind": "pregnancy", "noted_on": TODAY.isoformat(), "details": "28 weeks, midwife's "
         "report", "reason": "fitness to travel"},
    )
    assert response.status_code == 201, response.content
    assert "details" not in str(body_of(response)["vulnerabilities"])
    vulnerability = Vulnerability.objects.get(person_id=case.person_id, kind="pregnancy")
    assert vulnerability.details == "28 weeks, midwife's report"
    with connection.cursor() as cursor:
        cursor.execute("SELECT details FROM people_vulnerability WHERE id = %s",
                       [vulnerability.id])
        assert cursor.fetchone()[0].startswith("aesgcm:")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "sad", "noted_on": TODAY.isoformat()}, "kind"),
        ({"kind": "pregnancy", "noted_on": "2099-01-01"}, "noted_on"),
        ({"kind": "pregnancy"}, "noted_on"),
    ],
)
def test_record_vulnerability_bad_input(body, field, anna, api_client):
    person = person_for(anna)
    before = counts()
    response = post(api_client(anna), f"/api/v1/people/{person.pk}/vulnerabilities", body)
    assert response.status_code == 422
    assert [p["field"] for p in body_of(response)["detail"]] == [field]
    assert counts() == before


def test_family_link_shows_on_both_persons(anna, api_client):
    mother, son = person_for(anna), person_for(anna)
    client = api_client(anna)
    response = post(
        client, f"/api/v1/people/{mother.pk}/family-links",
        {"relative_id": str(son.pk), "relation": "parent_of"},
    )
    assert response.status_code == 201, response.content
    link = {
        "person": {"id": str(mother.pk), "name": "Karim Haddad"},
        "relation": "parent_of",
        "relative": {"id": str(son.pk), "name": "Karim Haddad"},
    }
    assert body_of(response)["family_links"] == [link]
    assert body_of(client.get(f"/api/v1/people/{son.pk}"))["family_links"] == [link]


@pytest.mark.parametrize(
    ("relative", "relation", "field"),
    [
        ("self", "parent_of", "relative_id"),
        ("belgian", "parent_of", "relative_id"),
        ("nobody", "parent_of", "relative_id"),
        ("dutch", "cousin_of", "relation"),
    ],
)
def test_family_link_bad_input(relative, relation, field, anna, lucas, api_client):
    """A relative in another member state is refused exactly like one that does not exist."""
    person = person_for(anna)
    relative_id = {
        "self": person.pk, "belgian": person_for(lucas).pk, "nobody": uuid.uuid4(),
        "dutch": person_for(anna).pk,
    }[relative]
    before = counts()
    response = post(
        api_client(anna), f"/api/v1/people/{person.pk}/family-links",
        {"relative_id": str(relative_id), "relation": relation},
    )
    assert response.status_code == 422
    assert [p["field"] for p in body_of(response)["detail"]] == [field]
    assert counts() == before
    if relative in ("belgian", "nobody"):
        assert body_of(response)["detail"][0]["message"] == "no such person"


def test_person_id_that_is_no_uuid_is_422(anna, api_client):
    response = api_client(anna).get("/api/v1/people/12345")
    assert response.status_code == 422
    assert [p["field"] for p in body_of(response)["detail"]] == ["person_id"]
