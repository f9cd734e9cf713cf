"""In production the session and CSRF cookies carry the __Host- prefix, so a browser keeps them
only when they are Secure, for this host alone, for the whole site (ASVS 5.0 3.3.1, 3.3.3)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings


def test_production_names_the_cookies_with_the_host_prefix():
    assert settings.PRODUCTION_COOKIE_NAMES == ("__Host-session", "__Host-csrftoken")


@pytest.mark.django_db
def test_the_cookies_are_secure_host_only_and_for_the_whole_site(client, anna):
    session_name, csrf_name = settings.PRODUCTION_COOKIE_NAMES
    with override_settings(SESSION_COOKIE_NAME=session_name, CSRF_COOKIE_NAME=csrf_name):
        page = client.get("/accounts/login/", secure=True)
        password_step = client.post("/accounts/login/", {
            "username": anna.username, "password": "x-" + anna.username,
            "csrfmiddlewaretoken": page.cookies[csrf_name].value,
        }, secure=True)
    assert password_step.status_code == 302  # on to the code step, in a new session
    for cookie in (page.cookies[csrf_name], client.cookies[csrf_name]):
        assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]
    sessions = [c for name, c in password_step.cookies.items() if name == session_name]
    assert sessions
    for cookie in sessions:
        assert cookie["secure"] and cookie["httponly"] and cookie["path"] == "/"
        assert not cookie["domain"]
