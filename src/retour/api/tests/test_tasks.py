"""``GET /tasks``: the authority's open work, overdue first."""

from __future__ import annotations

from datetime import timedelta

from retour import clock
from retour.api.tests.conftest import NOW, TODAY, body_of
from retour.audit.models import AccessLogEntry
from retour.cases import actions
from retour.testing.factories import case_for


def test_open_tasks_of_my_authority_overdue_first(anna, pieter, api_client):
    with clock.frozen_at(NOW - timedelta(days=30)):
        late = case_for(anna, origin="irregular_stay_detected")
    soon = case_for(anna, origin="ees_overstay")
    elsewhere = case_for(anna)
    actions.send_handover(anna, elsewhere.pk, to_authority="nl-avim", note="yours")

    response = api_client(anna).get("/api/v1/tasks", headers={"X-Retour-Reason": "morning"})
    assert response.status_code == 200
    page = body_of(response)
    assert page["count"] == 2
    assert [(t["case"]["number"], t["kind"], t["overdue"]) for t in page["items"]] == [
        (late.number, "issue_return_decision", True),
        (soon.number, "issue_return_decision", False),
    ]
    first = page["items"][0]
    assert first["days_left"] < 0 and first["authority"] == "nl-dtv"
    assert first["person_name"] == "Karim Haddad"
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert entry is not None
    assert (entry.operation, entry.object_type, entry.reason) == ("read", "task", "morning")
    assert sorted(entry.person_ids) == sorted([str(late.person_id), str(soon.person_id)])

    theirs = body_of(api_client(pieter).get("/api/v1/tasks"))["items"]
    assert [(t["case"]["number"], t["kind"], t["due_on"] >= TODAY.isoformat()) for t in theirs] \
        == [(elsewhere.number, "accept_handover", True)]


def test_no_tasks_for_roles_without_personal_data(anna, eva, tom, api_client):
    case_for(anna, origin="irregular_stay_detected")
    for user in (eva, tom):
        page = body_of(api_client(user).get("/api/v1/tasks"))
        assert (page["count"], page["items"]) == (0, [])


def test_task_paging(anna, api_client):
    for _ in range(3):
        case_for(anna, origin="ees_overstay")
    page = body_of(api_client(anna).get("/api/v1/tasks", {"limit": 2, "offset": 2}))
    assert (page["count"], len(page["items"])) == (3, 1)


def test_bad_paging_is_422(anna, api_client):
    response = api_client(anna).get("/api/v1/tasks", {"limit": 0})
    assert response.status_code == 422
    assert [p["field"] for p in body_of(response)["detail"]] == ["limit"]
