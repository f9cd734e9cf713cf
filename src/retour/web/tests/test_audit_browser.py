"""The audit view in real Chromium: the auditor finds a person, reads their access history,
filters it by user and period in place (htmx, accessible after every swap) and downloads it as
CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from retour import clock
from retour.audit.log import record_access
from retour.cases.models import ReturnCase
from retour.people.actions import NameInput
from retour.testing.browser import assert_accessible, screenshot, sign_in
from retour.testing.factories import case_for

pytestmark = pytest.mark.browser

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with clock.frozen_at(NOW):
        yield


@pytest.fixture
def karim(anna, pieter, sanne, ruud) -> ReturnCase:
    """Karim Haddad's case (opened today), read by Pieter on 1 March and found by him in a
    search on 10 March, read by Sanne on 5 March."""
    case = case_for(anna, arabic_script=True)
    case_for(anna, names=[NameInput(surname="Rahimi", given_names="Omid")])

    def read(moment: datetime, user, **details) -> None:
        with clock.frozen_at(moment):
            record_access(user, "read", "return_case", [case.pk], person_ids=[case.person_id],
                          channel="web", **details)

    read(datetime(2026, 3, 1, 15, 0, tzinfo=UTC), pieter, reason="identification interview")
    read(datetime(2026, 3, 5, 10, 0, tzinfo=UTC), sanne)
    with clock.frozen_at(datetime(2026, 3, 10, 8, 0, tzinfo=UTC)):
        record_access(pieter, "search", "return_case", [case.pk], person_ids=[case.person_id],
                      search_terms={"q": "haddad"}, channel="api")
    return case


def status_says(page, text: str) -> None:
    page.get_by_role("status").filter(has_text=text).wait_for()


def test_auditor_finds_a_person_filters_the_history_and_downloads_it(page, karim, tmp_path):
    sign_in(page, "ruud", "x-ruud")
    page.get_by_role("link", name="Access log: who read or changed a person's data").click()
    page.wait_for_url("**/audit/")
    expect(page).to_have_title("Access log – Retour")
    assert_accessible(page)

    page.get_by_label("Name or case number").fill("haddad")
    page.get_by_role("button", name="Search").click()
    status_says(page, "One person found.")
    assert page.url.endswith("/audit/")  # the name went in the body, not the address
    assert_accessible(page)
    screenshot(page, "audit-start")
    page.get_by_role("link", name="Karim Haddad").click()
    page.wait_for_url(f"**/audit/persons/{karim.person_id}/")
    expect(page).to_have_title("Access history – Retour")
    history = page.get_by_role("region", name="Access history")
    assert "identification interview" in history.inner_text()
    assert_accessible(page)

    page.get_by_label("User").select_option(label="Pieter Bakker (pieter)")
    page.get_by_role("button", name="Apply filters").click()
    status_says(page, "2 entries found; showing 1 to 2.")
    assert "Sanne" not in history.inner_text()
    assert "?user=pieter&" in page.url  # a filtered history can be bookmarked
    assert_accessible(page)

    page.get_by_label("From").fill("2026-03-09")
    page.get_by_label("To (inclusive)").fill("2026-03-01")
    page.get_by_role("button", name="Apply filters").click()
    status_says(page, "Correct the filters to see the history.")
    error = page.locator("#id_date_to_error")
    assert "The end of the period must be on or after its start." in error.inner_text()
    assert_accessible(page)

    page.get_by_label("From").fill("2026-03-01")
    page.get_by_label("To (inclusive)").fill("2026-03-09")
    page.get_by_role("button", name="Apply filters").click()
    status_says(page, "One entry found.")
    assert error.inner_text() == ""
    assert "identification interview" in history.inner_text()
    assert_accessible(page)
    screenshot(page, "audit-person")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("retour-access-log-2026-03-12-")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    with path.open(encoding="utf-8-sig", newline="") as file:
        header, *rows = list(csv.reader(file))
    assert header[:4] == ["Entry", "Time", "Username", "User"]
    assert [row[1:4] for row in rows] == [
        ["2026-03-01T16:00:00+01:00", "pieter", "Pieter Bakker"]
    ]
    assert rows[0][6:] == [f"case: {karim.number}", "", "identification interview", "web"]
