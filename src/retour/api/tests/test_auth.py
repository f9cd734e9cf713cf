"""Who may call the API: personal tokens (Bearer) and the browser session (with CSRF)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from retour.accounts.models import ApiToken
from retour.api.tests.conftest import NOW, body_of
from retour.people.models import Person

NEW_PERSON = {"names": [{"surname": "Tesfaye"}], "sex": "F"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/cases"),
        ("get", "/api/v1/cases/6f1f9a3e-8d5b-4c1e-9a52-0b9f7c1d2e3f"),
        ("get", "/api/v1/tasks"),
        ("post", "/api/v1/people"),
        ("post", "/api/v1/cases/6f1f9a3e-8d5b-4c1e-9a52-0b9f7c1d2e3f/actions/close-case"),
    ],
)
def test_without_credentials_401_json(method, path, db):
    response = getattr(Client(), method)(path)
    assert response.status_code == 401
    assert body_of(response) == {"detail": "Unauthorized"}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_token_authenticates_and_is_marked_used(anna):
    token, raw = ApiToken.issue(anna, "script")
    assert token.last_used_at is None
    response = Client().get("/api/v1/cases", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == NOW


@pytest.mark.parametrize("problem", ["revoked", "unknown", "inactive user", "not bearer"])
def test_token_refused(problem, anna):
    token, raw = ApiToken.issue(anna, "script")
    header = f"Bearer {raw}"
    if problem == "revoked":
        token.revoked_at = NOW - timedelta(days=1)
        token.save()
    elif problem == "unknown":
        header = f"Bearer {raw[:-1]}x"
    elif problem == "inactive user":
        anna.is_active = False
        anna.save()
    else:
        header = f"Token {raw}"
    response = Client().get("/api/v1/cases", headers={"Authorization": header})
    assert response.status_code == 401
    token.refresh_from_db()
    assert token.last_used_at is None


def test_revoked_token_is_refused_even_with_a_session(anna):
    """A dead token is an error to tell the client, not a reason to fall back silently."""
    token, raw = ApiToken.issue(anna, "script")
    token.revoked_at = NOW
    token.save()
    client = Client()
    client.force_login(anna)
    response = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401
    assert "revoked" in body_of(response)["detail"]


def test_session_reads_without_csrf(anna):
    client = Client(enforce_csrf_checks=True)
    client.force_login(anna)
    assert client.get("/api/v1/cases").status_code == 200


def test_session_writes_need_the_csrf_token(anna):
    client = Client(enforce_csrf_checks=True)
    client.force_login(anna)
    refused = client.post("/api/v1/people", NEW_PERSON, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in body_of(refused)["detail"]
    assert not Person.objects.exists()

    secret = "k" * 32
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    accepted = client.post(
        "/api/v1/people", NEW_PERSON, content_type="application/json",
        headers={"X-CSRFToken": secret},
    )
    assert accepted.status_code == 201, accepted.content
    assert Person.objects.count() == 1


def test_token_writes_need_no_csrf_token(anna):
    _, raw = ApiToken.issue(anna, "script")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})
    response = client.post("/api/v1/people", NEW_PERSON, content_type="application/json")
    assert response.status_code == 201


def test_openapi_and_docs_are_served(db):
    schema = Client().get("/api/v1/openapi.json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["info"]["title"] == "Retour API"
    assert "/api/v1/cases/{case_id}/actions/issue-return-decision" in document["paths"]
    assert set(document["components"]["securitySchemes"]) == {"ApiTokenAuth", "BrowserSessionAuth"}
    docs = Client().get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"openapi.json" in docs.content


def test_a_user_past_the_rate_is_told_to_wait_and_others_are_not(anna, pieter, settings):
    """Anti-automation (ASVS 2.4.1): per user, whichever token or session they use."""
    settings.API_RATE_PER_USER = "3/m"
    _, script = ApiToken.issue(anna, "script")
    _, laptop = ApiToken.issue(anna, "laptop")
    statuses = [Client().get("/api/v1/cases", headers={"Authorization": f"Bearer {raw}"})
                for raw in (script, laptop, script, laptop)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    refused = statuses[-1]
    assert body_of(refused)["detail"].startswith("Too many requests: at most 3 a minute per user.")
    assert 0 < int(refused["Retry-After"]) <= 60
    colleague = Client()
    colleague.force_login(pieter)
    assert colleague.get("/api/v1/cases").status_code == 200
