"""The statistics dashboards in real Chromium: Tom, a statistician, opens them from the
navigation, changes the filters (kept in the address), reads a chart drawn by Vega-Lite under
the site's Content-Security-Policy (no 'unsafe-eval': Vega's interpreter) and its table, and
reads them in Dutch; Eva, the EU coordinator, sees withheld figures. Every page passes
axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import expect

from retour.statistics.tests.test_funnel import funnel_case
from retour.testing.browser import assert_accessible, screenshot, sign_in
from retour.web.tests.test_statistics_pages import ASYLUM, build_cube

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def strict_page(chromium: Any, live_server: Any) -> Iterator[Any]:
    """A page that keeps the site's Content-Security-Policy (the usual one bypasses it to
    inject axe-core), recording every violation and script error."""
    context = chromium.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.problems = []
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and not m.text.startswith("Failed to load resource")  # reported with its address below
            and page.problems.append(m.text)
        ),
    )
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and not r.url.endswith("/favicon.ico")
            and page.problems.append(f"{r.status} {r.url}")
        ),
    )
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    yield page
    context.close()


def _cases(officer: Any) -> None:
    """Cases along the funnel, for its chart."""
    d = date.fromisoformat
    for day in ("2026-01-05", "2026-01-20", "2026-02-01", "2026-02-10", "2026-02-20"):
        funnel_case(officer, legal_stay_ended_on=d("2026-01-02"), return_decision_on=d(day))
    funnel_case(
        officer,
        legal_stay_ended_on=d("2026-01-02"),
        return_decision_on=d("2026-01-05"),
        identified_on=d("2026-01-15"),
        readmission_requested_on=d("2026-01-20"),
    )
    funnel_case(officer, legal_stay_ended_on=d("2026-02-25"))


def _chart_drawn(page: Any) -> None:
    expect(page.locator(".retour-chart svg").first).to_be_visible()


def test_the_charts_draw_under_the_content_security_policy(strict_page, tom, anna):
    build_cube()
    _cases(anna)
    sign_in(strict_page, "tom", "x-tom")
    for address in (
        "/statistics/trends/",
        f"/statistics/citizenship/?indicator={ASYLUM}&quarter=2026Q1&top=5",
        "/statistics/funnel/",
    ):
        strict_page.goto(address)
        _chart_drawn(strict_page)
        expect(
            strict_page.locator(".retour-chart .mark-line, .retour-chart .mark-rect").first
        ).to_be_attached()
    assert strict_page.problems == []


def test_a_statistician_follows_an_indicator(page, tom, anna):
    build_cube()
    _cases(anna)
    sign_in(page, "tom", "x-tom")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Statistics").click()
    expect(page).to_have_title("Statistics – Retour")
    assert_accessible(page)
    page.get_by_role("link", name="Indicator trends").click()
    expect(page).to_have_title("Indicator trends – Retour")
    _chart_drawn(page)
    chart = page.get_by_role("img", name="Return decisions issued following a negative asylum")
    expect(chart).to_be_visible()
    table = page.get_by_role("region", name="Return decisions issued following a negative asylum")
    expect(table.get_by_role("row", name="All")).to_contain_text("25")
    assert_accessible(page)
    screenshot(page, "statistics-trends")

    page.get_by_label("From quarter").select_option("2026Q1")
    page.get_by_label("Break down by").select_option("citizenship")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/statistics/trends/?*breakdown=citizenship*")
    _chart_drawn(page)
    expect(page.get_by_role("row", name="Morocco")).to_contain_text("12")
    assert_accessible(page)
    screenshot(page, "statistics-trends-citizenship")

    page.get_by_label("Break down by").select_option("destination")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("This indicator cannot be broken down by destination.")).to_be_visible()
    assert_accessible(page)

    page.goto("/statistics/funnel/")
    _chart_drawn(page)
    assert_accessible(page)
    screenshot(page, "statistics-funnel")

    page.get_by_label("Language").select_option("nl")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page).to_have_title("Trechter van zaken – Retour")
    _chart_drawn(page)
    assert_accessible(page)
    page.goto(f"/statistics/citizenship/?indicator={ASYLUM}&quarter=2026Q1&top=5")
    _chart_drawn(page)
    expect(page.get_by_role("row", name="Overige (2)")).to_contain_text("2")
    assert_accessible(page)
    screenshot(page, "statistics-citizenship-nl")


def test_the_eu_coordinator_sees_small_counts_withheld(page, eva):
    build_cube()
    sign_in(page, "eva", "x-eva")
    page.goto("/statistics/authorities/?quarter=2026Q1&member_state=NL")
    # Both authorities' figures are withheld: no chart, and the table says so.
    expect(page.get_by_text("There is nothing to draw")).to_be_visible()
    expect(page.get_by_role("row", name="Dienst Terugkeer en Vertrek")).to_contain_text("withheld")
    expect(page.get_by_text("a count below 5 is withheld")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "statistics-authorities-eu")
    page.goto(f"/statistics/trends/?indicator={ASYLUM}&first=2026Q1&breakdown=citizenship")
    _chart_drawn(page)
    expect(page.get_by_role("row", name="Pakistan")).to_contain_text("withheld")
    assert_accessible(page)
    screenshot(page, "statistics-trends-eu")
