"""Schemathesis over the OpenAPI schema, every operation and every check (``make api-check``
in CI): whatever a client sends, valid or not, the API answers with a documented status,
content type, headers and body, never a server error; it refuses what the document forbids.

Requests go through Django's real WSGI handler, authenticated with Sanne's API token (a
supervisor: every case action and assignment), against Dutch cases in every stage and a
Belgian case out of her scope. Generated ids, codes and dates are mostly replaced by ones
that exist or make sense, so the actions run for real instead of all ending in 404 or 422.
"""

from __future__ import annotations

import os
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
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.meta import ParameterLocation

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
        """Existing values in the parts generated as valid; a part generated to violate the
        schema is left as it is, or the violation would be replaced by a valid value."""
        negative = {
            location
            for location, info in (case.meta.components.items() if case.meta else ())
            if info.mode is GenerationMode.NEGATIVE
        }
        for location, values in (
            (ParameterLocation.PATH, case.path_parameters),
            (ParameterLocation.BODY, case.body),
        ):
            if isinstance(values, dict) and location not in negative:
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
    return schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", get_wsgi_application(), config=CONFIG
    )


# Schemathesis's own pytest plugin does not run under this pytest (9.2 renamed the node id it
# rewrites), so the test drives a Hypothesis search per operation itself, all operations in one
# test so the records are made once. ``RETOUR_API_CHECK_EXAMPLES`` bounds the examples per
# operation (``make api-check`` keeps CI within minutes).
OPERATIONS = [
    (method.upper(), path)
    for path, methods in api.get_openapi_schema()["paths"].items()
    for method in methods
]
EXAMPLES = int(os.environ.get("RETOUR_API_CHECK_EXAMPLES", "10"))
# Every check Schemathesis has: server errors, conformance of status, content type, headers
# and body to the document, negative data rejected and positive data accepted, auth not
# ignored, unsupported methods, resources that outlive their deletion. A schema-valid request
# may still be refused by the law the action applies (a date before the decision, a step the
# case is not at: 409 or 422 naming the field), so 422 counts as accepting it.
schemathesis.checks.load_all_checks()
CHECKS: list[Any] = schemathesis.checks.CHECKS.get_all()
ACCEPTED = ["2xx", 401, 403, 404, 409, 422]
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}}}
)


def _answers_as_documented(operation: Any, records: Records, token: dict[str, str]) -> None:
    generated = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    # The same examples on every run (CI must not pass or fail by chance); a wider search runs
    # with more examples: ``make api-check API_CHECK_EXAMPLES=200``.
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(generated)
    def answers(case: schemathesis.Case) -> None:
        records.aim(case)
        case.call_and_validate(headers=token, checks=CHECKS)

    answers()


def test_the_whole_api_answers_as_documented(api_schema, records, sanne_token):
    failed = {}
    for method, path in OPERATIONS:
        try:
            _answers_as_documented(api_schema[path][method], records, sanne_token)
        # Every operation's failures are reported, not only the first operation's.
        except (Exception, BaseExceptionGroup) as found:
            failed[f"{method} {path}"] = "\n".join(
                str(e) for e in getattr(found, "exceptions", [found])
            )
    assert not failed, "\n\n".join(f"{name}:\n{found}" for name, found in failed.items())
