"""The cooperation scorecard pages: who may see them, the figures of the user's scope, links to
the cases behind a figure only for users who may see them (never for the EU coordinator), the
access log, the period in the address with errors next to the fields, CSV, Dutch."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from retour.audit.models import AccessLogEntry
from retour.readmission.tests.scorecard_fixture import World, build
from retour.web.csv_export import cell
from retour.web.tests.test_case_page import client_of

pytestmark = pytest.mark.usefixtures("frozen_clock")  # 2 March 2026: 2026Q1 is the default
Q1 = "?period=2026Q1"


@pytest.fixture
def world(anna: Any, lucas: Any) -> World:
    return build(anna, lucas)


def _html(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def _row(html: str, header: str) -> list[str]:
    """The cells' text of the table row headed ``header``."""
    found = re.search(
        rf"<th[^>]*scope=\"row\">(?:<a[^>]*>)?{header}(?:</a>)?</th>(.*?)</tr>", html, re.S
    )
    assert found, f"no row {header}"
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", found[1], re.S)
    ]


def _field_error(response: Any, field: str) -> str:
    found = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    assert found, f"no error shown next to {field}"
    return found[1]


def _csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_who_may_read_the_scorecard(world, anna, sanne, tom, eva, lotte, ruud, ada):
    for user in (anna, sanne, tom, eva):
        assert client_of(user).get("/scorecard/").status_code == 200
        assert b'href="/scorecard/"' in client_of(user).get("/").content  # in the navigation
    for user in (lotte, ruud, ada):
        for url in (
            "/scorecard/",
            "/scorecard/PK/",
            "/scorecard/scorecard.csv",
            "/scorecard/PK/cases/?figure=accepted",
        ):
            assert client_of(user).get(url).status_code == 403
        assert b'href="/scorecard/"' not in client_of(user).get("/").content
    assert client_of(anna).get("/scorecard/NL/").status_code == 404  # no third country


def test_the_comparison_table_of_a_member_state_with_links_for_its_case_officers(world, anna, tom):
    html = _html(client_of(anna).get("/scorecard/"))  # the current quarter by default
    assert "Figures of Netherlands." in html
    # Submitted, accepted, tacitly, rejected, rate, median and p90 reply days, share in time,
    # documents, median issuance days, interviewed, identified, return decisions, forced
    # returns and their share.
    assert _row(html, "Pakistan") == [
        "4",
        "2",
        "1",
        "1",
        "50.0 %",
        "19",
        "28",
        "66.7 %",
        "3",
        "7",
        "3",
        "1",
        "6",
        "1",
        "16.7 %",
    ]
    assert _row(html, "Morocco")[:5] == ["1", "0", "0", "0", "0.0 %"]
    assert 'href="/scorecard/PK/cases/?period=2026Q1&amp;figure=accepted"' in html
    assert 'href="/scorecard/PK/?period=2026Q1"' in html
    statistician = _html(client_of(tom).get("/scorecard/" + Q1))
    assert _row(statistician, "Pakistan") == _row(html, "Pakistan")
    assert "/cases/" not in statistician  # aggregates only: no personal data for statisticians


def test_the_eu_coordinator_sees_every_member_state_and_no_case(world, eva, settings):
    settings.SUPPRESSION_THRESHOLD = 1  # every figure as counted
    html = _html(client_of(eva).get("/scorecard/" + Q1))
    assert "Figures of all member states." in html
    assert _row(html, "Pakistan")[:5] == ["5", "3", "1", "1", "60.0 %"]
    country = _html(client_of(eva).get("/scorecard/PK/" + Q1))
    assert _row(country, "Belgium")[:7] == ["1", "1", "0", "0", "0", "0", "100.0 %"]
    assert _row(country, "Netherlands")[:7] == ["4", "2", "1", "1", "1", "0", "50.0 %"]
    assert _row(country, "All member states")[:7] == ["5", "3", "1", "1", "1", "0", "60.0 %"]
    for page in (html, country):
        assert "/cases/" not in page and "NL-2026" not in page and "BE-2026" not in page
    assert (
        client_of(eva).get("/scorecard/PK/cases/?period=2026Q1&figure=accepted").status_code == 403
    )


def test_the_eu_coordinator_reads_small_counts_withheld_and_why(world, eva, anna, settings):
    settings.SUPPRESSION_THRESHOLD = 5
    country = _html(client_of(eva).get("/scorecard/PK/" + Q1))
    belgium, netherlands = _row(country, "Belgium"), _row(country, "Netherlands")
    total = _row(country, "All member states")
    assert belgium[0] == netherlands[0] == "withheld" and total[0] == "5"  # submitted
    assert belgium[6] == "withheld"  # the acceptance rate would give the accepted count
    assert "a figure that counts fewer than 5 cases is withheld" in country
    assert "a total minus the other member states" in country
    comparison = _html(client_of(eva).get("/scorecard/" + Q1))
    assert _row(comparison, "Pakistan")[:2] == ["5", "withheld"]
    assert _row(comparison, "Morocco")[0] == "withheld"  # one request
    national = _html(client_of(anna).get("/scorecard/PK/" + Q1))
    assert "withheld" not in national  # the Netherlands' own figures stay in the Netherlands
    assert _row(national, "Netherlands")[0] == "4"


def test_the_cases_behind_a_figure_are_listed_and_logged(world, anna):
    requests = world.requests
    html = _html(client_of(anna).get("/scorecard/PK/cases/?period=2026Q1&figure=accepted"))
    assert "2 cases" in html
    for key in ("NL-1", "NL-2"):
        request = requests[key]
        assert request.reference in html and f'href="/cases/{request.case_id}/"' in html
    assert requests["NL-3"].reference not in html and requests["BE-1"].reference not in html
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert entry is not None and (entry.operation, entry.object_type) == ("search", "return_case")
    assert sorted(entry.object_ids) == sorted(str(requests[k].case_id) for k in ("NL-1", "NL-2"))
    assert entry.search_terms == {"scorecard": "PK", "figure": "accepted", "period": "2026Q1"}
    assert (
        client_of(anna).get("/scorecard/PK/cases/?period=2026Q1&figure=persons").status_code == 404
    )


def test_the_period_travels_in_the_address_and_errors_stand_next_to_the_fields(world, anna):
    html = _html(client_of(anna).get("/scorecard/?from=2026-01-01&to=2026-01-31"))
    assert _row(html, "Pakistan")[:2] == ["2", "2"]  # submitted in January: NL-1, NL-2
    assert "from=2026-01-01&amp;to=2026-01-31&amp;figure=submitted" in html
    refused = client_of(anna).get("/scorecard/PK/?from=2026-01-01")
    assert refused.status_code == 422
    assert "Give both the first and the last day." in _field_error(refused, "to")
    backwards = client_of(anna).get("/scorecard/?from=2026-02-01&to=2026-01-01")
    assert "must not be before" in _field_error(backwards, "to")
    redirected = client_of(anna).get("/scorecard/scorecard.csv?from=2026-01-01")
    assert redirected.status_code == 302 and redirected["Location"].startswith("/scorecard/?")
    assert "Nothing was recorded" in _html(client_of(anna).get("/scorecard/?period=2025Q1"))


def test_csv_of_the_comparison_and_of_a_country(world, anna, eva, settings):
    settings.SUPPRESSION_THRESHOLD = 5
    rows = _csv(client_of(anna).get("/scorecard/scorecard.csv" + Q1))
    header = rows[0]
    assert header[:6] == [
        "Period",
        "Third country",
        "Name",
        "Member state",
        "Requests submitted",
        "Accepted",
    ]
    pakistan = dict(zip(header, next(r for r in rows if r[1] == "PK"), strict=True))
    assert (
        pakistan["Member state"],
        pakistan["Requests submitted"],
        pakistan["Acceptance rate"],
        pakistan["Median reply time (days)"],
        pakistan["Share answered within the limit"],
        pakistan["Forced returns"],
    ) == ("NL", "4", "0.5", "19.0", "0.6667", "1")
    assert [r[1] for r in rows[1:]] == ["MA", "PK"]
    by_state = _csv(client_of(eva).get("/scorecard/PK/scorecard.csv" + Q1))
    # Belgium's one request is withheld, and the Netherlands' four (the total minus them).
    assert [(r[1], r[3], r[4]) for r in by_state[1:]] == [
        ("PK", "BE", ":"),
        ("PK", "NL", ":"),
        ("PK", "all member states", "5"),
    ]


def test_csv_cells_cannot_run_as_formulas():
    assert cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and cell("Pakistan") == "Pakistan"


def test_the_pages_in_dutch(world, anna):
    html = _html(client_of(anna).get("/scorecard/PK/" + Q1, headers={"accept-language": "nl"}))
    assert "Scorekaart van Pakistan" in html
    assert _row(html, "Nederland")[6] == "50,0 %"
