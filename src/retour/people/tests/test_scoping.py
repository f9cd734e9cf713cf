"""Who sees which persons: the user's own member state, and only roles that need personal
data (deny by default)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import make_user
from retour.accounts.models import User
from retour.accounts.roles import RoleCode
from retour.cases.actions.handovers import accept_handover, send_handover
from retour.counselling.actions import refer_to_reintegration
from retour.errors import InvalidInput, NotVisible, PermissionRefused
from retour.identification import reviews
from retour.identification.models import MatchReview
from retour.people.actions import link_family_members, visible_person
from retour.people.models import FamilyLink, Person
from retour.testing.factories import case_for, case_in_voluntary_departure, person_for

# Who sees a person registered by the Dutch return service (anna's authority) and one by the
# Belgian immigration office (lucas's), while neither has a case anyone else holds: the
# registering authority and the auditor, no other authority, no role without persons.
SEES = {
    "anna": "NL", "sanne": "NL", "ruud": "NL", "pieter": None,
    "lucas": "BE", "lotte": None,
    "eva": None, "tom": None, "ada": None,
}


@pytest.fixture
def persons(anna, lucas):
    return {"NL": person_for(anna), "BE": person_for(lucas)}


@pytest.mark.parametrize(("persona", "member_state"), SEES.items())
def test_each_persona_sees_the_persons_within_their_need_to_know_only(
    request, persons, persona, member_state
):
    user = request.getfixturevalue(persona)
    visible = set(Person.objects.visible_to(user))
    assert visible == ({persons[member_state]} if member_state else set())
    for state, person in persons.items():
        assert Person.objects.is_visible_to(person, user) == (state == member_state)
        if state == member_state:
            assert visible_person(user, person.pk) == person
        else:
            with pytest.raises(NotVisible, match="person not found"):
                visible_person(user, person.pk)


def test_another_authority_sees_a_person_once_it_holds_their_case(anna, pieter):
    """A person registered by the return service comes to the police with the case's
    hand-over (to decide on it while it waits), and stays with the case once accepted."""
    case = case_for(anna)
    assert not Person.objects.is_visible_to(case.person, pieter)
    send_handover(anna, case.pk, to_authority="nl-avim", note="arrested at Schiphol")
    assert Person.objects.is_visible_to(case.person, pieter)
    accept_handover(pieter, case.pk)
    assert set(Person.objects.visible_to(pieter)) == {case.person}


def test_a_counsellor_sees_the_persons_of_cases_referred_to_reintegration_only(lucas, lotte):
    referred, other = (
        case_in_voluntary_departure(lucas, decided_on=date(2026, 5, 1)) for _ in range(2)
    )
    refer_to_reintegration(lucas, referred.pk, referred_on=date(2026, 5, 4), programme="JRS",
                           counselling_service="be-fedasil")
    assert set(Person.objects.visible_to(lotte)) == {referred.person}
    assert not Person.objects.is_visible_to(other.person, lotte)


def test_a_possible_match_brings_both_persons_to_identification_only(anna, pieter, persons):
    """Both sides of a possible match are read side by side by the identification service,
    which decides them for the member state; a case officer who queued the match sees their
    own side, and the other only as the review shows it."""
    identifier = make_user("iris", "Iris", "Bos", "nl-avim", (RoleCode.IDENTIFICATION_OFFICER,))
    planner = make_user("otto", "Otto", "Kok", "nl-avim", (RoleCode.OPERATIONS_PLANNER,))
    again = person_for(pieter)  # the factory registers every person as Karim Haddad
    assert not Person.objects.is_visible_to(persons["NL"], identifier)
    reviews.queue_possible_matches(pieter, again.pk, threshold=0.0)
    assert MatchReview.objects.filter(person=again, candidate=persons["NL"]).exists()
    assert Person.objects.is_visible_to(persons["NL"], identifier)
    assert not Person.objects.is_visible_to(persons["NL"], pieter)
    assert not Person.objects.is_visible_to(persons["NL"], planner)
    assert set(MatchReview.objects.visible_to(pieter)) == set(MatchReview.objects.all())


def test_matching_searches_the_whole_member_state(anna, pieter, persons):
    """Finding whether someone is already registered works across authorities (one person,
    one file); seeing their file does not come with it."""
    assert set(Person.objects.matchable_by(pieter)) == {persons["NL"]}
    assert not Person.objects.matchable_by(AnonymousUser()).exists()


def test_nobody_signed_in_sees_nobody(persons):
    assert not Person.objects.visible_to(AnonymousUser()).exists()
    assert not Person.objects.visible_to(None).exists()


def test_a_deactivated_officer_sees_nobody(anna, persons):
    User.objects.filter(pk=anna.pk).update(is_active=False)
    assert not Person.objects.visible_to(User.objects.get(pk=anna.pk)).exists()


@pytest.mark.parametrize("person_id", ["not-a-uuid", uuid.UUID(int=0), None, 42])
def test_an_unknown_or_malformed_id_is_just_not_found(anna, persons, person_id):
    with pytest.raises(NotVisible):
        visible_person(anna, person_id)


def test_family_links_stay_within_the_member_state(anna, lucas, persons):
    child = person_for(anna, unaccompanied_minor=True)
    link = link_family_members(anna, persons["NL"].pk, child.pk, "parent_of")
    assert (link.person, link.relative) == (persons["NL"], child)
    with pytest.raises(InvalidInput, match="already linked"):
        link_family_members(anna, persons["NL"].pk, child.pk, "parent_of")
    with pytest.raises(InvalidInput, match="relative_id: no such person"):
        link_family_members(anna, persons["NL"].pk, persons["BE"].pk, "spouse_of")
    with pytest.raises(InvalidInput, match="own relative"):
        link_family_members(anna, child.pk, child.pk, "sibling_of")
    with pytest.raises(InvalidInput, match="relation"):
        link_family_members(anna, child.pk, persons["NL"].pk, "cousin_of")
    assert FamilyLink.objects.count() == 1


def test_only_roles_that_register_persons_link_them(ruud, persons):
    with pytest.raises(PermissionRefused):
        link_family_members(ruud, persons["NL"].pk, persons["NL"].pk, "parent_of")


def test_a_family_link_is_recorded_only_by_an_authority_acting_on_the_persons_cases(
        anna, pieter):
    """An identification officer of the police sees both sides of a possible match, but
    linking them as family changes the return service's cases: refused before anything is
    read of the request, and nothing is written."""
    identifier = make_user("iris", "Iris", "Bos", "nl-avim", (RoleCode.IDENTIFICATION_OFFICER,))
    case = case_for(anna)
    child = person_for(anna, unaccompanied_minor=True)
    again = person_for(pieter)
    reviews.queue_possible_matches(pieter, again.pk, threshold=0.0)
    assert Person.objects.is_visible_to(case.person, identifier)
    with pytest.raises(PermissionRefused, match="only Dienst Terugkeer en Vertrek"):
        link_family_members(identifier, case.person_id, child.pk, "parent_of")
    assert not FamilyLink.objects.exists()
    link = link_family_members(anna, case.person_id, child.pk, "parent_of")
    assert (link.person, link.relative) == (case.person, child)
