"""Who may do what: capabilities per role, scoping per member state, deny by default."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retour.accounts.models import User
from retour.cases import actions
from retour.cases.actions._core import load_case
from retour.cases.models import CaseEvent, Decision, ReturnCase
from retour.cases.procedure import transitions
from retour.cases.stages import Stage
from retour.cases.tests import support as s
from retour.counselling.actions import refer_to_reintegration
from retour.errors import InvalidInput, NotVisible, PermissionRefused
from retour.testing.factories import person_for

USER_ACTIONS = [t.action for t in transitions() if t.capability is not None]


def test_return_counsellor_records_departure_but_cannot_decide(lucas, lotte, today):
    case = s.voluntary_departure(lucas)
    # the case is referred to reintegration: return counselling's work (ADR 0016)
    refer_to_reintegration(lucas, case.pk, referred_on=today, programme="Fedasil AVRR",
                           counselling_service="be-fedasil")
    with s.writes_nothing(case.pk), pytest.raises(
        PermissionRefused, match="issue return decision"
    ):
        actions.issue_return_decision(lotte, case.pk, decided_on=today, voluntary_departure_days=7)
    other = s.legal_stay_ended(lucas, arabic_script=True)
    with s.writes_nothing(other.pk), pytest.raises(NotVisible):  # not referred to counselling
        actions.issue_return_decision(
            lotte, other.pk, decided_on=today, voluntary_departure_days=30
        )
    case = actions.record_voluntary_departure(
        lotte, case.pk, departed_on=today, destination="MA", assisted=True
    )
    assert case.stage == Stage.DEPARTED
    assert case.events.latest("sequence").actor == lotte


def test_return_counsellor_cannot_open_a_case(lucas, lotte, today):
    person = person_for(lucas)
    with pytest.raises(PermissionRefused, match="open return cases"):
        actions.open_case(lotte, person.pk, origin="irregular_stay_detected")
    assert not ReturnCase.objects.filter(person=person).exists()


@pytest.mark.parametrize("action", USER_ACTIONS)
def test_auditor_reads_but_cannot_write(anna, ruud, today, action):
    case = s.voluntary_departure(anna)
    assert load_case(ruud, case.pk) == case
    assert ReturnCase.objects.visible_to(ruud).filter(pk=case.pk).exists()
    assert CaseEvent.objects.visible_to(ruud).filter(case=case).count() == case.events.count()
    with s.writes_nothing(case.pk), pytest.raises(PermissionRefused, match="your role"):
        s.attempt(action, ruud, case.pk)


@pytest.mark.parametrize("persona", ["eva", "tom", "ada"])
def test_roles_without_personal_data_see_no_case(anna, request, today, persona):
    user = request.getfixturevalue(persona)
    case = s.voluntary_departure(anna)
    for model in (ReturnCase, CaseEvent, Decision):
        assert not model.objects.visible_to(user).exists()
    with pytest.raises(NotVisible):
        load_case(user, case.pk)
    with s.writes_nothing(case.pk), pytest.raises(NotVisible, match="case not found"):
        actions.close_case(user, case.pk, outcome="other", reason="tidy up")


def test_cases_of_another_member_state_do_not_exist_for_the_user(anna, lucas, today):
    nl_case = s.registered(anna)
    be_case = s.registered(lucas)
    assert list(ReturnCase.objects.visible_to(anna)) == [nl_case]
    assert list(ReturnCase.objects.visible_to(lucas)) == [be_case]
    with s.writes_nothing(nl_case.pk), pytest.raises(NotVisible):
        actions.record_end_of_legal_stay(lucas, nl_case.pk, decided_on=today)
    with pytest.raises(NotVisible):
        actions.open_case(anna, be_case.person_id, origin="irregular_stay_detected")


def test_a_malformed_case_id_is_just_not_found(anna, today):
    with pytest.raises(NotVisible):
        actions.record_end_of_legal_stay(anna, "not-a-uuid", decided_on=today)


def test_an_inactive_officer_can_do_nothing(anna, today):
    case = s.registered(anna)
    User.objects.filter(pk=anna.pk).update(is_active=False)
    deactivated = User.objects.get(pk=anna.pk)
    with s.writes_nothing(case.pk), pytest.raises(NotVisible):
        actions.record_end_of_legal_stay(deactivated, case.pk, decided_on=today)


def test_only_supervisors_assign(anna, sanne, today):
    case = s.registered(anna)
    with s.writes_nothing(case.pk), pytest.raises(PermissionRefused, match="assign"):
        actions.assign_case(anna, case.pk, officer_username="anna")
    case = actions.assign_case(sanne, case.pk, officer_username="anna")
    assert case.assigned_officer == anna


@pytest.mark.parametrize(
    ("officer", "why"),
    [
        ("pieter", "works for another authority"),
        ("ruud", "an auditor does not work cases"),
        ("tom", "a statistician sees no personal data"),
        ("nobody", "does not exist"),
    ],
)
def test_cases_are_assigned_only_to_officers_who_can_work_them(
    anna, sanne, request, today, officer, why
):
    if officer != "nobody":
        request.getfixturevalue(officer)
    case = s.registered(anna)
    with s.writes_nothing(case.pk), pytest.raises(InvalidInput, match="officer_username"):
        actions.assign_case(sanne, case.pk, officer_username=officer)


def test_only_the_responsible_authority_records_steps_even_while_handing_over(
    anna, pieter, today
):
    """The tester's find: a police officer recorded a step on a case the return service still
    held while its hand-over to the police waited for acceptance. The receiver sees the case
    (to decide on it) but records nothing until it accepts; then the case is theirs."""
    case = s.forced_return_preparation(anna)
    actions.send_handover(anna, case.pk, to_authority="nl-avim", note="you escort")
    with s.writes_nothing(case.pk), pytest.raises(
        PermissionRefused, match=r"still with .*: accept the hand-over"
    ):
        actions.schedule_removal(pieter, case.pk, planned_on=today + timedelta(days=3))
    actions.accept_handover(pieter, case.pk, reason="we escort")
    case = actions.schedule_removal(pieter, case.pk, planned_on=today + timedelta(days=3))
    assert case.stage == Stage.REMOVAL_SCHEDULED
    # the return service handed it over: it no longer sees the case, let alone acts on it
    with s.writes_nothing(case.pk), pytest.raises(NotVisible):
        actions.cancel_removal(anna, case.pk, reason="flight cancelled")


def test_an_officer_of_another_authority_does_not_see_the_case(anna, pieter, today):
    case = s.forced_return_preparation(anna)
    assert not ReturnCase.objects.visible_to(pieter).filter(pk=case.pk).exists()
    with s.writes_nothing(case.pk), pytest.raises(NotVisible):
        actions.schedule_removal(pieter, case.pk, planned_on=today + timedelta(days=3))


def test_every_officer_of_the_responsible_authority_acts_not_only_the_assigned_one(
    anna, sanne, today
):
    case = s.forced_return_preparation(anna)
    actions.assign_case(sanne, case.pk, officer_username="sanne")
    case = actions.schedule_removal(anna, case.pk, planned_on=today + timedelta(days=3))
    assert case.stage == Stage.REMOVAL_SCHEDULED
