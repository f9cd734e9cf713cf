"""The audit view through the Django test client: only the audit role gets in, a person is
found by the case search and named in addresses by UUID only, the history is filtered by user
and period, exported as CSV, and the auditor's own searching, reading and exporting are logged."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from retour import clock
from retour.audit.log import record_access
from retour.audit.models import AccessLogEntry
from retour.cases.models import ReturnCase
from retour.people.actions import NameInput
from retour.testing.factories import case_for
from retour.web.audit.views import REASON
from retour.web.tests.test_case_page import client_of

pytestmark = pytest.mark.usefixtures("frozen_clock")

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
YESTERDAY = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)
START = "/audit/"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def karim(anna) -> ReturnCase:
    """Karim Haddad's case, opened by Anna, read by Pieter yesterday, found in a search by
    Pieter together with Omid Rahimi's case today."""
    with clock.frozen_at(datetime(2026, 2, 1, 9, 0, tzinfo=UTC)):
        return case_for(anna)


@pytest.fixture
def omid(anna) -> ReturnCase:
    with clock.frozen_at(datetime(2026, 2, 1, 9, 0, tzinfo=UTC)):
        return case_for(anna, names=[NameInput(surname="Rahimi", given_names="Omid")])


@pytest.fixture
def history(karim, omid, pieter) -> dict[str, AccessLogEntry]:
    with clock.frozen_at(YESTERDAY):
        read = record_access(
            pieter, "read", "return_case", [karim.pk], person_ids=[karim.person_id],
            reason="=HYPERLINK(\"https://example.org\")", channel="web",
        )
    search = record_access(
        pieter, "search", "return_case", [omid.pk, karim.pk],
        person_ids=[omid.person_id, karim.person_id], search_terms={"q": "a"}, channel="api",
    )
    return {"read": read, "search": search}


def history_url(case: ReturnCase) -> str:
    return f"/audit/persons/{case.person_id}/"


def csv_url(case: ReturnCase) -> str:
    return f"{history_url(case)}access-log.csv"


def title_of(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found
    return found[1]


def field_error(html: str, field: str) -> str:
    """The error slot next to a field, on a page or swapped in out of band."""
    found = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</div>', html, re.S)
    assert found, f"no error slot for {field}"
    return found[1]


def latest() -> AccessLogEntry:
    return AccessLogEntry.objects.order_by("-sequence").first()  # type: ignore[return-value]


def csv_rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# ---------------------------------------------------------------------------------------------
# Who gets in


@pytest.mark.parametrize("persona", ["anna", "sanne", "eva", "tom", "ada"])
def test_other_roles_are_refused_every_audit_page(request, persona, karim):
    client = client_of(request.getfixturevalue(persona))
    for url in (START, history_url(karim), csv_url(karim)):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Your role does not allow reading the access log." in response.content.decode()
    assert client.post(START, {"q": "Haddad"}).status_code == 403
    assert not AccessLogEntry.objects.filter(object_type="access_log").exists()


def test_signing_in_comes_first(client, karim):
    for url in (START, history_url(karim), csv_url(karim)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_person_of_another_member_state_or_none_at_all_is_not_found(ruud, lucas):
    belgian = case_for(lucas)
    client = client_of(ruud)
    assert client.get(history_url(belgian)).status_code == 404
    assert client.get(csv_url(belgian)).status_code == 404
    assert client.get("/audit/persons/00000000-0000-4000-8000-000000000000/").status_code == 404


def test_the_auditors_home_page_links_to_the_audit_view(ruud):
    assert f'href="{START}"' in client_of(ruud).get("/").content.decode()


# ---------------------------------------------------------------------------------------------
# Finding the person


def test_find_a_person_by_name_and_the_search_is_logged(ruud, karim, omid):
    client = client_of(ruud)
    page = client.get(START).content.decode()
    assert "csrfmiddlewaretoken" in page
    response = client.post(START, {"q": "haddad", "date_of_birth": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{history_url(karim)}"' in html and "Karim Haddad" in html
    assert karim.number in html
    assert "Rahimi" not in html
    assert "One person found." in html
    entry = latest()
    assert (entry.username, entry.operation, entry.object_type) == ("ruud", "search", "return_case")
    assert entry.person_ids == [str(karim.person_id)]
    assert entry.search_terms == {"q": "haddad"}
    assert entry.reason == REASON


def test_find_by_date_of_birth_answered_in_place_with_errors_next_to_the_field(ruud, karim):
    client = client_of(ruud)
    swap = client.post(START, {"q": "", "date_of_birth": "17-05-1994"}, headers=HTMX)
    html = swap.content.decode()
    assert "<html" not in html
    assert "Use YYYY, YYYY-MM or YYYY-MM-DD" in field_error(html, "date_of_birth")
    found = client.post(START, {"q": "", "date_of_birth": "1994-05"}, headers=HTMX)
    assert f'href="{history_url(karim)}"' in found.content.decode()


def test_an_empty_search_finds_no_one_and_logs_nothing(ruud, karim):
    before = AccessLogEntry.objects.count()
    html = client_of(ruud).post(START, {"q": " ", "date_of_birth": ""}).content.decode()
    assert "Enter a name, a case number or a date of birth." in html
    assert AccessLogEntry.objects.count() == before


def test_the_search_form_is_protected_against_cross_site_requests(ruud, karim):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ruud)
    assert client.post(START, {"q": "haddad"}).status_code == 403


# ---------------------------------------------------------------------------------------------
# The history of a person


def test_the_history_shows_who_did_what_when_how_and_why(ruud, karim, omid, history):
    response = client_of(ruud).get(history_url(karim))
    html = response.content.decode()
    assert response.status_code == 200
    assert title_of(html).strip() == "Access history – Retour"
    assert "Karim Haddad" in html and karim.number in html
    # Pieter's read of the case yesterday, 16:00 in Brussels.
    assert "2026-03-01 16:00" in html and "Pieter Bakker" in html
    assert f"case: {karim.number}" in html
    # The search also found Omid's case: counted, not named.
    assert f"case: {karim.number} + 1 more" in html
    assert omid.number not in html
    assert "found in a search" in html and "q: a" in html and "API" in html
    assert "4 entries found; showing 1 to 4." in html  # and the registration, the opening


def test_reading_a_history_is_itself_logged(ruud, karim, history):
    client_of(ruud).get(history_url(karim), {"user": "pieter", "date_from": "2026-03-01"})
    entry = latest()
    assert (entry.username, entry.operation, entry.object_type, entry.channel) == (
        "ruud", "read", "access_log", "web"
    )
    assert entry.object_ids == entry.person_ids == [str(karim.person_id)]
    assert entry.search_terms == {"username": "pieter", "date_from": "2026-03-01"}
    assert entry.reason == REASON
    # The next reading shows the one before.
    html = client_of(ruud).get(history_url(karim), {"user": "ruud"}).content.decode()
    assert "One entry found." in html and "access history: this person" in html


def test_filter_by_user_and_period(ruud, karim, history):
    client = client_of(ruud)
    html = client.get(history_url(karim), {"user": "pieter"}).content.decode()
    assert "2 entries found; showing 1 to 2." in html
    html = client.get(
        history_url(karim), {"user": "pieter", "date_from": "2026-03-01", "date_to": "2026-03-01"}
    ).content.decode()
    assert "One entry found." in html and "2026-03-01 16:00" in html
    # Only the users in the person's log are offered.
    assert '<option value="pieter" selected>Pieter Bakker (pieter)</option>' in html
    assert 'value="sanne"' not in html


def test_a_period_ending_before_it_starts_is_explained_next_to_the_end(ruud, karim, history):
    client = client_of(ruud)
    query = {"date_from": "2026-03-02", "date_to": "2026-03-01"}
    response = client.get(history_url(karim), query)
    assert response.status_code == 422
    html = response.content.decode()
    assert "The end of the period must be on or after its start." in field_error(html, "date_to")
    assert "Correct the filters to see the history." in html
    assert "Download CSV" not in html
    swap = client.get(history_url(karim), query, headers=HTMX)
    assert swap.status_code == 200  # htmx swaps in successful answers only
    assert "The end of the period" in field_error(swap.content.decode(), "date_to")
    assert client.get(csv_url(karim), query)["Location"] == (
        f"{history_url(karim)}?date_from=2026-03-02&date_to=2026-03-01"
    )


def test_unknown_user_or_wrong_date_is_refused_by_field(ruud, karim, history):
    html = client_of(ruud).get(
        history_url(karim), {"user": "nobody", "date_from": "1 March"}
    ).content.decode()
    assert "Select a valid choice" in field_error(html, "user")
    assert "Enter a valid date" in field_error(html, "date_from")


def test_the_filters_answer_in_place(ruud, karim, history):
    swap = client_of(ruud).get(history_url(karim), {"user": "pieter"}, headers=HTMX)
    html = swap.content.decode()
    assert "<html" not in html and 'hx-swap-oob="innerHTML"' in html
    assert f'href="{csv_url(karim)}?user=pieter"' in html


def test_the_history_is_in_dutch(ruud, karim, history):
    html = client_of(ruud).get(history_url(karim), headers={"accept-language": "nl"}).content
    text = html.decode()
    assert title_of(text).strip() == "Toegangsgeschiedenis – Retour"
    assert "gevonden in een zoekopdracht" in text and "CSV downloaden" in text


# ---------------------------------------------------------------------------------------------
# The CSV export


def test_csv_of_the_filtered_history(ruud, karim, history):
    response = client_of(ruud).get(csv_url(karim), {"user": "pieter"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    export = latest()
    assert response["Content-Disposition"] == (
        f'attachment; filename="retour-access-log-2026-03-02-{export.sequence}.csv"'
    )
    assert response.content.startswith("\ufeff".encode())
    header, *rows = csv_rows(response)
    assert header == [
        "Entry", "Time", "Username", "User", "Authority", "Operation", "Records",
        "Search terms", "Reason", "Channel",
    ]
    assert [row[0] for row in rows] == [
        str(history["search"].sequence), str(history["read"].sequence)
    ]
    search, read = rows
    assert search[1:4] == ["2026-03-02T10:00:00+01:00", "pieter", "Pieter Bakker"]
    assert search[5:] == ["found in a search", f"case: {karim.number} + 1 more", "q: a", "", "API"]
    # Text a spreadsheet would run as a formula is kept as text.
    assert read[8] == "'=HYPERLINK(\"https://example.org\")"


def test_the_export_is_logged_and_not_part_of_itself(ruud, karim, history):
    before = AccessLogEntry.objects.count()
    response = client_of(ruud).get(csv_url(karim), {"date_from": "2026-03-02"})
    assert AccessLogEntry.objects.count() == before + 1
    export = latest()
    assert (export.username, export.operation, export.object_type) == (
        "ruud", "export", "access_log"
    )
    assert export.person_ids == [str(karim.person_id)]
    assert export.search_terms == {"date_from": "2026-03-02"}
    assert [row[0] for row in csv_rows(response)[1:]] == [str(history["search"].sequence)]


def test_no_personal_data_in_addresses_or_file_names(ruud, karim, history):
    client = client_of(ruud)
    html = client.post(START, {"q": "haddad"}).content.decode()
    history_page = client.get(history_url(karim)).content.decode()
    export = client.get(csv_url(karim))
    addresses = re.findall(r'(?:href|action|hx-get|hx-post)="([^"]*)"', html + history_page)
    addresses.append(export["Content-Disposition"])
    for address in addresses:
        assert "haddad" not in address.lower() and "karim" not in address.lower()
        assert "1994" not in address
    assert "Haddad" not in title_of(html) + title_of(history_page)


def test_a_long_history_is_paged_keeping_the_filters(ruud, karim, pieter, monkeypatch):
    monkeypatch.setattr("retour.web.audit.views.PAGE_SIZE", 2)
    for _ in range(3):
        record_access(pieter, "read", "person", [karim.person_id], person_ids=[karim.person_id])
    client = client_of(ruud)
    html = client.get(history_url(karim), {"user": "pieter"}).content.decode()
    assert "3 entries found; showing 1 to 2." in html
    assert 'href="?user=pieter&amp;page=2"' in html and "page 1 of 2" in html
    html = client.get(history_url(karim), {"user": "pieter", "page": "2"}).content.decode()
    assert "3 entries found; showing 3 to 3." in html
    assert 'href="?user=pieter&amp;page=1"' in html
    # The CSV holds every page.
    assert len(csv_rows(client.get(csv_url(karim), {"user": "pieter"}))) == 1 + 3


def test_the_persons_documents_are_named_as_theirs(ruud, anna, karim):
    from retour.identification.actions import NewDocument, record_identity_document

    document = record_identity_document(anna, karim.person_id, NewDocument(
        kind="passport", form="copy", number="M1234567", issuing_country="MA"))
    html = client_of(ruud).get(history_url(karim)).content.decode()
    assert "identity document: passport" in html
    assert "identity_document" not in html
    assert str(document.pk) not in html
