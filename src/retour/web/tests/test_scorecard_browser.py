"""The cooperation scorecard in real Chromium: anna opens it from the navigation, compares the
countries, opens Pakistan's page and the cases behind a figure, picks other days and reads it
in Dutch; Eva, the EU coordinator, sees every member state and no case. Every page passes
axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from retour.readmission.tests.scorecard_fixture import build
from retour.testing.browser import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("frozen_clock")]


def test_a_case_officer_compares_countries_and_opens_the_cases_behind_a_figure(page, anna, lucas):
    world = build(anna, lucas)
    sign_in(page, "anna", "x-anna")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Scorecard").click()
    expect(page).to_have_title("Cooperation scorecard – Retour")
    table = page.get_by_role("region", name="Third countries, 2026-01-01 to 2026-03-31")
    pakistan = table.get_by_role("row", name="Pakistan")
    expect(pakistan.get_by_role("cell").nth(4)).to_have_text("50.0 %")
    assert_accessible(page)
    screenshot(page, "scorecard")

    pakistan.get_by_role("link", name="Pakistan").click()
    expect(page).to_have_title("Scorecard of Pakistan – Retour")
    requests = page.get_by_role("region", name="Readmission requests")
    netherlands = requests.get_by_role("row", name="Netherlands")
    expect(netherlands).to_contain_text("50.0 %")
    assert_accessible(page)
    screenshot(page, "scorecard-country")

    netherlands.get_by_role("cell").nth(1).get_by_role("link", name="2").click()
    expect(page).to_have_title("Cases behind a figure – Retour")
    expect(page.get_by_role("heading", name="2 cases")).to_be_visible()
    expect(page.get_by_role("link", name=world.requests["NL-1"].case.number)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Pakistan").click()
    page.get_by_label("From").fill("2026-01-01")
    page.get_by_label("To", exact=True).fill("2026-01-31")
    page.get_by_role("button", name="Show these days").click()
    page.wait_for_url("**/scorecard/PK/?*from=2026-01-01*")
    requests = page.get_by_role("region", name="Readmission requests").first
    expect(requests).to_contain_text("100.0 %")
    expect(page.get_by_label("Quarter", exact=True)).to_have_value("")  # "Other days"
    page.get_by_label("Quarter", exact=True).select_option("2026Q1")
    page.get_by_role("button", name="Show the quarter").click()
    page.wait_for_url("**/scorecard/PK/?period=2026Q1")
    expect(page.get_by_label("From")).to_have_value("2026-01-01")
    expect(page.get_by_label("To", exact=True)).to_have_value("2026-03-31")
    expect(page.get_by_role("region", name="Readmission requests").first).to_contain_text("50.0 %")
    page.get_by_label("From").fill("2026-01-01")
    page.get_by_label("To", exact=True).fill("2026-01-31")
    page.get_by_role("button", name="Show these days").click()
    page.wait_for_url("**/scorecard/PK/?*from=2026-01-01*")

    page.get_by_label("Language").select_option("nl")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page).to_have_title("Scorekaart van Pakistan – Retour")
    expect(page.get_by_role("region", name="Overnameverzoeken").first).to_contain_text("100,0 %")
    assert_accessible(page)
    screenshot(page, "scorecard-country-nl")


def test_the_eu_coordinator_sees_every_member_state_and_no_case(page, anna, lucas, eva):
    build(anna, lucas)
    sign_in(page, "eva", "x-eva")
    page.goto("/scorecard/PK/?period=2026Q1")
    requests = page.get_by_role("region", name="Readmission requests")
    # Belgium's one request leaves Belgium withheld, and what would give it away with it.
    expect(requests.get_by_role("row", name="All member states")).to_contain_text("5")
    expect(requests.get_by_role("row", name="Belgium")).to_contain_text("withheld")
    expect(page.locator("#withheld-note")).to_contain_text("fewer than 5 cases is withheld")
    expect(page.locator("main a[href*='/cases/']")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "scorecard-country-eu")
    page.get_by_label("Language").select_option("nl")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("#withheld-note")).to_contain_text("minder dan 5 zaken afgeschermd")
    page.get_by_role("link", name="Scorekaart", exact=True).click()
    expect(page).to_have_title("Scorekaart samenwerking – Retour")
    assert_accessible(page)
    screenshot(page, "scorecard-nl")
