"""Sign-ins, failed sign-ins, sign-outs, refused requests and API tokens go through the same
chain as the reads and writes of personal data, and read in English and Dutch."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.management import call_command
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from retour import display
from retour.accounts.models import ApiToken
from retour.audit.log import _canonical, record_access, verify_chain
from retour.audit.models import AccessLogEntry

PASSWORD = "a long synthetic passphrase"


def _last() -> AccessLogEntry:
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert entry is not None
    return entry


def _request() -> HttpRequest:
    """A sign-in page's request, with the session and user the middleware would give it."""
    request = RequestFactory().post("/accounts/login/")
    SessionMiddleware(lambda _: HttpResponse()).process_request(request)
    request.user = AnonymousUser()
    return request


@pytest.fixture
def anna_with_password(anna: Any) -> Any:
    anna.set_password(PASSWORD)
    anna.save()
    return anna


def test_a_sign_in_and_a_sign_out_are_logged(anna_with_password):
    request = _request()
    user = authenticate(request, username="anna", password=PASSWORD)
    assert user == anna_with_password
    login(request, user)
    signed_in = _last()
    assert (signed_in.operation, signed_in.username, signed_in.user_id, signed_in.object_type,
            signed_in.object_ids, signed_in.channel) == (
        "sign_in", "anna", user.pk, "user", [str(user.pk)], "web")
    logout(request)
    assert (_last().operation, _last().username) == ("sign_out", "anna")
    assert verify_chain() is None


def test_a_failed_sign_in_logs_the_username_tried_and_never_the_password(anna_with_password):
    before = AccessLogEntry.objects.count()
    assert authenticate(_request(), username="anna", password="wrong guess") is None
    failed = _last()
    assert AccessLogEntry.objects.count() == before + 1
    assert (failed.operation, failed.username, failed.user_id, failed.object_ids) == (
        "sign_in_failed", "anna", None, [])
    assert b"wrong guess" not in _canonical(failed)
    assert authenticate(_request(), username="nobody-here", password="x") is None
    assert (_last().operation, _last().username) == ("sign_in_failed", "nobody-here")
    assert verify_chain() is None


def test_a_session_made_without_a_sign_in_page_is_not_a_sign_in(anna):
    """The test client's ``force_login`` (an empty request) logs nothing."""
    before = AccessLogEntry.objects.count()
    Client().force_login(anna)
    assert AccessLogEntry.objects.count() == before


def test_a_refused_request_of_a_signed_in_user_is_logged(anna):
    client = Client()
    client.force_login(anna)
    assert client.get("/audit/", {"q": "Haddad"}).status_code == 403  # not an auditor
    refused = _last()
    assert (refused.operation, refused.username, refused.object_type, refused.search_terms,
            refused.channel) == (
        "refused", "anna", "request", {"method": "GET", "path": "/audit/"}, "web")
    assert verify_chain() is None


def test_a_refused_request_with_an_api_token_is_logged(tom):
    """A statistician may not search persons through the API; the user comes from the token,
    not from a session."""
    _, raw = ApiToken.issue(tom, "tests")
    response = Client(headers={"Authorization": f"Bearer {raw}"}).post(
        "/api/v1/people/match", {"names": [{"surname": "Haddad"}]},
        content_type="application/json",
    )
    assert response.status_code == 403
    refused = _last()
    assert (refused.operation, refused.username, refused.search_terms, refused.channel) == (
        "refused", "tom", {"method": "POST", "path": "/api/v1/people/match"}, "api")


def test_api_tokens_issued_and_revoked_are_logged(anna):
    out, err = io.StringIO(), io.StringIO()
    call_command("token", "create", "anna", "--name", "case system", stdout=out, stderr=err)
    token = ApiToken.objects.get(user=anna, name="case system")
    issued = _last()
    assert (issued.operation, issued.username, issued.object_type, issued.object_ids,
            issued.reason, issued.channel) == (
        "administer", "system", "api_token", [str(token.pk)], "issued to anna: case system",
        "cli")
    assert out.getvalue().strip() not in str(_canonical(issued))  # the token itself never
    call_command("token", "revoke", str(token.pk), stdout=io.StringIO())
    assert (_last().operation, _last().reason) == ("administer", "revoked for anna: case system")
    assert verify_chain() is None


def test_an_administrative_change_is_a_valid_operation(ruud):
    entry = record_access(ruud, "administer", "user", [ruud.pk], reason="roles approved")
    AccessLogEntry._meta.get_field("operation").clean(entry.operation, entry)
    assert verify_chain() is None


@pytest.mark.parametrize(("operation", "english", "dutch"), [
    ("sign_in", "signed in", "aangemeld"),
    ("sign_in_failed", "failed to sign in", "aanmelding mislukt"),
    ("sign_out", "signed out", "afgemeld"),
    ("refused", "was refused", "geweigerd"),
    ("administer", "changed as administrator", "gewijzigd als beheerder"),
])
def test_the_new_operations_read_in_english_and_dutch(operation, english, dutch):
    assert display.label(AccessLogEntry.Operation, operation) == english
    with translation.override("nl"):
        assert display.label(AccessLogEntry.Operation, operation) == dutch


def test_the_sign_in_page_logs_a_wrong_password_and_the_sign_out_button_a_sign_out(
    anna_with_password,
):
    """Through the pages as a person uses them (whatever steps the sign-in has)."""
    client = Client()
    client.post(reverse("login"), {"username": "anna", "password": "not it"})
    assert (_last().operation, _last().username, _last().channel) == (
        "sign_in_failed", "anna", "web")
    client.force_login(anna_with_password)
    client.post(reverse("logout"))
    assert (_last().operation, _last().username, _last().user_id) == (
        "sign_out", "anna", anna_with_password.pk)
    assert verify_chain() is None
