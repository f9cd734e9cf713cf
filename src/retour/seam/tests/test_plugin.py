"""A capability plugs in with no edit outside its own app: the welfare-visit app in
``plugin/`` declares an action, an event type, a projection and an outbox subscriber, and a
process that installs it (``RETOUR_EXTRA_APPS``) finds them in the API, the generated form,
the case history, the statistics extract and the outbox (``plugin/checks.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

PLUGIN = Path(__file__).parent / "plugin"
SOURCE = Path(__file__).resolve().parents[2]


def test_nothing_outside_the_plugin_names_it():
    """The layout is the proof: no file of the product mentions the capability."""
    mentions = [
        path for path in SOURCE.rglob("*")
        if path.is_file() and path.suffix in {".py", ".html", ".toml", ".txt"}
        and PLUGIN not in path.parents and path != Path(__file__)
        and "welfare" in path.read_text(encoding="utf-8", errors="ignore").lower()
    ]
    assert mentions == []


def _environment() -> dict[str, str]:
    """The suite's environment, with the capability installed and, on a database server, a
    database name of the child's own, so that the two test databases never meet (on SQLite
    the test settings already name one file per process)."""
    env = {**os.environ, "RETOUR_EXTRA_APPS": "retour.seam.tests.plugin"}
    url = env.get("RETOUR_DATABASE_URL", "")
    if url and not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        base, _, query = url.partition("?")
        env["RETOUR_DATABASE_URL"] = f"{base}_plugin" + (f"?{query}" if query else "")
    return env


def test_an_installed_capability_appears_everywhere_it_plugs_in():
    env = _environment()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(PLUGIN / "checks.py"), "-q", "-p",
         "no:cacheprovider", "--create-db"],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
