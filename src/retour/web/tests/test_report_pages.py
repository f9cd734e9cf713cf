"""The quarterly report page and its PDF: who may read and write, the commentary saved through
``write_commentary`` with errors next to the fields, the EU coordinator's choice of report,
the PDF's type, name and language, Dutch."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from pypdf import PdfReader

from retour.statistics.models import ReportCommentary
from retour.statistics.tests import report_fixture
from retour.web.tests.test_case_page import client_of

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def cube(db: Any) -> None:
    report_fixture.build()
PAGE = "/statistics/report/2026Q1/"
PDF = "/statistics/report/2026Q1/report.pdf"


def _html(response: Any, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    return str(response.content.decode())


def _field(html: str, code: str) -> str:
    """The name of the commentary field of the indicator called ``code``'s name."""
    found = re.search(rf'<label class="utrecht-form-label" for="id_(\w+)">{code}', html)
    assert found, f"no field for {code}"
    return found[1]


def test_the_statistician_reads_the_report_of_their_member_state(cube: None, tom: Any) -> None:
    html = _html(client_of(tom).get(PAGE))
    assert "Quarterly report 2026Q1: Netherlands" in html
    assert "Return decisions issued following a negative asylum decision" in html
    assert "<em>withheld</em>" in html
    assert 'role="img"' in html and "Trend by quarter: 2025Q1: 40" in html
    assert f'href="{PDF}"' in html
    assert "do not name or describe a person" in html
    assert 'name="introduction"' in html


@pytest.mark.parametrize("who", ["anna", "ada", "ruud"])
def test_roles_without_statistics_are_refused(cube: None, who: str, request: Any) -> None:
    client = client_of(request.getfixturevalue(who))
    assert client.get(PAGE).status_code == 403
    assert client.get(PDF).status_code == 403


def test_a_national_user_cannot_ask_for_another_member_state(cube: None, tom: Any) -> None:
    assert client_of(tom).get(PAGE + "?member_state=BE").status_code == 403
    assert client_of(tom).get(PAGE + "?member_state=nl").status_code == 200


def test_a_bad_quarter_is_not_found(cube: None, tom: Any) -> None:
    assert client_of(tom).get("/statistics/report/2026Q5/").status_code == 404


def test_commentary_is_saved_and_shown(cube: None, tom: Any) -> None:
    client = client_of(tom)
    html = _html(client.get(PAGE))
    backlog = _field(html, "Commentary on Backlog")
    response = client.post(PAGE, {"introduction": "A steady quarter.", backlog: "Fewer open."})
    assert response.status_code == 302 and response["Location"] == PAGE
    saved = dict(ReportCommentary.objects.values_list("indicator", "text"))
    assert saved == {"": "A steady quarter.", "backlog": "Fewer open."}
    html = _html(client.get(PAGE))
    assert "The commentary is saved." in html and "Fewer open.</textarea>" in html
    # Unchanged texts are not written again; an emptied one is removed.
    client.post(PAGE, {"introduction": "A steady quarter.", backlog: ""})
    assert list(ReportCommentary.objects.values_list("indicator", flat=True)) == [""]


def test_a_too_long_commentary_is_refused_next_to_its_field(cube: None, tom: Any) -> None:
    response = client_of(tom).post(PAGE, {"introduction": "x" * 4001})
    html = _html(response, 422)
    assert 'id="id_introduction_error"' in html
    assert not ReportCommentary.objects.exists()


def test_the_eu_coordinator_writes_the_eu_report_and_reads_the_others(
    cube: None, eva: Any
) -> None:
    client = client_of(eva)
    html = _html(client.get(PAGE))
    assert "All member states (EU)" in html and 'name="introduction"' in html
    assert f'href="{PDF}?member_state=EU"' in html
    client.post(PAGE, {"introduction": "Across the Union."})
    assert ReportCommentary.objects.get().member_state == "EU"
    national = _html(client.get(PAGE + "?member_state=NL"))
    assert "Quarterly report 2026Q1: Netherlands" in national
    assert 'name="introduction"' not in national  # the member state writes its own
    assert client.post(PAGE + "?member_state=NL", {"introduction": "x"}).status_code == 403
    assert client.get(PAGE + "?member_state=MA").status_code == 404


def test_the_pdf_download(cube: None, tom: Any) -> None:
    response = client_of(tom).get(PDF)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="retour-quarterly-2026Q1-NL.pdf"'
    )
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Netherlands" in re.sub(r"\s+", " ", text)


def test_the_pdf_in_the_language_of_the_request(cube: None, tom: Any) -> None:
    client = client_of(tom)
    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    response = client.get(PDF)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Terugkeerbesluiten na een negatieve asielbeslissing" in re.sub(r"\s+", " ", text)
    html = _html(client.get(PAGE))
    assert "Kwartaalrapportage 2026Q1: Nederland" in html


def test_no_pdf_before_the_figures_are_computed(cube: None, tom: Any) -> None:
    html = _html(client_of(tom).get("/statistics/report/2024Q1/"))
    assert "No figures have been computed for this quarter yet." in html
    assert client_of(tom).get("/statistics/report/2024Q1/report.pdf").status_code == 404
