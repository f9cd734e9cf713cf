"""The access log of one person for an audit: only entries concerning that person, only for an
auditor of the person's member state, filtered by user and by a period of whole local days,
the newest first."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from conftest import make_user
from retour import clock
from retour.accounts.roles import RoleCode
from retour.audit.log import record_access
from retour.audit.models import AccessLogEntry
from retour.audit.queries import AccessFilters, entries_about, usernames_about
from retour.errors import InvalidInput, NotVisible, PermissionRefused
from retour.people.actions import NameInput
from retour.people.models import Person
from retour.testing.factories import person_for

# Europe/Brussels (the sites' time zone) is UTC+1 in early March.
EVENING = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)  # 23:30 on 1 March, local
AFTER_MIDNIGHT = datetime(2026, 3, 1, 23, 10, tzinfo=UTC)  # 00:10 on 2 March, local
MORNING = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 on 2 March, local


def sequences(entries) -> list[int]:
    return [e.sequence for e in entries]


@pytest.fixture
def karim(anna) -> Person:
    with clock.frozen_at(datetime(2026, 2, 1, 9, 0, tzinfo=UTC)):
        return person_for(anna)


@pytest.fixture
def omid(anna) -> Person:
    with clock.frozen_at(datetime(2026, 2, 1, 9, 0, tzinfo=UTC)):
        return person_for(anna, names=[NameInput(surname="Rahimi", given_names="Omid")])


def at(moment: datetime, *args, **kwargs) -> AccessLogEntry:
    with clock.frozen_at(moment):
        return record_access(*args, **kwargs)


def test_only_entries_naming_the_person_among_their_persons(ruud, anna, pieter, karim, omid):
    registered = AccessLogEntry.objects.get(operation="write", person_ids=[str(karim.pk)])
    both = at(EVENING, anna, "search", "return_case", ["c-1", "c-2"],
              person_ids=[omid.pk, karim.pk], search_terms={"q": "a"}, channel="web")
    at(EVENING, pieter, "read", "person", [omid.pk], person_ids=[omid.pk])
    # The person's id among the objects but not among the persons: about someone else.
    at(EVENING, pieter, "read", "family_link", [karim.pk], person_ids=[omid.pk])
    read = at(MORNING, pieter, "read", "return_case", ["c-1"], person_ids=[karim.pk])

    assert sequences(entries_about(ruud, karim)) == [
        read.sequence, both.sequence, registered.sequence
    ]
    assert both.sequence in sequences(entries_about(ruud, omid))
    assert read.sequence not in sequences(entries_about(ruud, omid))


def test_newest_first_and_the_chain_order_within_the_same_moment(ruud, anna, karim):
    first = at(MORNING, anna, "read", "person", [karim.pk], person_ids=[karim.pk])
    second = at(MORNING, anna, "write", "person", [karim.pk], person_ids=[karim.pk])
    earlier = at(EVENING, anna, "read", "person", [karim.pk], person_ids=[karim.pk])
    assert sequences(entries_about(ruud, karim))[:3] == [
        second.sequence, first.sequence, earlier.sequence
    ]


def test_filter_by_user(ruud, anna, pieter, karim):
    mine = at(MORNING, pieter, "read", "person", [karim.pk], person_ids=[karim.pk])
    at(MORNING, anna, "read", "person", [karim.pk], person_ids=[karim.pk])
    assert sequences(entries_about(ruud, karim, AccessFilters(username="pieter"))) == [
        mine.sequence
    ]
    assert list(entries_about(ruud, karim, AccessFilters(username="nobody"))) == []


def test_period_is_whole_local_days_both_ends_included(ruud, anna, karim):
    evening = at(EVENING, anna, "read", "person", [karim.pk], person_ids=[karim.pk])
    night = at(AFTER_MIDNIGHT, anna, "read", "person", [karim.pk], person_ids=[karim.pk])
    morning = at(MORNING, anna, "read", "person", [karim.pk], person_ids=[karim.pk])
    first, second = date(2026, 3, 1), date(2026, 3, 2)

    def found(**period) -> list[int]:
        return sequences(entries_about(ruud, karim, AccessFilters(**period)))

    assert found(date_from=first, date_to=first) == [evening.sequence]
    assert found(date_from=second, date_to=second) == [morning.sequence, night.sequence]
    assert found(date_from=second) == [morning.sequence, night.sequence]
    assert found(date_to=first)[0] == evening.sequence  # and the registration before it
    assert found(date_from=date(2026, 3, 3)) == []


def test_a_period_ending_before_it_starts_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as refused:
        AccessFilters(date_from=date(2026, 3, 2), date_to=date(2026, 3, 1))
    assert list(refused.value.errors) == ["date_to"]
    AccessFilters(date_from=date(2026, 3, 2), date_to=date(2026, 3, 2))  # one day is a period


def test_search_terms_name_the_filters_set():
    assert AccessFilters().search_terms() == {}
    assert AccessFilters(username="anna", date_to=date(2026, 3, 1)).search_terms() == {
        "username": "anna", "date_to": "2026-03-01"
    }


def test_usernames_of_everyone_in_the_persons_log(ruud, anna, pieter, sanne, karim, omid):
    at(MORNING, pieter, "read", "person", [karim.pk], person_ids=[karim.pk])
    at(MORNING, sanne, "read", "person", [omid.pk], person_ids=[omid.pk])
    assert usernames_about(ruud, karim) == ["anna", "pieter"]


@pytest.mark.parametrize("persona", ["anna", "sanne", "eva", "tom", "ada", "lucas"])
def test_only_the_audit_role_reads_the_log(request, persona, karim):
    with pytest.raises(PermissionRefused):
        entries_about(request.getfixturevalue(persona), karim)


def test_an_auditor_sees_no_person_of_another_member_state(ruud, lucas):
    belgian = person_for(lucas)
    record_access(lucas, "read", "person", [belgian.pk], person_ids=[belgian.pk])
    with pytest.raises(NotVisible):
        entries_about(ruud, belgian)
    with pytest.raises(NotVisible):
        usernames_about(ruud, belgian)


def test_an_auditor_without_a_member_state_sees_no_person(karim):
    eu_auditor = make_user("olga", "Olga", "Berg", "eu-erc", (RoleCode.AUDITOR,))
    with pytest.raises(NotVisible):
        entries_about(eu_auditor, karim)


def test_a_person_unknown_to_the_log_has_an_empty_log(ruud, karim):
    unlogged = Person(pk=uuid.uuid4(), member_state_id="NL")
    assert list(entries_about(ruud, unlogged)) == []
