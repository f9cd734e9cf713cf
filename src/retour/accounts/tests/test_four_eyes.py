"""The administration is scoped to the administrator's member state, nobody changes their own
access, and roles and authorities change only with a second administrator's approval (ADR 13).

The attacks go through the real administration URLs with the Django test client; the rules
that have no page of their own (the user concerned deciding, a stale request, a change that
cannot be logged) through the actions."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from conftest import make_user
from retour.accounts import administration
from retour.accounts.models import AccessChangeRequest, ApiToken, Authority, User
from retour.accounts.roles import RoleCode
from retour.audit.log import verify_chain
from retour.audit.models import AccessLogEntry
from retour.errors import InvalidInput, NotVisible, PermissionRefused
from retour.readmission.models import Instrument
from retour.reference.models import LegalParameter
from retour.testing.factories import case_for

STRONG = "violet-harbour-lantern-42"


@pytest.fixture
def bram(db: Any) -> User:
    """A second administrator of the Netherlands."""
    return make_user("bram", "Bram", "de Boer", "nl-avim", (RoleCode.ADMINISTRATOR,))


@pytest.fixture
def bart(db: Any) -> User:
    """An administrator of Belgium."""
    return make_user("bart", "Bart", "Claes", "be-dvz", (RoleCode.ADMINISTRATOR,))


def user_form(user: User, **changes: Any) -> dict[str, Any]:
    """What the user's change page posts, with ``changes``."""
    data: dict[str, Any] = {
        "username": user.username, "first_name": user.first_name,
        "last_name": user.last_name, "email": user.email, "is_active": "on",
        "authority": user.authority_id, "roles": sorted(user.role_codes), "_save": "Save",
    }
    data.update(changes)
    return data


def administered(**filters: Any) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(operation="administer", **filters))


def ask(administrator: User, target: User, roles: list[str]) -> AccessChangeRequest:
    assert target.authority is not None
    asked = administration.request_access_change(administrator, target, roles, target.authority)
    assert asked is not None
    return asked


def refresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_an_administrator_cannot_take_a_belgian_authority_and_case_work(client, ada, lucas):
    """The attack of issue 13: Ada, administrator in the Netherlands, gives herself a Belgian
    authority and the case officer's role, then opens a Belgian case."""
    belgian_case = case_for(lucas)
    client.force_login(ada)

    response = client.post(
        f"/admin/accounts/user/{ada.pk}/change/",
        user_form(ada, authority=Authority.objects.get(code="be-dvz").pk,
                  roles=[RoleCode.ADMINISTRATOR, RoleCode.CASE_OFFICER]),
    )

    assert response.status_code in (200, 302)
    ada = refresh(ada)
    assert ada.authority.code == "nl-dtv"
    assert ada.role_codes == {RoleCode.ADMINISTRATOR}
    assert not AccessChangeRequest.objects.exists()
    client.force_login(ada)
    assert client.get(f"/cases/{belgian_case.pk}/").status_code == 404


def test_nobody_asks_to_change_their_own_access(ada):
    with pytest.raises(PermissionRefused):
        administration.request_access_change(
            ada, ada, [RoleCode.ADMINISTRATOR, RoleCode.CASE_OFFICER], ada.authority
        )


def test_own_page_offers_no_access_fields(client, ada):
    client.force_login(ada)
    page = client.get(f"/admin/accounts/user/{ada.pk}/change/").content.decode()
    for name in ("is_active", "authority", "roles"):
        assert f'name="{name}"' not in page


def test_other_member_states_and_eu_users_do_not_exist_for_a_national_administrator(
    client, ada, anna, lucas, eva
):
    client.force_login(ada)
    listed = client.get("/admin/accounts/user/").content.decode()
    assert "anna" in listed
    assert "lucas" not in listed and "eva" not in listed
    for user in (lucas, eva):
        assert client.get(f"/admin/accounts/user/{user.pk}/change/").status_code == 404
        assert client.get(f"/admin/accounts/user/{user.pk}/history/").status_code == 404
    belgian = Authority.objects.get(code="be-dvz")
    assert client.get(f"/admin/accounts/authority/{belgian.pk}/change/").status_code == 404
    offered = client.get("/admin/accounts/user/add/").content.decode()
    assert "be-dvz" not in offered and "Immigration Office" not in offered


def test_the_eu_coordinators_password_cannot_be_reset_by_a_national_administrator(
    client, ada, eva
):
    client.force_login(ada)
    url = f"/admin/accounts/user/{eva.pk}/password/"
    assert client.get(url).status_code == 404
    response = client.post(url, {"password1": STRONG, "password2": STRONG,
                                 "set_usable_password": "true"})
    assert response.status_code == 404
    assert refresh(eva).check_password("x-eva")


def test_another_administrators_password_cannot_be_reset(client, ada, bram):
    """Otherwise one administrator could sign in as a second and approve their own request."""
    client.force_login(ada)
    response = client.post(f"/admin/accounts/user/{bram.pk}/password/",
                           {"password1": STRONG, "password2": STRONG,
                            "set_usable_password": "true"})
    assert response.status_code == 403
    assert refresh(bram).check_password("x-bram")


def test_a_password_reset_within_the_member_state_is_logged_without_the_password(
    client, ada, anna
):
    client.force_login(ada)
    response = client.post(f"/admin/accounts/user/{anna.pk}/password/",
                           {"password1": STRONG, "password2": STRONG,
                            "set_usable_password": "true"})
    assert response.status_code == 302
    assert refresh(anna).check_password(STRONG)
    [entry] = administered(object_ids=[str(anna.pk)])
    assert entry.username == "ada" and "password" in entry.reason.lower()
    assert STRONG not in entry.reason


def test_a_role_change_waits_for_a_second_administrator(client, ada, bram, bart, anna):
    client.force_login(ada)
    response = client.post(
        f"/admin/accounts/user/{anna.pk}/change/",
        user_form(anna, roles=[RoleCode.CASE_OFFICER, RoleCode.SUPERVISOR]),
    )
    assert response.status_code == 302
    assert refresh(anna).role_codes == {RoleCode.CASE_OFFICER}  # not applied yet
    change = AccessChangeRequest.objects.get(target=anna)
    assert change.status == AccessChangeRequest.Status.PENDING
    [asked] = administered(object_ids=[str(anna.pk)])
    assert "case_officer → case_officer, supervisor" in asked.reason

    # The requester cannot approve it.
    url = f"/admin/accounts/accesschangerequest/{change.pk}/change/"
    decision = {"decision": "approve", "reason": "Anna leads the Tuesday team."}
    assert client.post(url, decision).status_code == 403
    assert refresh(anna).role_codes == {RoleCode.CASE_OFFICER}
    # Nor does a Belgian administrator see it.
    client.force_login(bart)
    assert client.get(url).status_code == 404

    client.force_login(bram)
    assert "anna" in client.get("/admin/accounts/accesschangerequest/").content.decode()
    assert client.post(url, decision).status_code == 302
    assert refresh(anna).role_codes == {RoleCode.CASE_OFFICER, RoleCode.SUPERVISOR}
    change.refresh_from_db()
    assert change.status == AccessChangeRequest.Status.APPROVED
    assert change.decided_by == bram
    [approved] = administered(object_ids=[str(anna.pk)], username="bram")
    assert "approved" in approved.reason and "Tuesday team" in approved.reason


def test_a_decision_needs_a_reason(client, ada, bram, anna):
    change = ask(ada, anna, [RoleCode.SUPERVISOR])
    client.force_login(bram)
    response = client.post(f"/admin/accounts/accesschangerequest/{change.pk}/change/",
                           {"decision": "approve", "reason": "  "})
    assert response.status_code == 200
    assert refresh(anna).role_codes == {RoleCode.CASE_OFFICER}


def test_the_user_concerned_cannot_approve_their_own_change(ada, bram):
    change = ask(ada, bram, [RoleCode.ADMINISTRATOR, RoleCode.AUDITOR])
    with pytest.raises(PermissionRefused):
        administration.approve(bram, change, "I need it.")
    assert refresh(bram).role_codes == {RoleCode.ADMINISTRATOR}


def test_an_authority_change_waits_too_and_stays_in_the_member_state(client, ada, bram, anna):
    client.force_login(ada)
    police = Authority.objects.get(code="nl-avim")
    client.post(f"/admin/accounts/user/{anna.pk}/change/", user_form(anna, authority=police.pk))
    assert refresh(anna).authority == Authority.objects.get(code="nl-dtv")
    response = client.post(
        f"/admin/accounts/user/{anna.pk}/change/",
        user_form(anna, authority=Authority.objects.get(code="be-dvz").pk),
    )
    assert response.status_code == 200  # the form says which authorities may be chosen
    change = AccessChangeRequest.objects.get(target=anna)
    administration.approve(bram, change, "Moved to the police unit.")
    assert refresh(anna).authority == police


def test_a_change_asked_after_the_users_access_changed_is_not_applied(ada, bram, anna):
    change = ask(ada, anna, [RoleCode.SUPERVISOR])
    anna.roles.clear()  # e.g. changed from the command line meanwhile
    with pytest.raises(InvalidInput):
        administration.approve(bram, change, "ok")
    administration.reject(bram, change, "Ask again from what she has now.")
    assert refresh(anna).role_codes == set()


def test_a_new_users_roles_wait_for_approval(client, ada, bram):
    """Otherwise an administrator could add a second account of their own, with roles, and
    use it alone."""
    client.force_login(ada)
    response = client.post("/admin/accounts/user/add/", {
        "username": "ada2", "password1": STRONG, "password2": STRONG,
        "usable_password": "true", "authority": ada.authority_id,
        "roles": [RoleCode.ADMINISTRATOR, RoleCode.CASE_OFFICER], "_save": "Save",
    })
    assert response.status_code == 302
    twin = User.objects.get(username="ada2")
    assert twin.role_codes == set()
    assert twin.authority == ada.authority
    client.force_login(twin)
    assert client.get("/admin/").status_code == 302  # no administration without the role
    change = AccessChangeRequest.objects.get(target=twin)
    assert change.requested_by == ada
    with pytest.raises(PermissionRefused):
        administration.approve(ada, change, "mine")
    assert administered(object_ids=[str(twin.pk)])


def test_an_eu_body_administrator_administers_the_eu_bodies_only(client, elena, eva, anna):
    client.force_login(elena)
    listed = client.get("/admin/accounts/user/").content.decode()
    assert "eva" in listed and "anna" not in listed
    assert client.get(f"/admin/accounts/user/{anna.pk}/change/").status_code == 404
    assert client.get(f"/admin/accounts/user/{eva.pk}/change/").status_code == 200


def test_a_new_authority_belongs_to_the_administrators_member_state(client, ada):
    client.force_login(ada)
    response = client.post("/admin/accounts/authority/add/", {
        "code": "nl-test", "name": "Test unit", "kind": "police", "_save": "Save",
    })
    assert response.status_code == 302
    added = Authority.objects.get(code="nl-test")
    assert added.member_state_id == "NL"
    assert administered(object_type="authority", object_ids=[str(added.pk)])
    # a national authority is never an EU body, whose users no national administrator keeps
    response = client.post("/admin/accounts/authority/add/", {
        "code": "nl-eu", "name": "Not an EU body", "kind": "eu_body", "_save": "Save",
    })
    assert response.status_code == 200
    assert not Authority.objects.filter(code="nl-eu").exists()


def test_a_direct_edit_is_logged_in_its_transaction(client, ada, anna):
    client.force_login(ada)
    client.post(f"/admin/accounts/user/{anna.pk}/change/", user_form(anna, first_name="Anne"))
    assert refresh(anna).first_name == "Anne"
    [entry] = administered(object_ids=[str(anna.pk)])
    assert entry.object_type == "user" and "First name" in entry.reason


def test_reference_data_of_another_jurisdiction_are_read_only(client, ada):
    """A rule of Union law or of another member state changes deadlines outside Ada's."""
    client.force_login(ada)
    for jurisdiction in ("EU", "BE"):
        rule = LegalParameter.objects.filter(jurisdiction=jurisdiction).first()
        assert rule is not None
        url = f"/admin/reference/legalparameter/{rule.pk}/change/"
        assert 'name="valid_until"' not in client.get(url).content.decode()
        assert client.post(url, {"valid_until": "2026-01-01"}).status_code == 403
        assert LegalParameter.objects.get(pk=rule.pk).valid_until == rule.valid_until
    agreement = Instrument.objects.filter(code="eura-pk").order_by("-version").first()
    assert agreement is not None
    response = client.post(f"/admin/readmission/instrument/{agreement.pk}/change/",
                           {"title": "changed", "change_note": "mine"})
    assert response.status_code == 403
    offered = client.get("/admin/reference/legalparameter/add/").content.decode()
    assert '<option value="NL"' in offered and '<option value="EU"' not in offered


def test_a_reference_data_edit_is_logged(client, elena):
    rule = LegalParameter.objects.filter(jurisdiction="EU", valid_until=None).first()
    assert rule is not None
    client.force_login(elena)
    response = client.post(f"/admin/reference/legalparameter/{rule.pk}/change/",
                           {"valid_until": "2031-12-31", "_save": "Save"})
    assert response.status_code == 302
    [entry] = administered(object_type="legalparameter", object_ids=[str(rule.pk)])
    assert entry.username == "elena" and "Valid until" in entry.reason


def test_the_decision_page_speaks_dutch(client, ada, bram, anna):
    change = ask(ada, anna, [RoleCode.SUPERVISOR])
    client.force_login(bram)
    page = client.get(f"/admin/accounts/accesschangerequest/{change.pk}/change/",
                      HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Goedkeuren en doorvoeren" in page and "Case officer → Supervisor" in page


def test_another_member_states_api_tokens_are_not_there(client, ada, anna, lucas):
    ours, _ = ApiToken.issue(anna, "case system")
    theirs, _ = ApiToken.issue(lucas, "case system")
    client.force_login(ada)
    listed = client.get("/admin/accounts/apitoken/").content.decode()
    assert ours.hint in listed and theirs.hint not in listed
    assert client.get(f"/admin/accounts/apitoken/{theirs.pk}/change/").status_code == 404
    response = client.post(f"/admin/accounts/apitoken/{ours.pk}/change/",
                           {"revoked_at_0": "2026-12-07", "revoked_at_1": "10:00:00"})
    assert response.status_code == 302
    assert administered(object_type="apitoken", object_ids=[str(ours.pk)])


def test_the_first_page_tells_the_second_administrator_what_waits(client, ada, bram, anna):
    ask(ada, anna, [RoleCode.SUPERVISOR])
    client.force_login(bram)
    assert "1 change of roles or authority waits for your decision." in (
        client.get("/admin/").content.decode()
    )
    client.force_login(ada)  # she asked: nothing waits for her
    assert "waits for your decision" not in client.get("/admin/").content.decode()


def test_an_approval_that_cannot_be_logged_changes_nothing(ada, bram, anna, monkeypatch):
    """The change and its access-log entry are one transaction: without the log (as if the
    audit app were not installed), the approval is refused and the user keeps their roles."""
    change = ask(ada, anna, [RoleCode.SUPERVISOR])
    monkeypatch.setattr(administration, "_access_log", None)
    with pytest.raises(ImproperlyConfigured):
        administration.approve(bram, change, "Anna leads the team.")
    assert refresh(anna).role_codes == {RoleCode.CASE_OFFICER}
    change.refresh_from_db()
    assert change.status == AccessChangeRequest.Status.PENDING


def _at_once(*calls: Any) -> list[str]:
    """Run ``calls`` in threads released together; each outcome is "done" or the refusal."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Any) -> None:
        try:
            barrier.wait()
            call()
            outcomes.append("done")
        except (InvalidInput, NotVisible) as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_two_approvals_at_once_apply_it_once(transactional_db, ada, bram, anna):
    carla = make_user("carla", "Carla", "Bos", "nl-dtv", (RoleCode.ADMINISTRATOR,))
    change = ask(ada, anna, [RoleCode.SUPERVISOR])
    outcomes = _at_once(lambda: administration.approve(bram, change, "yes"),
                        lambda: administration.approve(carla, change, "yes too"))
    assert outcomes == ["NotVisible", "done"]
    assert len(administered(object_ids=[str(anna.pk)], reason__startswith="approved")) == 1
    assert verify_chain() is None


def test_two_requests_for_one_user_at_once_keep_one(transactional_db, ada, bram, anna):
    outcomes = _at_once(lambda: ask(ada, anna, [RoleCode.SUPERVISOR]),
                        lambda: ask(bram, anna, [RoleCode.AUDITOR]))
    assert outcomes == ["InvalidInput", "done"]
    assert AccessChangeRequest.objects.filter(target=anna).count() == 1
