"""``GET /cases`` and ``GET /cases/{id}``: search, filters, the case document, scoping and
the access log."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from retour import clock
from retour.api.tests.conftest import NOW, TODAY, body_of
from retour.audit.models import AccessLogEntry
from retour.cases import actions
from retour.people.actions import NameInput, link_family_members
from retour.testing.factories import case_for, case_in_voluntary_departure

YESTERDAY = TODAY - timedelta(days=1)


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["number"] for item in body_of(response)["items"]]


@pytest.fixture
def dutch_cases(anna, pieter, sanne):
    """Six Dutch cases opened on successive days, each with something to find it by."""
    made = {}

    def opened(days_ago: int, key: str, **kwargs) -> None:
        with clock.frozen_at(NOW - timedelta(days=days_ago)):
            made[key] = case_for(anna, **kwargs)

    opened(40, "late", origin="irregular_stay_detected")  # its return decision is overdue
    opened(5, "muller", names=[
        NameInput(surname="Müller", given_names="Jürgen"),
        NameInput(surname="Мюллер", given_names="Юрген", script="Cyrl"),
    ], claimed_nationalities=["UA"])
    opened(4, "arabic", arabic_script=True)
    opened(3, "minor", unaccompanied_minor=True, claimed_nationalities=["AF"])
    opened(2, "year_only", year_only_birth=True, names=[NameInput(surname="Okafor")],
           claimed_nationalities=[], confirmed_nationalities=["NG"])
    made["voluntary"] = case_in_voluntary_departure(anna, decided_on=YESTERDAY)
    actions.send_handover(anna, made["arabic"].pk, to_authority="nl-avim", note="please")
    actions.accept_handover(pieter, made["arabic"].pk)
    actions.assign_case(sanne, made["muller"].pk, officer_username="anna")
    return {key: case.number for key, case in made.items()}


# The auditor reads every case of the member state; a case officer only their authority's
# (the arabic case went to the police: ADR 0016).
def test_list_is_newest_first_with_a_total(dutch_cases, ruud, api_client):
    response = api_client(ruud).get("/api/v1/cases", {"limit": 2, "offset": 1})
    page = body_of(response)
    assert (page["count"], page["limit"], page["offset"]) == (6, 2, 1)
    assert numbers(response) == [dutch_cases["year_only"], dutch_cases["minor"]]
    row = page["items"][0]
    assert row["person"] == {
        "id": row["person"]["id"], "name": "Okafor", "date_of_birth": "1994", "sex": "M",
        "citizenship": "NG",
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "muller"}, ["muller"]),
        ({"q": "MÜLLER jürgen"}, ["muller"]),
        ({"q": "Jurgen Muller"}, ["muller"]),  # words in any order
        ({"q": "Мюллер"}, ["muller"]),  # Cyrillic finds the Cyrillic name
        ({"q": "كريم"}, ["arabic"]),  # Arabic finds the Arabic name
        ({"q": "okaf"}, ["year_only"]),
        ({"q": "nobody"}, []),
        ({"stage": "voluntary_departure"}, ["voluntary"]),
        ({"origin": "irregular_stay_detected"}, ["late"]),
        ({"citizenship": "ua"}, ["muller"]),
        ({"citizenship": "NG"}, ["year_only"]),
        ({"authority": "nl-avim"}, ["arabic"]),
        ({"officer": "anna"}, ["muller"]),
        ({"overdue": "true"}, ["late", "minor"]),  # best interests to assess on opening
        ({"vulnerability": "unaccompanied_minor"}, ["minor"]),
        ({"date_of_birth": "2011"}, ["minor"]),
        ({"date_of_birth": "1994-06"}, ["year_only"]),  # born '1994' may be June 1994
        ({"stage": "registered", "origin": "irregular_stay_detected", "overdue": "false"}, []),
    ],
)
def test_filters(params, expected, dutch_cases, ruud, api_client):
    found = numbers(api_client(ruud).get("/api/v1/cases", params))
    assert sorted(found) == sorted(dutch_cases[key] for key in expected)


def test_date_of_birth_matches_every_compatible_date(dutch_cases, anna, api_client):
    found = numbers(api_client(anna).get("/api/v1/cases", {"date_of_birth": "1994-05-17"}))
    # the factory's default person is born 1994-05-17; Okafor only '1994'
    assert dutch_cases["year_only"] in found and dutch_cases["late"] in found
    assert dutch_cases["minor"] not in found


def test_search_by_case_number(dutch_cases, anna, api_client):
    number = dutch_cases["minor"]
    assert numbers(api_client(anna).get("/api/v1/cases", {"q": number.lower()})) == [number]


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("opened", ["late", "muller", "arabic", "minor", "year_only", "voluntary"]),
        ("-opened", ["voluntary", "year_only", "minor", "arabic", "muller", "late"]),
        ("number", ["late", "muller", "arabic", "minor", "year_only", "voluntary"]),
    ],
)
def test_sorting(sort, order, dutch_cases, ruud, api_client):
    found = numbers(api_client(ruud).get("/api/v1/cases", {"sort": sort}))
    assert found == [dutch_cases[key] for key in order]


def test_sorting_by_stage_follows_the_procedure(dutch_cases, anna, api_client):
    found = numbers(api_client(anna).get("/api/v1/cases", {"sort": "stage"}))
    assert found[-1] == dutch_cases["voluntary"]  # the only case past 'registered'


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_of_birth": "1994-13"}, "date_of_birth"),
        ({"date_of_birth": "17-05-1994"}, "date_of_birth"),
        ({"stage": "sleeping"}, "stage"),
        ({"limit": 0}, "limit"),
        ({"limit": 1000}, "limit"),
        ({"offset": -1}, "offset"),
        ({"sort": "name"}, "sort"),
        ({"citizenship": "NLD"}, "citizenship"),
        ({"q": "a\x00b"}, "q"),
        ({"overdue": "perhaps"}, "overdue"),
    ],
)
def test_bad_filters_are_422_naming_the_field(params, field, anna, api_client):
    before = AccessLogEntry.objects.count()
    response = api_client(anna).get("/api/v1/cases", params)
    assert response.status_code == 422
    assert [p["field"] for p in body_of(response)["detail"]] == [field]
    assert AccessLogEntry.objects.count() == before


def test_date_of_birth_format_is_explained_in_words(anna, api_client):
    response = api_client(anna).get("/api/v1/cases", {"date_of_birth": "May 1994"})
    assert body_of(response)["detail"] == [
        {"field": "date_of_birth", "message": "use YYYY, YYYY-MM or YYYY-MM-DD"}
    ]


def test_other_member_state_and_roles_without_personal_data_see_no_case(
    dutch_cases, lucas, eva, tom, api_client
):
    belgian = case_for(lucas)
    assert numbers(api_client(lucas).get("/api/v1/cases")) == [belgian.number]
    for user in (eva, tom):
        response = api_client(user).get("/api/v1/cases", {"q": "muller"})
        assert body_of(response)["count"] == 0
        assert numbers(response) == []


def test_search_is_logged_with_terms_reason_and_persons(dutch_cases, anna, api_client):
    response = api_client(anna).get(
        "/api/v1/cases", {"q": "muller", "stage": "registered", "limit": 5},
        headers={"X-Retour-Reason": "identity check at the counter"},
    )
    item = body_of(response)["items"][0]
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert entry is not None
    assert (entry.operation, entry.channel, entry.object_type) == ("search", "api", "return_case")
    assert entry.search_terms == {"q": "muller", "stage": "registered"}
    assert entry.reason == "identity check at the counter"
    assert entry.object_ids == [item["id"]]
    assert entry.person_ids == [item["person"]["id"]]


def test_list_queries_do_not_grow_with_the_rows(anna, api_client):
    client = api_client(anna)

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/cases")
        assert response.status_code == 200
        return len(captured)

    for _ in range(3):
        case_for(anna)
    few = queries_for_list()
    for _ in range(12):
        case_for(anna)
    assert len(body_of(client.get("/api/v1/cases"))["items"]) == 15
    assert queries_for_list() == few


def test_case_detail(anna, pieter, api_client):
    case = case_in_voluntary_departure(anna, decided_on=YESTERDAY, days=30)
    child = case_for(anna, names=[NameInput(surname="Haddad", given_names="Sara")])
    link_family_members(anna, case.person_id, child.person_id, "parent_of")
    actions.send_handover(anna, case.pk, to_authority="nl-avim", note="for the interview")
    response = api_client(anna).get(
        f"/api/v1/cases/{case.pk}", headers={"X-Retour-Reason": "hand-over review"}
    )
    assert response.status_code == 200
    detail = body_of(response)
    assert (detail["number"], detail["stage"], detail["version"]) == (
        case.number, "voluntary_departure", 4,
    )
    assert detail["voluntary_departure_ends_on"] == (YESTERDAY + timedelta(days=30)).isoformat()
    person = detail["person"]
    assert (person["name"], person["date_of_birth"], person["sex"]) == (
        "Karim Haddad", "1994-05-17", "M",
    )
    assert person["nationalities"] == [{"country": "MA", "status": "claimed"}]
    assert person["family_links"] == [{
        "person": {"id": str(case.person_id), "name": "Karim Haddad"},
        "relation": "parent_of",
        "relative": {"id": str(child.person_id), "name": "Sara Haddad"},
    }]
    kinds = [d["kind"] for d in detail["decisions"]]
    assert kinds == ["end_of_legal_stay", "return_decision"]
    assert detail["decisions"][1]["voluntary_departure_days"] == 30
    deadlines = {d["kind"]: d for d in detail["deadlines"]}
    departure = deadlines["voluntary_departure_end"]
    assert departure["days_left"] == 29 and departure["status"] == "open"
    assert deadlines["handover_acceptance"]["status"] == "open"
    assert [(t["kind"], t["authority"]) for t in detail["open_tasks"]] == [
        ("accept_handover", "nl-avim")
    ]
    handover = detail["handovers"][0]
    assert (handover["to_authority"], handover["status"], handover["sent_by"]) == (
        "nl-avim", "pending", "Anna de Vries",
    )
    events = detail["events"]
    assert [e["action"] for e in events] == [
        "case_opened", "record_end_of_legal_stay", "issue_return_decision", "send_handover",
    ]
    assert events[1]["actor"] == "Anna de Vries"
    assert events[1]["actor_authority"] == "nl-dtv"
    assert events[1]["old_values"] == {"stage": "registered"}
    assert events[1]["new_values"]["stage"] == "legal_stay_ended"
    assert events[3]["reason"] == "for the interview"
    assert "record_voluntary_departure" in {a["action"] for a in detail["allowed_actions"]}
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert entry is not None
    assert (entry.operation, entry.object_ids, entry.reason, entry.channel) == (
        "read", [str(case.pk)], "hand-over review", "api",
    )
    assert sorted(entry.person_ids) == sorted([str(case.person_id), str(child.person_id)])


def test_days_left_count_from_the_clock(anna, api_client):
    case = case_in_voluntary_departure(anna, decided_on=YESTERDAY, days=30)
    later = datetime.combine(YESTERDAY + timedelta(days=35), NOW.timetz())
    with clock.frozen_at(later):
        detail = body_of(api_client(anna).get(f"/api/v1/cases/{case.pk}"))
    deadline = next(d for d in detail["deadlines"] if d["kind"] == "voluntary_departure_end")
    assert deadline["days_left"] == -5


@pytest.mark.parametrize("outsider", ["lucas", "eva", "tom"])
def test_case_out_of_scope_is_not_found_like_a_missing_one(outsider, anna, request, api_client):
    case = case_for(anna)
    client = api_client(request.getfixturevalue(outsider))
    before = AccessLogEntry.objects.count()
    hidden = client.get(f"/api/v1/cases/{case.pk}")
    missing = client.get(f"/api/v1/cases/{uuid.uuid4()}")
    assert hidden.status_code == missing.status_code == 404
    assert body_of(hidden) == body_of(missing) == {"detail": "Not found"}
    assert AccessLogEntry.objects.count() == before


def test_case_id_that_is_no_uuid_is_422(anna, api_client):
    response = api_client(anna).get("/api/v1/cases/NL-2026-000001")
    assert response.status_code == 422
    assert [p["field"] for p in body_of(response)["detail"]] == ["case_id"]


def test_a_case_officer_lists_only_the_cases_of_their_authority(dutch_cases, anna, api_client):
    found = numbers(api_client(anna).get("/api/v1/cases"))
    assert dutch_cases["arabic"] not in found and len(found) == 5
