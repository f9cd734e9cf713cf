"""Registering a person (with the warning about someone already registered) and opening a
case for them, through the Django test client."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from retour.audit.models import AccessLogEntry
from retour.cases import actions
from retour.cases.models import ReturnCase
from retour.identification.models import MatchReview
from retour.people.actions import NameInput
from retour.people.models import Person
from retour.testing.factories import case_for, person_for
from retour.web.tests.test_case_page import client_of, field_error, form_values

pytestmark = pytest.mark.usefixtures("frozen_clock")

NEW_PERSON = "/people/new/"


def new_case_url(person: Any) -> str:
    return f"/people/{person.pk}/cases/new/"


def person_form(**fields: Any) -> dict[str, Any]:
    """The new-person form as a user fills it in for Yonas Tesfaye, born some time in 1990."""
    return {
        "surname": "Tesfaye",
        "given_names": "Yonas",
        "original_surname": "",
        "original_given_names": "",
        "original_script": "",
        "aliases": "",
        "sex": "M",
        "birth_year": "1990",
        "birth_month": "",
        "birth_day": "",
        "place_of_birth": "",
        "country_of_birth": "",
        "languages": "",
        "checked_against": "",
        **fields,
    }


def registered() -> list[Person]:
    return list(Person.objects.order_by("created_at"))


def test_register_a_person_with_names_in_two_scripts(anna):
    client = client_of(anna)
    assert client.get(NEW_PERSON).status_code == 200
    response = client.post(NEW_PERSON, person_form(
        original_surname="ተስፋዬ", original_given_names="ዮናስ", original_script="Ethi",
        aliases="Tesfay, Yonatan\nTesfaye", birth_month="4", birth_date_estimated="on",
        place_of_birth="Asmara", country_of_birth="ER", claimed_nationalities=["ER", "ET"],
        languages="ti, am", vulnerabilities=["serious_illness"],
    ))
    [person] = registered()
    assert response.status_code == 302
    assert response["Location"] == new_case_url(person)
    names = {(n.kind, n.script, n.surname, n.given_names) for n in person.names.all()}
    assert names == {
        ("primary", "Latn", "Tesfaye", "Yonas"),
        ("primary", "Ethi", "ተስፋዬ", "ዮናስ"),
        ("alias", "Latn", "Tesfay", "Yonatan"),
        ("alias", "Latn", "Tesfaye", ""),
    }
    assert person.date_of_birth_display == "~1990-04"
    assert person.place_of_birth == "Asmara" and person.country_of_birth_id == "ER"
    assert sorted(person.nationalities.values_list("country_id", "status")) == [
        ("ER", "claimed"), ("ET", "claimed"),
    ]
    assert person.languages == ["ti", "am"]
    assert list(person.vulnerabilities.values_list("kind", flat=True)) == ["serious_illness"]
    assert person.member_state_id == "NL" and person.registered_by.code == "nl-dtv"


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"birth_month": "13"}, "birth_month", "must be between 1 and 12"),
        ({"birth_day": "31", "birth_month": "2"}, "birth_day", "1990-02 has no day 31"),
        ({"birth_year": "", "birth_month": "5"}, "birth_year", "needs the year"),
        ({"languages": "Tigrinya"}, "languages", "is not a language tag"),
        ({"surname": "تسفاي"}, "surname", "Latin script"),
        ({"surname": ""}, "surname", "This field is required."),
        ({"original_surname": "x" * 201}, "original_surname", "at most 200 characters"),
        ({"sex": "Q"}, "sex", "Select a valid choice."),
    ],
)
def test_wrong_input_is_shown_next_to_its_field_and_nothing_is_saved(anna, fields, field, reason):
    response = client_of(anna).post(NEW_PERSON, person_form(**fields))
    assert response.status_code == 422
    assert reason in field_error(response.content.decode(), field)
    assert registered() == []


def test_a_refusal_about_an_alias_is_shown_next_to_the_aliases(anna):
    response = client_of(anna).post(NEW_PERSON, person_form(aliases=f"{'y' * 201}, Yonas"))
    assert response.status_code == 422
    assert "at most 200 characters" in field_error(response.content.decode(), "aliases")


def test_the_form_keeps_what_was_typed_when_it_is_refused(anna):
    response = client_of(anna).post(
        NEW_PERSON, person_form(birth_month="13", place_of_birth="Keren")
    )
    values = form_values(response.content.decode(), NEW_PERSON)
    assert values["surname"] == ["Tesfaye"] and values["place_of_birth"] == ["Keren"]
    assert values["birth_month"] == ["13"]


def test_a_similar_person_of_the_same_year_is_shown_before_saving(anna):
    known = person_for(anna, names=[NameInput(surname="Tesfaye", given_names="Yonas")],
                       birth_year=1990, birth_month=None, birth_day=None)
    case = actions.open_case(anna, known.pk, origin="negative_asylum_decision")
    client = client_of(anna)
    # the same words in another order and spelling with accents
    first = client.post(NEW_PERSON, person_form(surname="Yonas", given_names="Tesfáye"))
    assert first.status_code == 409
    html = first.content.decode()
    assert "This person may already be registered" in html
    assert '<bdi dir="auto" class="retour-name">Yonas Tesfaye</bdi>' in html
    assert f'href="/cases/{case.pk}/"' in html
    assert len(registered()) == 1
    search = AccessLogEntry.objects.order_by("-sequence").first()
    assert search is not None and search.operation == "search"
    assert search.person_ids == [str(known.pk)] and search.search_terms["birth_year"] == 1990
    # sent again without confirming: still not saved, and the user is told what to do
    values = form_values(html, NEW_PERSON)
    assert values["checked_against"] == [str(known.pk)]
    second = client.post(NEW_PERSON, values)
    assert second.status_code == 409
    assert "Confirm that this is a different person" in field_error(
        second.content.decode(), "different_person"
    )
    assert len(registered()) == 1
    # confirmed: registered, and the pair waits in the review queue
    values["different_person"] = ["on"]
    third = client.post(NEW_PERSON, values, follow=True)
    assert third.redirect_chain[0][1] == 302
    assert len(registered()) == 2
    new = registered()[1]
    [review] = MatchReview.objects.all()
    assert (review.person_id, review.candidate_id, review.decision) == (
        new.pk, known.pk, "pending")
    assert "1 possible match is waiting for review." in third.content.decode()


def test_the_candidates_are_shown_with_their_score_and_reasons_per_field(anna):
    known = person_for(anna, names=[NameInput(surname="Tesfaye", given_names="Yonas")],
                       birth_year=1990, birth_month=None, birth_day=None)
    html = client_of(anna).post(NEW_PERSON, person_form()).content.decode()
    warning = html[html.index('id="similar-title"'):html.index("</section>")]
    assert f'<a class="utrecht-link" href="/people/{known.pk}/identification/">' in warning
    assert re.search(r"<strong>score (0\.\d\d|1\.00)</strong>", warning)
    for field in ("Name (", "Date of birth (", "Sex ("):
        assert field in warning
    assert "no case" in warning
    assert "review queue of possible matches" in warning


def test_without_candidates_nothing_is_queued(anna):
    assert client_of(anna).post(NEW_PERSON, person_form()).status_code == 302
    assert not MatchReview.objects.exists()


@pytest.mark.parametrize(
    ("known_names", "birth_year", "warned"),
    [
        # the matching of the identification app (``find_candidates``), at the review bar
        ([NameInput(surname="Tesfaye", given_names="Abel")], 1990, False),  # surname only
        ([NameInput(surname="Tesfaye", given_names="Yonas")], 1991, True),  # a year apart
        ([NameInput(surname="Tesfai", given_names="Yonas")], 1990, True),  # another spelling
        ([NameInput(surname="Gebre", given_names="Yonas"),
          NameInput(surname="Tesfaye", given_names="Yonas", kind="alias")], 1990, True),
        ([NameInput(surname="Gebre", given_names="Abel")], 1990, False),
    ],
)
def test_which_persons_count_as_similar(anna, known_names, birth_year, warned):
    person_for(anna, names=known_names, birth_year=birth_year, birth_month=None, birth_day=None)
    response = client_of(anna).post(NEW_PERSON, person_form())
    assert (response.status_code == 409) is warned
    assert len(registered()) == (1 if warned else 2)


def test_a_person_of_another_member_state_is_never_shown_as_similar(anna, lucas):
    person_for(lucas, names=[NameInput(surname="Tesfaye", given_names="Yonas")],
               birth_year=1990, birth_month=None, birth_day=None)
    response = client_of(anna).post(NEW_PERSON, person_form())
    assert response.status_code == 302


def test_a_similar_person_of_another_authority_shows_who_knows_them_not_their_file(
        anna, pieter):
    """The police officer registering someone the return service already holds learns who the
    person is and whom to ask, and nothing of the file: no link, no vulnerabilities."""
    known = person_for(anna, names=[NameInput(surname="Tesfaye", given_names="Yonas")],
                       birth_year=1990, birth_month=None, birth_day=None,
                       vulnerabilities=["victim_of_trafficking"])
    case = actions.open_case(anna, known.pk, origin="negative_asylum_decision")
    response = client_of(pieter).post(NEW_PERSON, person_form())
    assert response.status_code == 409
    html = response.content.decode()
    warning = html[html.index('id="similar-title"'):html.index("</section>")]
    assert '<bdi dir="auto" class="retour-name">Yonas Tesfaye</bdi>' in warning
    assert case.responsible_authority.name in warning and "ask them" in warning
    assert f"/people/{known.pk}/" not in html and f"/cases/{case.pk}/" not in html
    assert "trafficking" not in warning
    assert client_of(pieter).get(new_case_url(known)).status_code == 404


def test_confirming_covers_only_the_persons_shown(anna):
    shown = person_for(anna, names=[NameInput(surname="Tesfaye", given_names="Yonas")],
                       birth_year=1990, birth_month=None, birth_day=None)
    client = client_of(anna)
    values = form_values(client.post(NEW_PERSON, person_form()).content.decode(), NEW_PERSON)
    # meanwhile a colleague registers another Yonas Tesfaye of 1990
    person_for(anna, names=[NameInput(surname="Tesfaye", given_names="Yonas")],
               birth_year=1990, birth_month=None, birth_day=None)
    values["different_person"] = ["on"]
    again = client.post(NEW_PERSON, values)
    assert again.status_code == 409
    assert values["checked_against"] == [str(shown.pk)]
    assert len(registered()) == 2


@pytest.mark.parametrize("persona", ["ruud", "eva", "tom"])
def test_roles_that_do_not_register_persons_are_refused(persona, request, db):
    client = client_of(request.getfixturevalue(persona))
    assert client.get(NEW_PERSON).status_code == 403
    assert client.post(NEW_PERSON, person_form()).status_code == 403
    assert registered() == []


def test_open_a_case_for_a_registered_person(anna):
    person = person_for(anna)
    client = client_of(anna)
    page = client.get(new_case_url(person))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<bdi dir="auto" class="retour-name">Karim Haddad</bdi>' in html
    values = form_values(html, new_case_url(person))
    assert values["responsible_authority"] == ["nl-dtv"]
    values["origin"] = ["negative_asylum_decision"]
    values["reason"] = ["asylum refused on 1 March"]
    response = client.post(new_case_url(person), values)
    [case] = ReturnCase.objects.filter(person=person)
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert (case.origin, case.responsible_authority.code) == ("negative_asylum_decision", "nl-dtv")
    assert case.events.get().reason == "asylum refused on 1 March"


def test_mutual_recognition_needs_the_other_member_state(anna):
    person = person_for(anna)
    client = client_of(anna)
    data = {"origin": "mutual_recognition", "origin_member_state": "",
            "responsible_authority": "nl-dtv"}
    missing = client.post(new_case_url(person), data)
    assert missing.status_code == 422
    assert "name the other member state" in field_error(
        missing.content.decode(), "origin_member_state"
    )
    assert not ReturnCase.objects.exists()
    response = client.post(new_case_url(person), {**data, "origin_member_state": "DE"})
    assert response.status_code == 302
    assert ReturnCase.objects.get().origin_member_state_id == "DE"


def test_a_second_open_case_is_refused_at_the_top_of_the_form(anna):
    case = case_for(anna)
    response = client_of(anna).post(new_case_url(case.person), {
        "origin": "irregular_stay_detected", "responsible_authority": "nl-dtv",
    })
    assert response.status_code == 422
    html = response.content.decode()
    summary = html[html.index('id="error-summary-title"'):]
    assert f"already has an open return case ({case.number})" in summary
    assert ReturnCase.objects.count() == 1


def test_new_case_page_records_the_read(anna):
    person = person_for(anna)
    client_of(anna).get(new_case_url(person))
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert entry is not None
    assert (entry.operation, entry.object_type, entry.channel) == ("read", "person", "web")
    assert entry.person_ids == [str(person.pk)]


@pytest.mark.parametrize("outsider", ["lucas", "eva"])
def test_person_of_another_member_state_is_not_found(outsider, anna, request):
    person = person_for(anna)
    client = client_of(request.getfixturevalue(outsider))
    assert client.get(new_case_url(person)).status_code == 404
    response = client.post(new_case_url(person), {
        "origin": "irregular_stay_detected", "responsible_authority": "nl-dtv",
    })
    assert response.status_code == 404
    assert not ReturnCase.objects.exists()


def test_auditor_may_see_the_person_but_not_open_a_case(anna, ruud):
    person = person_for(anna)
    client = client_of(ruud)
    assert client.get(new_case_url(person)).status_code == 403
    response = client.post(new_case_url(person), {
        "origin": "irregular_stay_detected", "responsible_authority": "nl-dtv",
    })
    assert response.status_code == 403
    assert not ReturnCase.objects.exists()


def test_signed_out_visitor_is_sent_to_sign_in(client: Client, db):
    response = client.get(NEW_PERSON)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
