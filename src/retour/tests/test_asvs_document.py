"""docs/security/asvs.md stays true to the code: every requirement once, a status from the
list, a place where a met requirement is met, and every test and file it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOCUMENT = ROOT / "docs" / "security" / "asvs.md"
STATUSES = {"met", "partly", "not met", "n/a"}


def _rows() -> list[list[str]]:
    rows = []
    for line in DOCUMENT.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and re.fullmatch(r"\d+\.\d+\.\d+", cells[0]):
            rows.append(cells)
    return rows


def test_every_requirement_once_with_a_status_and_where_it_is_met():
    rows = _rows()
    ids = [row[0] for row in rows]
    assert len(ids) > 250 and len(ids) == len(set(ids))
    for rid, level, _text, status, where, _test in rows:
        assert level in {"1", "2", "3"}, rid
        assert status in STATUSES, rid
        assert where, f"{rid}: says nothing of where or why"


def test_every_file_and_test_it_names_exists():
    named = set(re.findall(r"`((?:[a-z_]+/)+[a-z_.]*|[a-z_]+\.py)`", DOCUMENT.read_text()))
    missing = [
        path for path in sorted(named)
        if not (ROOT / "src" / "retour" / path).exists() and not (ROOT / path).exists()
    ]
    assert named and missing == []
