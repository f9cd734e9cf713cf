"""Ordering detention from the case page in real Chromium: the form is accessible, a wrong
date is announced next to its field, and the case page then shows the period and the day the
maximum is reached."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from retour.api.tests.conftest import TODAY
from retour.testing.browser import assert_accessible, screenshot, sign_in
from retour.testing.factories import case_in_forced_return

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("frozen_clock")]


def test_a_case_officer_orders_detention_from_the_case_page(page, anna):
    case = case_in_forced_return(anna, decided_on=TODAY - timedelta(days=20))
    sign_in(page, "anna", "x-anna")
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Order detention").click()
    expect(page).to_have_title("Order detention – Retour")
    assert_accessible(page)
    page.get_by_label("Detained from").fill((TODAY + timedelta(days=1)).isoformat())
    page.get_by_label("Ground").select_option("risk_of_absconding")
    page.get_by_label("Detention facility").fill("Detentiecentrum Rotterdam")
    page.get_by_role("button", name="Order detention").click()
    when = page.get_by_label("Detained from")
    assert when.get_attribute("aria-invalid") == "true"
    assert "is in the future" in page.locator("#id_ordered_on_error").inner_text()
    assert_accessible(page)
    screenshot(page, "detention-form-errors")

    when.fill((TODAY - timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Order detention").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    section = page.locator("section", has=page.locator("#detention-title"))
    assert "Detentiecentrum Rotterdam" in section.inner_text()
    assert page.get_by_text("Maximum period reached on").is_visible()
    assert page.get_by_role("link", name="End detention").is_visible()
    assert_accessible(page)
    screenshot(page, "case-page-detention")
