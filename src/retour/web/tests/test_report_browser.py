"""The quarterly report page in real Chromium: Tom, an NL statistician, reads the figures and
their trend, writes the introduction and a commentary, saves them and reads the page in Dutch;
the PDF link answers with a PDF. Every page passes axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from retour.statistics.models import ReportCommentary
from retour.statistics.tests import report_fixture
from retour.testing.browser import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def cube(db):
    report_fixture.build()


def test_a_statistician_writes_the_commentary_of_the_quarter(page, cube, tom):
    sign_in(page, "tom", "x-tom")
    page.goto("/statistics/report/2026Q1/")
    expect(page).to_have_title("Quarterly report 2026Q1: Netherlands – Retour")
    decisions = page.get_by_role(
        "region", name="Return decisions issued following a negative asylum decision"
    )
    expect(decisions.get_by_role("row").nth(1)).to_contain_text("withheld")
    expect(page.get_by_role("img", name="Trend by quarter: 2025Q1: 40; 2025Q2: withheld"))\
        .to_have_count(1)
    assert_accessible(page)

    introduction = page.get_by_role("textbox", name="Introduction (optional)")
    introduction.fill("A steady quarter.")
    page.get_by_role("textbox", name=re.compile("^Commentary on Backlog: open cases")).fill(
        "Fewer cases wait."
    )
    page.get_by_role("button", name="Save the commentary").click()
    expect(page.get_by_role("status")).to_have_text("The commentary is saved.")
    assert set(ReportCommentary.objects.values_list("indicator", flat=True)) == {"", "backlog"}
    expect(introduction).to_have_value("A steady quarter.")
    assert_accessible(page)
    screenshot(page, "quarterly-report")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == "retour-quarterly-2026Q1-NL.pdf"

    page.get_by_label("Language").select_option("nl")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page).to_have_title("Kwartaalrapportage 2026Q1: Nederland – Retour")
    inleiding = page.get_by_role("textbox", name=re.compile("^Inleiding"))
    expect(inleiding).to_have_value("A steady quarter.")
    assert_accessible(page)
    screenshot(page, "quarterly-report-nl")


def test_the_eu_coordinator_chooses_a_member_states_report(page, cube, eva):
    sign_in(page, "eva", "x-eva")
    page.goto("/statistics/report/2026Q1/")
    expect(page).to_have_title("Quarterly report 2026Q1: All member states (EU) – Retour")
    page.get_by_label("Member state").select_option("NL")
    page.get_by_role("button", name="Show the report").click()
    page.wait_for_url("**/statistics/report/2026Q1/?member_state=NL")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Quarterly report 2026Q1: Netherlands"
    )
    expect(page.get_by_role("button", name="Save the commentary")).to_have_count(0)
    assert_accessible(page)
