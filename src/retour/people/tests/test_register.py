"""Registering a person: every wrong field is named, and a refusal writes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retour.audit.models import AccessLogEntry
from retour.cases.tests.support import TODAY, on, rolled_back
from retour.errors import InvalidInput, PermissionRefused
from retour.people.actions import NameInput, NewPerson, register_person
from retour.people.models import Nationality, Person, PersonName, Vulnerability
from retour.testing.factories import NewPersonFactory


def new_person(**changes: Any) -> NewPerson:
    return cast(NewPerson, NewPersonFactory(**changes))


@pytest.fixture
def today():
    with on(TODAY):
        yield TODAY


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Person, PersonName, Nationality, Vulnerability, AccessLogEntry)
    )


def test_registration_writes_the_person_names_nationalities_and_an_access_entry(anna, today):
    data = new_person(
        arabic_script=True, confirmed_nationalities=["dz"], country_of_birth="MA",
        vulnerabilities=["serious_illness", "serious_illness"], languages=["ar", "fr", "ar"],
    )
    person = register_person(anna, data, reason="intake at Schiphol")
    assert person.member_state_id == "NL" and person.registered_by.code == "nl-dtv"
    names = {(n.script, n.surname, n.search_key) for n in person.names.all()}
    assert names == {("Latn", "Haddad", "karim haddad"), ("Arab", "حداد", "krym hdd")}
    assert set(person.nationalities.values_list("country_id", "status")) == {
        ("MA", "claimed"), ("DZ", "confirmed")
    }
    assert list(person.vulnerabilities.values_list("kind", "noted_on")) == [
        ("serious_illness", today)
    ]
    assert person.languages == ["ar", "fr"]
    entry = AccessLogEntry.objects.get()
    assert (entry.operation, entry.object_type, entry.person_ids, entry.reason) == (
        "write", "person", [str(person.pk)], "intake at Schiphol"
    )


@pytest.mark.parametrize(
    ("year", "month", "day", "shown"),
    [
        (1994, None, None, "1994"),
        (1994, 5, None, "1994-05"),
        (1994, 5, 17, "1994-05-17"),
        (2024, 2, 29, "2024-02-29"),
        (2026, 3, 2, "2026-03-02"),
        (2026, 3, None, "2026-03"),
        (None, None, None, ""),
    ],
)
def test_partial_dates_of_birth_are_kept_as_given(anna, today, year, month, day, shown):
    data = new_person(birth_year=year, birth_month=month, birth_day=day)
    person = register_person(anna, data)
    assert person.date_of_birth_display == shown
    estimated = register_person(anna, replace(data, birth_date_estimated=True))
    assert estimated.date_of_birth_display == (f"~{shown}" if shown else "")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"birth_year": None, "birth_month": 5, "birth_day": None}, "birth_year", "needs the year"),
        ({"birth_year": None, "birth_month": 0, "birth_day": None}, "birth_year", "needs the year"),
        ({"birth_year": None, "birth_month": None, "birth_day": 0}, "birth_year", "needs the year"),
        ({"birth_month": None}, "birth_month", "a day of birth needs the month"),
        ({"birth_year": 1899}, "birth_year", "between 1900 and 2026"),
        ({"birth_year": 2027}, "birth_year", "between 1900 and 2026"),
        ({"birth_month": 13}, "birth_month", "between 1 and 12"),
        ({"birth_month": 0, "birth_day": None}, "birth_month", "between 1 and 12"),
        ({"birth_year": 2023, "birth_month": 2, "birth_day": 29}, "birth_day",
         "2023-02 has no day 29"),
        ({"birth_month": 4, "birth_day": 31}, "birth_day", "1994-04 has no day 31"),
        ({"birth_day": 0}, "birth_day", "1994-05 has no day 0"),
        ({"birth_year": 2026, "birth_month": 3, "birth_day": 3}, "birth_day", "in the future"),
        ({"birth_year": 2026, "birth_month": 4, "birth_day": None}, "birth_month",
         "in the future"),
        ({"claimed_nationalities": ["MA", "XX"]}, "claimed_nationalities", "XX"),
        ({"confirmed_nationalities": ["ZZ"]}, "confirmed_nationalities", "ZZ"),
        ({"country_of_birth": "Morocco"}, "country_of_birth", "MOROCCO"),
        ({"confirmed_nationalities": ["ma"]}, "claimed_nationalities", "MA also listed"),
        ({"names": []}, "names", "at least one primary name"),
        ({"names": [NameInput(surname="  ", given_names=" ")]}, "names[0]",
         "a surname or given names"),
        ({"names": [NameInput(surname="Haddad"), NameInput(surname="H", kind="nickname")]},
         "names[1].kind", "must be one of"),
        ({"names": [NameInput(surname="Haddad", script="Latin")]}, "names[0].script",
         "ISO 15924"),
        ({"names": [NameInput(surname="H" * 201)]}, "names[0].surname", "at most 200"),
        ({"place_of_birth": "x" * 201}, "place_of_birth", "at most 200"),
        ({"sex": "male"}, "sex", "must be one of F, M, X"),
        ({"languages": ["ar", "English"]}, "languages", "'English'"),
        ({"languages": ["ar\n"]}, "languages", "not a language tag"),
        ({"languages": [""]}, "languages", "not a language tag"),
        ({"vulnerabilities": ["sad"]}, "vulnerabilities", "'sad'"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    anna, today, changes, field, message
):
    before = _counts()
    with pytest.raises(InvalidInput) as refusal:
        register_person(anna, new_person(**changes))
    assert field in refusal.value.errors
    assert message in refusal.value.errors[field]
    assert _counts() == before


def test_all_wrong_fields_are_named_at_once(anna, today):
    with pytest.raises(InvalidInput) as refusal:
        register_person(anna, new_person(sex="?", birth_month=14, languages=["?"]))
    assert set(refusal.value.errors) == {"sex", "birth_month", "languages"}


@pytest.mark.parametrize("persona", ["lotte", "ruud", "eva", "tom", "ada"])
def test_roles_that_do_not_register_persons_are_refused(db, request, today, persona):
    user = request.getfixturevalue(persona)
    before = _counts()
    with pytest.raises(PermissionRefused, match="register and edit persons"):
        register_person(user, new_person())
    assert _counts() == before


def _valid_birth_date(year: int | None, month: int | None, day: int | None) -> bool:
    if year is None:
        return month is None and day is None
    if not 1900 <= year <= TODAY.year or (day is not None and month is None):
        return False
    if month is None:
        return True
    if not 1 <= month <= 12 or (year, month) > (TODAY.year, TODAY.month):
        return False
    if day is None:
        return True
    try:
        return date(year, month, day) <= TODAY
    except ValueError:
        return False


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    year=st.one_of(st.none(), st.integers(min_value=1895, max_value=2028)),
    month=st.one_of(st.none(), st.integers(min_value=-1, max_value=13)),
    day=st.one_of(st.none(), st.integers(min_value=-1, max_value=32)),
)
def test_any_date_of_birth_is_accepted_exactly_when_it_is_a_real_past_date(
    anna, today, year, month, day
):
    with rolled_back():
        data = new_person(birth_year=year, birth_month=month, birth_day=day)
        try:
            person = register_person(anna, data)
        except InvalidInput as refusal:
            assert not _valid_birth_date(year, month, day), refusal
            assert set(refusal.errors) <= {"birth_year", "birth_month", "birth_day"}
            assert not Person.objects.exists()
        else:
            assert _valid_birth_date(year, month, day)
            person.refresh_from_db()
            assert (person.birth_year, person.birth_month, person.birth_day) == (year, month, day)
