"""English and Dutch are complete: every message has a Dutch translation, and the compiled
catalogue that ships is the one built from the source catalogue."""

from __future__ import annotations

import subprocess
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "nl" / "LC_MESSAGES"


def test_every_message_has_a_dutch_translation():
    result = subprocess.run(
        ["msgfmt", "--statistics", "--check", "-o", "/dev/null", str(LOCALE / "django.po")],
        capture_output=True, text=True, check=True,
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_compiled_catalogue_matches_its_source(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(LOCALE / "django.po")], check=True)
    assert compiled.read_bytes() == (LOCALE / "django.mo").read_bytes(), (
        "run: msgfmt -o src/retour/locale/nl/LC_MESSAGES/django.mo "
        "src/retour/locale/nl/LC_MESSAGES/django.po"
    )

