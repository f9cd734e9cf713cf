"""The API answers in English, the stable language of an integration, unless the client asks
for Dutch with ``Accept-Language``; field names and codes are the same in both."""

from __future__ import annotations

from typing import Any

import pytest

from retour.api.tests.conftest import body_of
from retour.api.tests.scenarios import Personas, legal_stay_ended, registered
from retour.cases import actions


@pytest.fixture
def personas(anna, sanne, ruud) -> Personas:
    return {"anna": anna, "sanne": sanne, "ruud": ruud}


def action_url(case_id: Any, action: str) -> str:
    return f"/api/v1/cases/{case_id}/actions/{action.replace('_', '-')}"


ENGLISH = "'Schedule removal' is not possible in stage 'registered'"
DUTCH = "„Uitzetting plannen” is niet mogelijk in de fase „geregistreerd”"


@pytest.mark.parametrize(
    ("headers", "language", "message"),
    [
        ({}, "en", ENGLISH),
        ({"Accept-Language": "fr"}, "en", ENGLISH),  # a language Retour does not speak
        ({"Accept-Language": "nl"}, "nl", DUTCH),
        ({"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.8"}, "nl", DUTCH),
    ],
)
def test_a_refusal_is_in_the_language_the_client_asks_for(
    headers, language, message, personas, api_client
):
    case = registered(personas)
    response = api_client(personas["anna"]).post(
        action_url(case.pk, "schedule_removal"), {"planned_on": "2026-03-20"},
        content_type="application/json", headers=headers,
    )
    assert response.status_code == 409
    assert body_of(response)["detail"] == message
    assert response["Content-Language"] == language


def test_a_field_error_in_dutch_keeps_the_field_name(personas, api_client):
    case = legal_stay_ended(personas)
    response = api_client(personas["anna"]).post(
        action_url(case.pk, "issue_return_decision"),
        {"decided_on": "2026-03-02", "voluntary_departure_days": 45},
        content_type="application/json", headers={"Accept-Language": "nl"},
    )
    assert response.status_code == 422
    assert body_of(response)["detail"] == [{
        "field": "voluntary_departure_days",
        "message": "ten hoogste 30 dagen (Directive 2008/115/EC Art. 7(1)); verleng de termijn "
                   "later als dat nodig is",
    }]


def test_a_role_refusal_in_dutch_names_the_action_in_dutch(personas, api_client):
    case = registered(personas)
    response = api_client(personas["ruud"]).post(
        action_url(case.pk, "record_end_of_legal_stay"), {"decided_on": "2026-03-01"},
        content_type="application/json", headers={"Accept-Language": "nl"},
    )
    assert response.status_code == 403
    assert body_of(response)["detail"] == (
        "uw rol staat dit niet toe: einde rechtmatig verblijf vastleggen"
    )


def test_a_conflict_in_dutch_names_who_changed_the_case(personas, api_client):
    case = registered(personas)
    actions.assign_case(personas["sanne"], case.pk, officer_username="anna")
    response = api_client(personas["anna"]).post(
        action_url(case.pk, "record_end_of_legal_stay"),
        {"decided_on": "2026-03-01", "expected_version": 1},
        content_type="application/json", headers={"Accept-Language": "nl"},
    )
    assert response.status_code == 409
    detail = body_of(response)["detail"]
    assert detail.startswith(f"zaak {case.number} is op ")
    assert "door Sanne Jansen gewijzigd (assign_case)" in detail
    assert "u had versie 1, nu is het versie 2" in detail
