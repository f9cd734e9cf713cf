"""Readmission requests in real Chromium: anna finds the overdue request first, narrows the
list to a country (swapped in by htmx, kept in the address), opens a request, records the
reply and a travel document that ends before the transfer, and sees the warning; then the
same pages in Dutch. Every state is checked with axe-core."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from retour import clock
from retour.cases.models import Timer
from retour.readmission.models import SUBJECT, ReadmissionTimer
from retour.readmission.tests.test_requests import _submitted
from retour.testing.browser import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("frozen_clock")]


def test_finding_a_request_and_recording_its_travel_document(page, anna):
    pakistan = _submitted(anna, "PK")
    ukraine = _submitted(anna, "UA")
    Timer.objects.filter(subject=SUBJECT, subject_key=str(ukraine.pk),
                         kind=ReadmissionTimer.REPLY).update(
        due_on=clock.today() - timedelta(days=3)
    )
    sign_in(page, "anna", "x-anna")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Readmission").click()
    expect(page).to_have_title("Readmission requests – Retour")
    rows = page.locator("#readmission-results tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(ukraine.reference)
    expect(rows.first).to_contain_text("3 days overdue")
    assert_accessible(page)
    screenshot(page, "readmission-list")

    page.get_by_label("Country").select_option("PK")
    page.get_by_role("button", name="Show requests").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(pakistan.reference)
    assert "country=PK" in page.url
    assert_accessible(page)

    page.get_by_role("link", name=pakistan.reference).click()
    expect(page).to_have_title(f"Readmission request {pakistan.reference} – Retour")
    expect(page.get_by_text("secondary source").first).to_be_visible()
    reply = page.get_by_role("region", name="Record the reply")
    reply.get_by_label("Reply", exact=True).select_option("rejected")
    reply.get_by_role("button", name="Record the reply").click()
    expect(page.get_by_role("alert")).to_contain_text("a rejection must state its reasons")
    assert_accessible(page)
    reply = page.get_by_role("region", name="Record the reply")
    reply.get_by_label("Reply", exact=True).select_option("accepted")
    reply.get_by_role("button", name="Record the reply").click()
    expect(page.get_by_role("status")).to_contain_text("Record the reply: done.")

    document = page.get_by_role("region", name="Record the travel document issued")
    document.get_by_label("Kind of document").select_option("laissez_passer")
    document.get_by_label("Document number").fill("ETD-55")
    document.get_by_label("Valid until").fill((clock.today() + timedelta(days=60)).isoformat())
    document.get_by_role("button", name="Record the travel document").click()
    warning = page.get_by_role("region", name="Check the travel document")
    expect(warning).to_contain_text("before the planned transfer")
    assert_accessible(page)
    screenshot(page, "readmission-request")

    page.get_by_label("Language").select_option("nl")
    page.get_by_role("button", name="Change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Overnameverzoek {pakistan.reference}"
    )
    expect(page.get_by_role("region", name="Controleer het reisdocument")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "readmission-request-nl")
    page.get_by_role("link", name="Overname", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overnameverzoeken")
    assert_accessible(page)
    screenshot(page, "readmission-list-nl")

    page.goto(f"/cases/{pakistan.case_id}/")
    section = page.get_by_role("region", name="Overnameverzoeken")
    expect(section.get_by_role("link", name=pakistan.reference)).to_be_visible()
    expect(section.get_by_role("button", name="Verzoek opstellen")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "readmission-case-nl")
