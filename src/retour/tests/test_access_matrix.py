"""The access matrix (issue 13): every page and every API operation, requested by every role at
the authority that holds the object, at another authority of the same member state and in
another member state, and anonymously, against the rule table (``access_rules``).

A refused request gets 403 or 404 (anonymous: the sign-in page, or 401 from the API), never
2xx and never a server error; an allowed one is never refused (a 422 for an empty body shows
that access passed). An endpoint without a rule, or a rule without an endpoint, fails.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import make_user
from retour import clock
from retour.accounts.admin import site as admin_site
from retour.accounts.models import ApiToken
from retour.accounts.roles import RoleCode
from retour.api.api import api
from retour.api.tests.conftest import NOW
from retour.counselling.actions import refer_to_reintegration
from retour.counselling.inputs import counselling_services
from retour.identification.actions import NewEvidence, record_identity_evidence
from retour.identification.missions import NewMission, plan_mission, present_person
from retour.identification.reviews import queue_possible_matches
from retour.outbox.subscribers import Subscriber, subscribe, unsubscribe
from retour.people.actions import NameInput
from retour.readmission import actions as readmission
from retour.testing.factories import case_in_voluntary_departure, person_for
from retour.tests.access_rules import OPERATIONS, PAGES, Rule, anyone, sees_person

# Where each persona works: the authority that holds the objects, another authority of the
# same member state, and an authority of another member state.
PLACES = {"own": "nl-dtv", "other": "nl-avim", "be": "be-dvz"}
HOLDERS = {"nl": "nl-dtv", "be": "be-dvz"}
API_PREFIX = "/api/v1"


def _patterns(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[str]:
    for found in patterns:
        if isinstance(found, URLResolver):
            inner = namespace
            if found.namespace:
                inner = f"{namespace}{found.namespace}:"
            if found.app_name == "admin":
                yield "admin"  # the administration, one rule as a whole (and the user page)
                yield "admin:accounts_user_change"
                continue
            yield from _patterns(found.url_patterns, prefix + str(found.pattern), inner)
        elif isinstance(found, URLPattern):
            yield f"{namespace}{found.name}"


def _operations() -> set[str]:
    return {
        f"{method} {prefix}{path}".replace("//", "/")
        for prefix, router in api._routers
        for path, view in router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    }


def _pages() -> set[str]:
    operation_names = {
        name for _, router in api._routers for view in router.path_operations.values()
        for name in [view.url_name] if name
    } | {op.view_func.__name__ for _, r in api._routers for v in r.path_operations.values()
         for op in v.operations}
    return {
        name for name in _patterns(get_resolver().url_patterns)
        if not (name.startswith("api:") and name.removeprefix("api:") in operation_names)
    }


def test_every_page_and_operation_has_a_rule_and_every_rule_an_endpoint() -> None:
    pages, operations = _pages(), _operations()
    assert sorted(pages - set(PAGES)) == [], "pages without a rule in access_rules.PAGES"
    assert sorted(set(PAGES) - pages) == [], "rules in access_rules.PAGES for no page"
    assert sorted(operations - set(OPERATIONS)) == [], "API operations without a rule"
    assert sorted(set(OPERATIONS) - operations) == [], "rules for no API operation"


@dataclass
class Persona:
    name: str  # "<role>@<place>", or "anonymous"
    user: Any
    session: str = ""
    token: str = ""

    def client(self) -> Client:
        client = Client(headers={"Authorization": f"Bearer {self.token}"} if self.token else {})
        if self.session:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.session
        return client


@dataclass
class World:
    personas: list[Persona]
    objects: dict[str, dict[str, Any]]  # member state ("nl", "be") → kind → object
    bodies: dict[str, Any]  # API operation → a well-formed request body


def _objects(maker: Any) -> dict[str, Any]:
    """One of each kind, made by a case officer of the holding authority."""
    case = case_in_voluntary_departure(maker, decided_on=clock.today())
    record_identity_evidence(maker, case.person_id, NewEvidence(
        kind="language_analysis", taken_on=clock.today(), nationality="PK", summary="Punjabi"))
    # Referred to reintegration with the member state's counselling service, if it has one: a
    # counsellor elsewhere does not see the case for it.
    services = counselling_services(case)
    refer_to_reintegration(maker, case.pk, referred_on=clock.today(), programme="AVRR",
                           counselling_service=services[0][0] if services else "")
    request = readmission.draft_readmission_request(maker, case.pk, third_country="PK")
    request = readmission.submit_readmission_request(maker, request.pk,
                                                     submitted_on=clock.today())
    mission = plan_mission(maker, NewMission(
        country="MA", kind="delegation_mission", starts_on=clock.today(),
        ends_on=clock.today() + timedelta(days=2), place="Centre"))
    presentation = present_person(maker, mission.pk, case.person_id, availability="reporting")
    again = person_for(maker, names=[NameInput(surname="حداد", given_names="كريم",
                                               script="Arab")])
    (review,) = queue_possible_matches(maker, again.pk)
    case.refresh_from_db()
    return {"case": case, "person": case.person, "readmission": request, "mission": mission,
            "presentation": presentation, "review": review, "user": maker}


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """Built once for the module inside a transaction that is rolled back at its end; each test
    runs in a savepoint of it (``db``), so what a request changes is undone after the test."""
    with django_db_blocker.unblock(), clock.frozen_at(NOW):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            makers = {ms: make_user(f"maker-{ms}", "Maker", ms, authority,
                                    (RoleCode.CASE_OFFICER,))
                      for ms, authority in HOLDERS.items()}
            personas = [Persona("anonymous", AnonymousUser())]
            for role in RoleCode:
                for place, authority in PLACES.items():
                    user = make_user(f"{role}-{place}", "P", role, authority, (role,))
                    client = Client()
                    client.force_login(user)
                    _, token = ApiToken.issue(user, "matrix")
                    personas.append(Persona(f"{role}@{place}", user,
                                            client.cookies[settings.SESSION_COOKIE_NAME].value,
                                            token))
            world = World(personas, {ms: _objects(maker) for ms, maker in makers.items()},
                          _bodies())
            subscriber = subscribe(Subscriber("matrix", lambda message: None))
            try:
                yield world
            finally:
                unsubscribe(subscriber.name)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _cells(world: World, rule: Rule) -> Iterator[tuple[str, Persona, Any]]:
    """The cells one endpoint is asked for. With an object: anonymous, and every role at the
    holding authority (the object of its member state and of the other), at another
    authority of the same member state (the holder's object). Without one, where the
    authority cannot matter: anonymous and every role in each member state; a page open to
    anyone, anonymous and one signed-in user."""
    if rule.obj is None:
        personas = [p for p in world.personas if not p.name.endswith("@other")
                    and (rule.door(p.user) or not p.name.endswith("@be"))]
        if rule.door is anyone:
            personas = personas[:2]
        for persona in personas:
            yield persona.name, persona, None
        return
    for persona in world.personas:
        if persona.name.endswith("@be"):
            continue
        if not rule.door(persona.user):  # refused at the door: one object is enough
            if persona.name.endswith("@own") or persona.name == "anonymous":
                yield f"{persona.name}/nl", persona, world.objects["nl"][rule.obj]
            continue
        member_states = ("nl", "be") if persona.name.endswith("@own") else ("nl",)
        for ms in member_states:
            yield f"{persona.name}/{ms}", persona, world.objects[ms][rule.obj]


def _path(key: str, rule: Rule, obj: Any) -> str:
    if " " in key:  # an API operation: "METHOD /path/{argument}"
        path = key.split(" ", 1)[1]
        if obj is not None:
            path = path.replace("{" + _argument(path) + "}", str(obj.pk))
        return API_PREFIX + path
    if key == "admin":
        return reverse(f"{admin_site.name}:index")
    if key == "admin:accounts_user_change":
        return reverse(f"{admin_site.name}:accounts_user_change", args=[obj.pk])
    arguments = dict(rule.args)
    if rule.obj == "presentation":
        arguments.update(mission_id=str(obj.mission_id), presentation_id=str(obj.pk))
    elif rule.obj is not None:
        arguments[_URL_ARGUMENT[rule.obj]] = str(obj.pk)
    return reverse(key, kwargs=arguments)


_URL_ARGUMENT = {"case": "case_id", "person": "person_id", "mission": "mission_id",
                 "review": "review_id", "readmission": "request_id"}


def _argument(path: str) -> str:
    return path.split("{", 1)[1].split("}", 1)[0]


def _body_person(world: World, cell: str) -> Any:
    """The person a body's "@person" names: the person of the object's member state (without
    an object, of the persona's)."""
    member_state = cell.rsplit("/", 1)[1] if "/" in cell else cell.rsplit("@", 1)[-1]
    return world.objects[member_state if member_state == "be" else "nl"]["person"]


def _body(world: World, key: str, rule: Rule, cell: str) -> str:
    """The operation's made-up body with the rule's fields."""
    fields = {name: str(_body_person(world, cell).pk) if value == "@person" else value
              for name, value in rule.body.items()}
    return json.dumps({**world.bodies.get(key, {}), **fields})


def _allowed(world: World, rule: Rule, cell: str, user: Any, obj: Any) -> bool:
    if not rule.allows(user, obj):
        return False
    return "@person" not in rule.body.values() or sees_person(user, _body_person(world, cell))


def _request(persona: Persona, rule: Rule, path: str, body: Any) -> Any:
    client = persona.client()
    if rule.method == "GET":
        return client.get(path + rule.query)
    if path.startswith(API_PREFIX):
        return client.post(path + rule.query, data=body, content_type="application/json")
    return client.post(path, {})


def _bodies() -> dict[str, Any]:
    """A well-formed body for each API operation that takes one, made from its OpenAPI schema:
    an empty body would be refused (422) before the operation looks at who asks, so it would
    prove nothing about access."""
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    bodies = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                key = f"{method.upper()} {path.removeprefix(API_PREFIX)}"
                bodies[key] = _example(content["application/json"]["schema"], components)
    return bodies


def _example(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """A value ``schema`` accepts: its required fields only, each the first that fits."""
    if "$ref" in schema:
        return _example(components[schema["$ref"].rsplit("/", 1)[1]], components)
    for either in ("anyOf", "oneOf", "allOf"):
        if either in schema:
            options = [o for o in schema[either] if o.get("type") != "null"]
            return _example(options[0], components)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: _example(properties[name], components)
                for name in schema.get("required", []) if name in properties}
    if kind == "array":
        return [_example(schema["items"], components)
                for _ in range(schema.get("minItems", 0))]
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    if schema.get("pattern") == "^[A-Za-z]{2}$":
        return "MA"  # a country code
    return _STRINGS.get(schema.get("format", ""), "x" * max(1, schema.get("minLength", 1)))


_STRINGS = {"date": NOW.date().isoformat(), "date-time": NOW.isoformat(),
            "uuid": "00000000-0000-0000-0000-000000000000"}


def _verdict(persona: Persona, rule: Rule, allowed: bool, path: str, response: Any) -> str | None:
    """What is wrong with ``response``, or None."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if allowed:
        if status in (401, 403) or (status == 404 and not rule.absent_is_404):
            return f"refused with {status}, though the rule allows it"
        if persona.name == "anonymous" or rule.signing_in or not _to_sign_in(response):
            return None
        return f"sent to sign in ({response['Location']}), though signed in and allowed"
    if persona.name == "anonymous":
        if status in (401, 403, 404) or _to_sign_in(response):
            return None
        return f"anonymous got {status}, not the sign-in page"
    if status == 403 or (status == 404 and not rule.absent_is_404):
        return None
    if (rule.signing_in or path.startswith("/admin/")) and _to_sign_in(response):
        return None
    return f"reached it with {status}, though the rule refuses it: {response.content[:300]!r}"


def _to_sign_in(response: Any) -> bool:
    return response.status_code == 302 and "login" in response.get("Location", "")


REQUESTS = {"count": 0, "seconds": 0.0}
# Refused cells answered 422: the input was checked before access, so the request proves
# neither way; listed when the matrix ends (a body that passes the checks would prove it).
UNPROVEN: set[str] = set()

_RULES: dict[str, Rule] = {**PAGES, **OPERATIONS}


def _check(world: World, key: str, only: str | None = None) -> list[str]:
    rule = _RULES[key]
    failures = []
    # The refused first, on objects no allowed request has changed yet.
    cells = sorted(_cells(world, rule), key=lambda c: _allowed(world, rule, c[0], c[1].user, c[2]))
    for cell, persona, obj in cells:
        if (only is None and cell in rule.holes) or (only is not None and cell != only):
            continue
        path = _path(key, rule, obj)
        body = _body(world, key, rule, cell)
        started = time.perf_counter()
        response = _request(persona, rule, path, body)
        REQUESTS["seconds"] += time.perf_counter() - started
        REQUESTS["count"] += 1
        allowed = _allowed(world, rule, cell, persona.user, obj)
        if not allowed and response.status_code == 422 and persona.name != "anonymous":
            UNPROVEN.add(f"{key} [{cell}]")
            continue
        wrong = _verdict(persona, rule, allowed, path, response)
        if wrong:
            failures.append(f"{key} [{cell}] {rule.method} {path}: {wrong}")
    return failures


@pytest.mark.parametrize("key", sorted(_RULES))
def test_the_endpoint_keeps_its_rule(world: World, db: Any, key: str) -> None:
    with clock.frozen_at(NOW):
        failures = _check(world, key)
    assert not failures, "\n".join(failures)


_HOLES = [
    pytest.param(key, cell, marks=pytest.mark.xfail(strict=True, reason=hole))
    for key, rule in sorted(_RULES.items()) for cell, hole in rule.holes.items()
]

if _HOLES:  # none open now; a hole found is held here until it is fixed

    @pytest.mark.parametrize("key,cell", _HOLES)
    def test_a_known_hole_is_still_open(world: World, db: Any, key: str, cell: str) -> None:
        with clock.frozen_at(NOW):
            failures = _check(world, key, only=cell)
        assert not failures, "\n".join(failures)


def test_the_matrix_ran(world: World, db: Any) -> None:
    """Not a check of access: the count and the time of the requests, for the report."""
    print(f"\naccess matrix: {REQUESTS['count']} requests in {REQUESTS['seconds']:.1f} s")
    print(f"refused cells answered 422 (input checked before access): {len(UNPROVEN)}")
    for cell in sorted(UNPROVEN):
        print("  ", cell)
