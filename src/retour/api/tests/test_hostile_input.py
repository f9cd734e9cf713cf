"""Hostile input over the API (issue 13, points 6 and 7): direction overrides, NUL, oversized
and implausible values and bodies are refused with the one error shape, naming the field,
and nothing is written."""

from __future__ import annotations

import pytest

from retour.api.tests.conftest import body_of
from retour.api.tests.test_case_actions import action_url, writes
from retour.api.tests.test_readmission_api import MESSAGES, _reply, _submitted
from retour.readmission.models import ReadmissionRequest
from retour.testing.factories import case_for


def _post(client, path, body):
    return client.post(path, body, content_type="application/json")


def _fields(response) -> list[str]:
    assert response.status_code == 422, response.content
    return [p["field"] for p in body_of(response)["detail"]]


@pytest.mark.parametrize("hostile", ["NL\x00-1", "\u202e0000-6202-LN"])
def test_a_readmission_message_with_nul_or_an_override_is_422_naming_the_path(
    anna, api_client, hostile
):
    """NUL made PostgreSQL raise (500) and was stored by SQLite; an override was stored."""
    request = _submitted(anna)
    answer = _post(api_client(anna), MESSAGES, _reply(request, their_reference=hostile))
    assert _fields(answer) == ["$.their_reference"]
    request.refresh_from_db()
    assert request.status == ReadmissionRequest.Status.SUBMITTED


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reference": "\u202e0000-6202-LN"}, "reference"),
        ({"reference": "IND\n2026"}, "reference"),
        ({"reason": "x" * 10_001}, "reason"),
        ({"decided_on": "0001-01-01"}, "decided_on"),
        ({"decided_on": "2099-01-01"}, "decided_on"),
    ],
)
def test_an_action_refuses_hostile_text_and_implausible_dates(anna, api_client, changes, field):
    case = case_for(anna)
    body = {"decided_on": "2026-03-01", "expected_version": case.version, **changes}
    before = writes()
    answer = _post(api_client(anna), action_url(case.pk, "record_end_of_legal_stay"), body)
    assert _fields(answer) == [field]
    assert writes() == before


def test_a_name_with_an_override_is_refused(anna, api_client):
    answer = _post(api_client(anna), "/api/v1/people",
                   {"names": [{"surname": "Ahmed\u202egnp.exe"}], "sex": "M"})
    assert _fields(answer) == ["names[0].surname"]


@pytest.mark.parametrize("date_of_birth", ["2026-02-30", "1850", "2090-01"])
def test_a_search_by_an_impossible_date_of_birth_is_422(anna, api_client, date_of_birth):
    answer = api_client(anna).get("/api/v1/cases", {"date_of_birth": date_of_birth})
    assert _fields(answer) == ["date_of_birth"]


def test_deeply_nested_json_is_400_without_a_traceback(anna, api_client):
    deep = "[" * 100_000 + "]" * 100_000
    answer = _post(api_client(anna), "/api/v1/people", deep)
    assert answer.status_code == 400
    assert body_of(answer) == {"detail": "Cannot parse request body"}


def test_a_body_over_the_limit_is_413_in_the_error_shape(anna, api_client):
    case = case_for(anna)
    body = {"decided_on": "2026-03-01", "expected_version": case.version,
            "reason": "x" * 2_400_000}
    before = writes()
    answer = _post(api_client(anna), action_url(case.pk, "record_end_of_legal_stay"), body)
    assert answer.status_code == 413
    assert "too large" in body_of(answer)["detail"]
    assert writes() == before


@pytest.mark.parametrize(("starts_on", "words"), [
    ("0001-01-01", "must not be before 1990-01-01. Check the year."),
    ("2099-01-01", "must not be after 2027-03-02. Check the year."),
])
def test_a_mission_dated_year_1_is_422(anna, api_client, starts_on, words):
    answer = _post(api_client(anna), "/api/v1/missions", {
        "country": "MA", "kind": "video_interview", "starts_on": starts_on,
        "ends_on": "2026-03-10", "place": "The Hague",
    })
    assert body_of(answer)["detail"] == [{"field": "starts_on", "message": words}]
