"""A request body must be a JSON object: ``null``, a list, a string or a number is refused
with 422 naming the body, never taken for an empty object (``null`` queued possible matches
with every default, 201) and nothing is written."""

from __future__ import annotations

import pytest

from retour.api.tests.conftest import body_of
from retour.api.tests.test_case_actions import action_url, writes
from retour.testing.factories import case_for, person_for

NOT_OBJECTS = ["null", "[]", '"threshold"', "3", "true"]


def _refused(response) -> None:
    assert response.status_code == 422, (response.status_code, response.content)
    assert [p["field"] for p in body_of(response)["detail"]] == ["body"]


@pytest.mark.parametrize("raw", NOT_OBJECTS)
def test_queueing_possible_matches_needs_an_object(anna, api_client, raw):
    person = person_for(anna)
    before = writes()
    _refused(api_client(anna).post(
        f"/api/v1/people/{person.pk}/match-reviews", raw, content_type="application/json"
    ))
    assert writes() == before


@pytest.mark.parametrize("raw", NOT_OBJECTS)
def test_an_action_needs_an_object(anna, api_client, raw):
    case = case_for(anna)
    before = writes()
    _refused(api_client(anna).post(
        action_url(case.pk, "record_end_of_legal_stay"), raw, content_type="application/json"
    ))
    assert writes() == before
