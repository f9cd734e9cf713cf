"""The statistics dashboards: who may read them, figures read from the cube (rows written here
directly), a national user held to their member state, small counts withheld for the EU
coordinator, the filters in the address with errors next to the fields, the CSV being the
page's table, the funnel, the empty cube, Dutch."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from retour.statistics.loading import load_indicators
from retour.statistics.models import IndicatorDefinition, IndicatorValue, StatisticsRun
from retour.statistics.tests.test_funnel import funnel_case
from retour.web.tests.test_case_page import client_of

pytestmark = pytest.mark.usefixtures("frozen_clock")

ASYLUM = "m30.return_decisions_after_asylum"
RATE = "return_rate_eurostat"
DAYS = "days_legal_stay_to_return_decision.median"
# The Netherlands in 2026Q1, by citizenship: 25 return decisions.
NL_CITIZENSHIPS = {"MA": 12, "DZ": 5, "AF": 3, "IQ": 2, "SY": 1, "TR": 1, "EG": 1}


def cell(
    indicator: str,
    period: str,
    member_state: str = "NL",
    dimension: str = "total",
    value: str = "",
    numerator: int | None = None,
    denominator: int | None = None,
    figure: float | None = None,
) -> IndicatorValue:
    if figure is None:
        figure = numerator if denominator is None else 100 * (numerator or 0) / denominator
    return IndicatorValue.objects.create(
        indicator=indicator,
        definition_version="2026.1",
        period_kind="quarter",
        period=period,
        member_state=member_state,
        dimension=dimension,
        dimension_value=value or dimension,
        numerator=numerator,
        denominator=denominator,
        value=figure,
        computed_at=timezone.now(),
    )


def build_cube() -> None:
    """A few cells of the cube, and a run that computed them; one indicator is broken down by
    responsible authority (the contract of the milestone row's authority)."""
    load_indicators()
    for period, count in (("2025Q3", 12), ("2025Q4", 15), ("2026Q1", 25)):
        cell(ASYLUM, period, numerator=count)
    for code, count in NL_CITIZENSHIPS.items():
        cell(ASYLUM, "2026Q1", dimension="citizenship", value=code, numerator=count)
    cell(ASYLUM, "2026Q1", member_state="BE", numerator=6)
    cell(ASYLUM, "2026Q1", member_state="EU", numerator=31)
    for code, count in {**NL_CITIZENSHIPS, "MA": 14, "PK": 4}.items():
        cell(
            ASYLUM,
            "2026Q1",
            member_state="EU",
            dimension="citizenship",
            value=code,
            numerator=count,
        )
    cell(RATE, "2026Q1", numerator=10, denominator=20)
    cell(DAYS, "2026Q1", numerator=8, figure=12.5)
    definition = IndicatorDefinition.objects.get(code=ASYLUM)
    definition.dimensions = [*definition.dimensions, "authority"]
    definition.save()
    cell(ASYLUM, "2026Q1", dimension="authority", value="nl-dtv", numerator=22)
    cell(ASYLUM, "2026Q1", dimension="authority", value="nl-avim", numerator=3)
    now = timezone.now()
    StatisticsRun.objects.create(
        started_at=now,
        finished_at=now,
        definition_version="2026.1",
        last_event_id=0,
        as_of=date(2026, 3, 2),
        full=True,
        rows_written=IndicatorValue.objects.count(),
    )


@pytest.fixture
def cube(db: Any) -> None:
    build_cube()


def _html(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    return str(response.content.decode())


def _table(html: str) -> list[list[str]]:
    """The data table's rows as text (header row first), with withheld cells as ':'."""
    body = re.search(r"<table.*?</table>", html, re.S)
    assert body, "no data table"
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body[0], re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        texts = [re.sub(r"<span class=\"retour-visually-hidden\">.*?</span>", "", c) for c in cells]
        rows.append([re.sub(r"<[^>]+>", "", t).strip() for t in texts])
    return rows


def _csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _chart(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="chart-spec" type="application/json">(.*?)</script>', html, re.S)
    assert found, "no chart"
    return dict(json.loads(found[1]))


def _field_error(html: str, field: str) -> str:
    found = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</div>', html, re.S)
    assert found and found[1].strip(), f"no error shown next to {field}"
    return found[1]


PAGES = (
    "/statistics/",
    "/statistics/trends/",
    "/statistics/funnel/",
    "/statistics/citizenship/",
    "/statistics/authorities/",
)


def test_who_may_read_the_statistics(cube, anna, sanne, tom, eva, lotte, ruud, ada):
    for user in (sanne, tom, eva):
        for page in PAGES:
            assert client_of(user).get(page).status_code == 200, (user, page)
        assert "/statistics/" in _html(client_of(user).get("/"))
    for user in (anna, lotte, ruud, ada):
        for page in (*PAGES, "/statistics/trends.csv", "/statistics/funnel.csv"):
            assert client_of(user).get(page).status_code == 403, (user, page)


def test_the_trend_of_an_indicator(cube, tom):
    html = _html(client_of(tom).get("/statistics/trends/"))
    assert "Indicators computed at" in html
    assert "Return decisions issued following a negative asylum decision" in html
    assert "EU return strategy indicator M30(1)" in html  # the source
    assert _table(html) == [
        ["Indicator", "2025Q3", "2025Q4", "2026Q1"],
        ["All", "12", "15", "25"],
    ]
    chart = _chart(html)
    assert chart["mark"]["type"] == "line"
    assert [p["value"] for p in chart["data"]["values"]] == [12, 15, 25]
    assert 'role="img" aria-label="Return decisions issued following' in html
    # The indicators are grouped in the picker.
    assert '<optgroup label="Return strategy (M30)">' in html
    assert '<optgroup label="Return rates">' in html


def test_a_breakdown_and_its_csv(cube, sanne):
    query = f"?indicator={ASYLUM}&first=2026Q1&last=2026Q1&breakdown=citizenship"
    html = _html(client_of(sanne).get(f"/statistics/trends/{query}"))
    table = _table(html)
    assert table[0] == ["Citizenship", "2026Q1"]
    assert table[1:4] == [["Morocco", "12"], ["Algeria", "5"], ["Afghanistan", "3"]]
    assert len(table) == 1 + len(NL_CITIZENSHIPS) + 1
    assert table[-1] == ["All", "25"]
    assert f'href="/statistics/trends.csv?indicator={ASYLUM}&amp;first=2026Q1' in html
    rows = _csv(client_of(sanne).get(f"/statistics/trends.csv{query}"))
    assert rows == table  # exactly the page's table, numbers as numbers


def test_the_eurostat_return_rate_carries_the_cohort_caveat(cube, tom):
    html = _html(client_of(tom).get(f"/statistics/trends/?indicator={RATE}"))
    assert "Numerator and denominator count different cases" in html
    assert _table(html)[1] == ["All", "–", "–", "50.0 %"]
    html = _html(client_of(tom).get(f"/statistics/trends/?indicator={DAYS}"))
    assert "Numerator and denominator count different cases" not in html
    assert _table(html)[1] == ["All", "–", "–", "12.5"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (f"?indicator={ASYLUM}&breakdown=destination", "breakdown", "cannot be broken down by"),
        ("?indicator=no.such.indicator", "indicator", "Select a valid choice"),
        ("?first=2031Q1", "first", "Select a valid choice"),
        ("?first=2026Q1&last=2025Q3", "last", "cannot come before the first"),
        ("?breakdown=shoe_size", "breakdown", "Select a valid choice"),
    ],
)
def test_a_bad_filter_is_explained_next_to_its_field(cube, tom, query, field, message):
    html = _html(client_of(tom).get(f"/statistics/trends/{query}"), status=422)
    assert message in _field_error(html, field)
    assert "<table" not in html
    response = client_of(tom).get(f"/statistics/trends.csv{query}")
    assert response.status_code == 302 and response["Location"].startswith("/statistics/trends/?")


def test_a_national_user_sees_only_their_member_state(cube, tom, eva):
    html = _html(client_of(tom).get("/statistics/trends/?member_state=BE&first=2026Q1"))
    assert 'name="member_state"' not in html
    assert _table(html)[1] == ["All", "25"]  # the Netherlands, not Belgium's 6
    html = _html(client_of(eva).get("/statistics/trends/?member_state=BE&first=2026Q1"))
    assert 'name="member_state"' in html
    assert _table(html)[1] == ["All", "6"]
    html = _html(client_of(eva).get("/statistics/trends/?member_state=XX"), status=422)
    assert "Select a valid choice" in _field_error(html, "member_state")


def test_small_counts_are_withheld_for_the_eu_coordinator(cube, tom, eva):
    query = f"?indicator={ASYLUM}&first=2026Q1&last=2026Q1&breakdown=citizenship"
    html = _html(client_of(eva).get(f"/statistics/trends/{query}"))  # EU by default
    table = dict((r[0], r[1]) for r in _table(html)[1:])
    assert table["Morocco"] == "14" and table["Algeria"] == "5"
    for withheld in ("Afghanistan", "Iraq", "Syria", "Türkiye", "Egypt", "Pakistan"):
        assert table[withheld] == ":", withheld
    assert "a count below 5 is withheld" in html
    # The chart leaves withheld figures out rather than drawing them.
    assert {p["series"] for p in _chart(html)["data"]["values"]} == {"Morocco", "Algeria"}
    rows = dict((r[0], r[1]) for r in _csv(client_of(eva).get(f"/statistics/trends.csv{query}")))
    assert rows["Afghanistan"] == ":" and rows["Morocco"] == "14"
    # A national user reads their own figures whole.
    html = _html(client_of(tom).get(f"/statistics/trends/{query}"))
    assert dict((r[0], r[1]) for r in _table(html)[1:])["Afghanistan"] == "3"
    assert "is withheld" not in html


def test_breakdown_by_citizenship_shows_the_largest_and_the_rest(cube, tom, eva):
    query = f"?indicator={ASYLUM}&quarter=2026Q1&top=5"
    html = _html(client_of(tom).get(f"/statistics/citizenship/{query}"))
    assert _table(html) == [
        ["Citizenship", "Number"],
        ["Morocco", "12"],
        ["Algeria", "5"],
        ["Afghanistan", "3"],
        ["Iraq", "2"],
        ["Egypt", "1"],
        ["Other (2)", "2"],
        ["All", "25"],
    ]
    assert _chart(html)["mark"]["type"] == "bar"
    assert _csv(client_of(tom).get(f"/statistics/citizenship.csv{query}")) == _table(html)
    eu = _table(_html(client_of(eva).get(f"/statistics/citizenship/{query}&member_state=NL")))
    assert dict((r[0], r[1]) for r in eu[1:]) == {
        "Morocco": "12",
        "Algeria": "5",
        "Afghanistan": ":",
        "Iraq": ":",
        "Egypt": ":",
        "Other (2)": ":",
        "All": "25",
    }


def test_authorities_compared(cube, sanne, eva):
    html = _html(client_of(sanne).get("/statistics/authorities/?quarter=2026Q1"))
    # Only indicators broken down by authority are offered.
    assert f'value="{ASYLUM}"' in html and f'value="{RATE}"' not in html
    table = _table(html)
    assert table[0] == ["Responsible authority", "Number"]
    assert table[1:] == [
        ["Dienst Terugkeer en Vertrek", "22"],
        ["Politie – Afdeling Vreemdelingen, Identificatie en Mensenhandel", "3"],
        ["All", "25"],
    ]
    assert _csv(client_of(sanne).get("/statistics/authorities.csv?quarter=2026Q1")) == table
    # For the EU coordinator the 3 is withheld, and the 22 with it (total minus 22 is 3).
    html = _html(client_of(eva).get("/statistics/authorities/?quarter=2026Q1&member_state=NL"))
    assert [r[1] for r in _table(html)[1:]] == [":", ":", "25"]


def test_the_funnel(tom, eva, anna, lucas):
    # Days waited count to 2 March 2026 (the frozen clock).
    d = date.fromisoformat
    for day in ("2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23", "2026-02-24", "2026-02-25"):
        funnel_case(anna, return_decision_on=d(day))
    funnel_case(anna, return_decision_on=d("2026-01-10"), departed_on=d("2026-02-01"))
    funnel_case(lucas, legal_stay_ended_on=d("2026-02-01"))
    html = _html(client_of(tom).get("/statistics/funnel/"))
    table = _table(html)
    assert table[0] == [
        "Stage",
        "Reached the stage",
        "Waiting there now",
        "Median days waited",
        "90th percentile days",
    ]
    assert table[1] == ["Legal stay ended", "0", "0", "–", "–"]
    assert table[2] == ["Return decision", "7", "6", "7.5", "9.5"]
    assert table[7] == ["Departure", "1", "0", "–", "–"]
    assert "Indicators computed at" not in html and "cube is empty" not in html
    # The CSV has the page's table; a figure that cannot be given is empty rather than '–'.
    assert _csv(client_of(tom).get("/statistics/funnel.csv")) == [
        ["" if text == "–" else text for text in row] for row in table
    ]
    # For the EU coordinator, every member state: the single departure and Belgium's one case
    # are withheld.
    table = _table(_html(client_of(eva).get("/statistics/funnel/")))
    assert table[1] == ["Legal stay ended", ":", ":", ":", ":"]
    assert table[2] == ["Return decision", "7", "6", "7.5", "9.5"]
    assert table[7][:2] == ["Departure", ":"]
    html = _html(client_of(eva).get("/statistics/funnel/?citizenship=ZZ"), status=422)
    assert "Select a valid choice" in _field_error(html, "citizenship")


def test_an_empty_cube_says_what_to_run(db, tom):
    for page in ("/statistics/", "/statistics/trends/", "/statistics/citizenship/"):
        html = _html(client_of(tom).get(page))
        assert "The indicator cube is empty" in html and "retour compute_indicators" in html
        assert "<table" not in html
    assert client_of(tom).get("/statistics/trends.csv").status_code == 302


def test_in_dutch(cube, tom):
    client = client_of(tom)
    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    html = _html(client.get(f"/statistics/trends/?indicator={RATE}"))
    assert "<title>Indicatoren door de tijd – Retour</title>" in html
    assert "Terugkeerpercentage (zoals Eurostat het berekent)" in html
    assert "Teller en noemer tellen verschillende zaken" in html
    assert _table(html)[1] == ["Alles", "–", "–", "50,0 %"]
    html = _html(client.get("/statistics/funnel/"))
    assert "Trechter van zaken" in html and "Einde rechtmatig verblijf" in html


def test_the_index_leads_to_the_report_of_the_last_quarter_ended(cube, tom):
    html = _html(client_of(tom).get("/statistics/"))
    assert 'href="/statistics/report/2025Q4/"' in html  # the frozen clock is in 2026Q1
    report = _html(client_of(tom).get("/statistics/report/2025Q4/"))
    assert 'href="/statistics/"' in report  # the breadcrumb back to the statistics
