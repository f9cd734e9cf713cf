"""The quarterly report for the High-Level Network: figures from the cube with their trend,
small counts withheld, caveats from the definitions, commentary written by the member state,
the PDF (read back with pypdf) and ``retour report quarterly``."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import translation
from pypdf import PdfReader

from retour.errors import InvalidInput, PermissionRefused
from retour.statistics import report
from retour.statistics.models import IndicatorValue, ReportCommentary
from retour.statistics.tests import report_fixture

pytestmark = pytest.mark.usefixtures("frozen_clock")

@pytest.fixture
def cube(db: Any) -> None:
    report_fixture.build()


def entry(assembled: report.QuarterlyReport, code: str) -> report.Entry:
    return next(e for s in assembled.sections for e in s.entries if e.code == code)


def test_quarters_run_back_a_year() -> None:
    assert report.quarters_up_to("2026q1") == ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1"]
    with pytest.raises(ValueError, match="not a quarter"):
        report.parse_quarter("2026Q5")


def test_the_report_groups_the_indicators_in_the_data_files_order(cube: None) -> None:
    assembled = report.assemble("2026Q1", "NL")
    assert [s.key for s in assembled.sections] == ["strategy", "efficiency", "return_rates"]
    strategy = [e.code for e in assembled.sections[0].entries]
    assert strategy == [
        "m30.return_decisions_after_asylum", "m30.readmission_requests",
        "m30.voluntary_return_share",
    ]
    assert [e.code for e in assembled.sections[2].entries] == [
        "return_rate_eurostat", "cohort_return_rate_6_months", "cohort_return_rate_12_months",
    ]
    assert assembled.computed_at == report_fixture.COMPUTED
    assert assembled.member_state_name == "Netherlands"


def test_figures_trend_and_change(cube: None) -> None:
    decisions = entry(report.assemble("2026Q1", "NL"), "m30.return_decisions_after_asylum")
    assert [f.text for f in decisions.figures] == [
        "40", "withheld", "50", "45", "60",
    ]
    assert decisions.figures[1].suppressed and decisions.figures[1].value is None
    assert (decisions.change_quarter, decisions.change_year) == ("+15", "+20")
    assert "<svg" in decisions.chart and 'role="img"' in decisions.chart
    assert "2025Q2: withheld" in decisions.chart_text and "2026Q1: 60" in decisions.chart_text
    share = entry(report.assemble("2026Q1", "NL"), "m30.voluntary_return_share")
    assert share.current.text == "40 %"
    assert share.change_quarter == "+15 pp"
    assert share.change_year == "–"  # no figure in 2025Q1


def test_a_count_missing_from_a_computed_quarter_is_zero_and_a_quarter_without_cube_is_none(
    cube: None,
) -> None:
    assembled = report.assemble("2026Q1", "NL")
    requests = entry(assembled, "m30.readmission_requests")
    assert requests.current.suppressed  # 2 requests: below the threshold
    absconding = entry(assembled, "absconding_rate")
    assert absconding.current.value is None and absconding.current.text == "–"
    backlog = entry(assembled, "backlog")
    # 2025Q4 has cells (the voluntary share), so no backlog there means none.
    assert backlog.figures[-2].text == "0"


def test_zero_is_published_and_the_threshold_is_a_setting(cube: None) -> None:
    with override_settings(SUPPRESSION_THRESHOLD=2):
        requests = entry(report.assemble("2026Q1", "NL"), "m30.readmission_requests")
    assert requests.current.text == "2"
    cell_ = IndicatorValue(numerator=0, denominator=3)
    assert report.withheld(cell_, 5)
    assert not report.withheld(IndicatorValue(numerator=0, denominator=0), 5)


def test_caveats_come_from_the_definitions(cube: None) -> None:
    assembled = report.assemble("2026Q1", "NL")
    assert any("different cohorts" in c for c in entry(assembled, "return_rate_eurostat").caveats)
    assert not entry(assembled, "m30.voluntary_return_share").caveats
    six = entry(assembled, "cohort_return_rate_6_months").caveats
    assert six == ["Provisional: final only when 6 months have passed after the quarter "
                   "(after Sept. 30, 2026)."]
    assert entry(assembled, "backlog").caveats == ["Counted at the end of the quarter."]


def test_the_eu_report_reads_the_eu_cells(cube: None) -> None:
    assembled = report.assemble("2026Q1", "eu")
    assert assembled.member_state == "EU"
    assert entry(assembled, "m30.return_decisions_after_asylum").current.text == "90"
    with pytest.raises(InvalidInput):
        report.assemble("2026Q1", "MA")


def test_commentary_is_written_by_the_member_state(cube: None, tom: Any, eva: Any) -> None:
    report.write_commentary(tom, "2026q1", "NL", "", "A quarter of steady work.")
    report.write_commentary(tom, "2026Q1", "NL", "backlog", "The backlog fell.")
    saved = ReportCommentary.objects.get(indicator="backlog")
    assert (saved.period, saved.member_state, saved.written_by) == ("2026Q1", "NL", tom)
    report.write_commentary(tom, "2026Q1", "NL", "backlog", "The backlog fell again.")
    assert ReportCommentary.objects.get(indicator="backlog").text == "The backlog fell again."
    report.write_commentary(eva, "2026Q1", "EU", "", "Across the Union.")
    assembled = report.assemble("2026Q1", "NL")
    assert assembled.introduction == "A quarter of steady work."
    assert entry(assembled, "backlog").commentary == "The backlog fell again."
    assert report.assemble("2026Q1", "EU").introduction == "Across the Union."
    assert report.write_commentary(tom, "2026Q1", "NL", "backlog", "  ") is None
    assert not ReportCommentary.objects.filter(indicator="backlog").exists()


@pytest.mark.parametrize(
    ("who", "member_state"),
    [("tom", "EU"), ("tom", "BE"), ("eva", "NL"), ("anna", "NL"), ("lucas", "BE")],
)
def test_commentary_is_refused_outside_ones_member_state_or_role(
    cube: None, who: str, member_state: str, request: Any
) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionRefused):
        report.write_commentary(user, "2026Q1", member_state, "", "Text")
    assert not ReportCommentary.objects.exists()


def test_commentary_input_is_checked(cube: None, tom: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        report.write_commentary(tom, "2026Q5", "XX", "no.such", "x" * 4001)
    assert set(refused.value.errors) == {"period", "member_state", "indicator", "text"}


def _text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", text)


def test_the_pdf_reads_back(cube: None, tom: Any, tmp_path: Path) -> None:
    report.write_commentary(tom, "2026Q1", "NL", "", "Introduction: a steady quarter.")
    report.write_commentary(tom, "2026Q1", "NL", "m30.voluntary_return_share",
                            "More people chose to leave with support.")
    pdf = report.render_pdf(report.assemble("2026Q1", "NL"))
    # Kept for a look (pytest --basetemp=DIR; pdftoppm -png -r 60 DIR/.../report.pdf page).
    (tmp_path / "report.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    pages, text = _text(pdf)
    assert pages >= 3
    assert "Quarterly report for the High-Level Network on return" in text
    assert "Generated by Retour on March 2, 2026" in text
    assert "Return decisions issued following a negative asylum decision" in text
    assert "Cohort return rate within 12 months" in text
    assert "More people chose to leave with support." in text
    assert "Figures resting on fewer than 5 cases are withheld." in text
    assert "Number 40 withheld 50 45 60" in text
    assert f"Page 1 of {pages}" in text
    catalogue = PdfReader(io.BytesIO(pdf)).root_object
    assert "/StructTreeRoot" in catalogue and catalogue["/Lang"] == "en"  # tagged (PDF/UA)


def test_the_pdf_in_dutch(cube: None) -> None:
    with translation.override("nl"):
        pdf = report.render_pdf(report.assemble("2026Q1", "NL"))
    text = _text(pdf)[1]
    assert "Terugkeerbesluiten na een negatieve asielbeslissing" in text
    assert "Nederland" in text
    assert "Pagina 1 van" in text


def test_the_command_writes_the_pdf(cube: None, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    call_command("report", "quarterly", "--period", "2026Q1", "--member-state", "NL",
                 "--language", "nl", stdout=out)
    written = tmp_path / "retour-quarterly-2026Q1-NL.pdf"
    assert out.getvalue().strip() == "retour-quarterly-2026Q1-NL.pdf"
    assert "Terugkeerbesluiten na een negatieve asielbeslissing" in _text(written.read_bytes())[1]
    chosen = tmp_path / "hln.pdf"
    call_command("report", "quarterly", "--period", "2026Q1", "--output", str(chosen),
                 stdout=io.StringIO())
    assert "All member states (EU)" in _text(chosen.read_bytes())[1]


def test_the_command_says_when_no_cube_is_computed(cube: None) -> None:
    with pytest.raises(CommandError, match="no indicators are computed for 2024Q1"):
        call_command("report", "quarterly", "--period", "2024Q1", stdout=io.StringIO())


@pytest.mark.django_db
def test_the_command_refuses_a_place_that_is_no_member_state() -> None:
    with pytest.raises(CommandError, match="MA is not a member state") as raised:
        call_command("report", "quarterly", "--period", "2026Q1", "--member-state", "MA",
                     stdout=io.StringIO())
    assert raised.value.returncode == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["quarterly", "--period", "2026Q5"], "--period: not a quarter (2026Q1): '2026Q5'"),
        (["quarterly", "--period", "2026-01"], "not a quarter"),
        (["quarterly", "--period", "2026Q1", "--language", "fr"], "--language"),
        (["yearly", "--period", "2026Q1"], "invalid choice: 'yearly'"),
    ],
)
def test_the_command_line_exits_2_on_bad_arguments(arguments: list[str], message: str) -> None:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("retour")), "report", *arguments],
        capture_output=True, text=True, env={**os.environ, "RETOUR_DEBUG": "true"}, check=False,
    )
    assert done.returncode == 2
    assert message in done.stderr
