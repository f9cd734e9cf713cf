"""One error format: the schema's validation errors and the actions' look the same."""

from __future__ import annotations

import pytest

from retour.api.errors import field_name
from retour.api.tests.conftest import body_of
from retour.cases import actions
from retour.testing.factories import case_for


@pytest.mark.parametrize(
    ("loc", "name"),
    [
        (("body", "body", "names", 0, "kind"), "names[0].kind"),
        (("body", "body", "decided_on"), "decided_on"),
        (("body", "body"), "body"),
        (("query", "limit"), "limit"),
        (("path", "case_id"), "case_id"),
        (("header", "X-Retour-Reason"), "X-Retour-Reason"),
        (("body", "body", "claimed_nationalities", 2), "claimed_nationalities[2]"),
    ],
)
def test_field_names_as_the_client_knows_them(loc, name):
    assert field_name(loc) == name


def test_schema_and_action_errors_share_one_shape(anna, api_client):
    client = api_client(anna)
    from_schema = client.post(
        "/api/v1/people", {"names": [{"surname": "A"}], "sex": "?"},
        content_type="application/json",
    )
    from_action = client.post(
        "/api/v1/people", {"names": [{"surname": "A"}], "sex": "F", "birth_year": 1800},
        content_type="application/json",
    )
    assert from_schema.status_code == from_action.status_code == 422
    for response in (from_schema, from_action):
        detail = body_of(response)["detail"]
        assert detail and all(set(p) == {"field", "message"} for p in detail)
    assert [p["field"] for p in body_of(from_schema)["detail"]] == ["sex"]
    assert body_of(from_action)["detail"] == [
        {"field": "birth_year", "message": "must be between 1900 and 2026"}
    ]


def test_body_that_is_not_an_object(anna, api_client):
    response = api_client(anna).post("/api/v1/people", [1, 2], content_type="application/json")
    assert response.status_code == 422
    assert body_of(response)["detail"] == [{"field": "body", "message": "must be a JSON object"}]


def test_the_body_is_required_even_when_all_its_fields_are_optional(anna, pieter, api_client):
    case = case_for(anna)
    actions.send_handover(anna, case.pk, to_authority="nl-avim", note="yours")
    url = f"/api/v1/cases/{case.pk}/actions/accept-handover"
    bare = api_client(pieter).generic("POST", url)
    assert bare.status_code == 422
    assert body_of(bare)["detail"] == [{"field": "body", "message": "Field required"}]
    accepted = api_client(pieter).post(url, {}, content_type="application/json")
    assert accepted.status_code == 200
    assert body_of(accepted)["responsible_authority"]["code"] == "nl-avim"


def test_malformed_json_is_400(anna, api_client):
    response = api_client(anna).post("/api/v1/people", "{names:", content_type="application/json")
    assert response.status_code == 400
    assert body_of(response) == {"detail": "Cannot parse request body"}
