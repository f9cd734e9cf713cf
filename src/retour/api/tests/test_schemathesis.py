"""Schemathesis over the OpenAPI schema: whatever a client sends, valid or not, the API
answers with a documented status and body, never a server error.

Requests go through Django's real WSGI handler, authenticated with Sanne's API token (a
supervisor: every case action and assignment), against Dutch cases in every stage and a
Belgian case out of her scope. Generated ids, codes and dates are mostly replaced by ones
that exist or make sense, so the actions run for real instead of all ending in 404 or 422.
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from retour.api.api import api
from retour.api.tests import scenarios
from retour.api.tests.conftest import TODAY, bearer
from retour.cases.models import Decision
from retour.testing.factories import case_for

# Preparations that leave a case in each stage of the procedure.
_STAGES = (
    scenarios.registered, scenarios.legal_stay_ended, scenarios.voluntary, scenarios.forced,
    scenarios.scheduled, scenarios.postponed, scenarios.appealed, scenarios.absconded,
    scenarios.minor_registered, scenarios.minor_in_forced_return, scenarios.handed_over,
    scenarios.departed, scenarios.closed,
)
_DATES = [(TODAY + timedelta(days=d)).isoformat() for d in (-1, 0, 7)]
_KNOWN_VALUES: dict[str, list[Any]] = {
    "to_authority": ["nl-avim", "nl-dtv", "be-dvz"],
    "issuing_authority": ["nl-ind", "nl-dtv"],
    "responsible_authority": ["nl-avim", "nl-dtv"],
    "destination": ["MA", "NL", "TR"],
    "origin_member_state": ["BE", "NL"],
    "officer_username": ["anna", "pieter", "tom"],
    "third_country": ["PK", "GE", "UA"],
    "expected_version": [None],  # a random version would nearly always be stale (409)
    **{
        name: _DATES
        for name in ("decided_on", "lodged_on", "ended_on", "departed_on", "planned_on",
                     "located_on", "absconded_on", "noted_on", "ends_on", "submitted_on",
                     "acknowledged_on", "replied_on", "requested_on", "issued_on", "used_on")
    },
}


def _pick(pool: list[Any], generated: Any) -> Any:
    """One of ``pool``, chosen by the generated value so Hypothesis still steers (and
    shrinks) the choice; one time in ``len(pool) + 1`` the generated value itself, so the
    unknown ids and odd values keep their share."""
    if isinstance(generated, bool) or not isinstance(generated, int | str):
        return generated
    if isinstance(generated, int):
        number = generated
    else:
        try:
            number = uuid.UUID(generated).int
        except ValueError:
            number = zlib.crc32(generated.encode("utf-8", "surrogatepass"))
    index = number % (len(pool) + 1)
    return pool[index] if index < len(pool) else generated


@dataclass
class Records:
    """Values that exist, by the name of the parameter or field that takes them."""

    pools: dict[str, list[Any]]

    def aim(self, case: schemathesis.Case) -> None:
        for values in (case.path_parameters, case.body):
            if isinstance(values, dict):
                for name, generated in values.items():
                    if name in self.pools:
                        values[name] = _pick(self.pools[name], generated)


@pytest.fixture
def records(anna, pieter, sanne, lucas) -> Records:
    personas = {"anna": anna, "pieter": pieter, "sanne": sanne}
    made = [prepare(personas) for prepare in _STAGES] + [case_for(lucas)]
    persons = [str(c.person_id) for c in made]
    decisions = list(Decision.objects.values_list("pk", flat=True))
    readmission = scenarios.readmission_requests(personas)
    return Records({
        **_KNOWN_VALUES,
        "case_id": [str(c.pk) for c in made],
        "person_id": persons,
        "relative_id": persons,
        "contested_decision_id": decisions,
        "appeal_id": decisions,
        "postponement_id": decisions,
        "request_id": [r.pk for r in readmission],
    })


@pytest.fixture
def requests_keep_the_test_transaction() -> Iterator[None]:
    """Django's WSGI handler closes the database connection around each request; inside a
    test's transaction that would end the test's data. Django's own test client disconnects
    the same handler for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def sanne_token(sanne) -> dict[str, str]:
    return bearer(sanne)


@pytest.fixture
def api_schema(records, requests_keep_the_test_transaction) -> Any:
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


# Schemathesis's own pytest plugin does not run under this pytest (9.2 renamed the node id it
# rewrites), so each operation is one pytest test driving a Hypothesis search itself.
OPERATIONS = [
    (method.upper(), path)
    for path, methods in api.get_openapi_schema()["paths"].items()
    for method in methods
]
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_answers_as_documented(method, path, api_schema, records, sanne_token):
    operation = api_schema[path][method]
    generated = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=20, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(generated)
    def answers_as_documented(case: schemathesis.Case) -> None:
        records.aim(case)
        case.call_and_validate(headers=sanne_token, checks=CHECKS)

    answers_as_documented()
