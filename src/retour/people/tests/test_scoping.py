"""Who sees which persons: the user's own member state, and only roles that need personal
data (deny by default)."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser

from retour.accounts.models import User
from retour.errors import InvalidInput, NotVisible, PermissionRefused
from retour.people.actions import link_family_members, visible_person
from retour.people.models import FamilyLink, Person
from retour.testing.factories import person_for

SEES = {
    "anna": "NL", "pieter": "NL", "sanne": "NL", "ruud": "NL",
    "lucas": "BE", "lotte": "BE",
    "eva": None, "tom": None, "ada": None,
}


@pytest.fixture
def persons(anna, lucas):
    return {"NL": person_for(anna), "BE": person_for(lucas)}


@pytest.mark.parametrize(("persona", "member_state"), SEES.items())
def test_each_persona_sees_the_persons_of_their_member_state_only(
    request, persons, persona, member_state
):
    user = request.getfixturevalue(persona)
    visible = set(Person.objects.visible_to(user))
    assert visible == ({persons[member_state]} if member_state else set())
    for state, person in persons.items():
        if state == member_state:
            assert visible_person(user, person.pk) == person
        else:
            with pytest.raises(NotVisible, match="person not found"):
                visible_person(user, person.pk)


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
