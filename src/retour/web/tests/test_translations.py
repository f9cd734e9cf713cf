"""English and Dutch are complete: every message the code and the templates mark has a Dutch
translation, and the compiled catalogue that ships is the one built from the source
catalogue."""

from __future__ import annotations

import gettext
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.models import Choices
from django.utils import translation
from django.utils.functional import Promise

from retour.audit.models import AccessLogEntry
from retour.cases.models import Decision, Handover, Origin, Outcome, Timer
from retour.cases.stages import Stage
from retour.identification.dossier import CountsAs, DossierStatus
from retour.identification.models import (
    IdentificationMission,
    IdentityDocument,
    IdentityEvidence,
    MatchReview,
    MissionPresentation,
)
from retour.people.models import FamilyLink, Nationality, PersonName, Sex, Vulnerability
from retour.readmission.models import (
    Instrument,
    Obstacle,
    ReadmissionRequest,
    ReadmissionTimer,
)
from retour.readmission.rules import RuleName
from retour.reference.models import LegalParameter
from retour.reference.periods import Start

SOURCE = Path(__file__).resolve().parents[2]
LOCALE = SOURCE / "locale" / "nl" / "LC_MESSAGES"


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


def _catalogue(po: Path, into: Path) -> set[str]:
    """The messages ``po`` translates (untranslated and fuzzy entries are left out, as the
    compiled catalogue leaves them out), each as ``context\\x04msgid`` or ``msgid``."""
    subprocess.run(["msgfmt", "-o", str(into), str(po)], check=True)
    with into.open("rb") as compiled:
        keys = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    return {key[0] if isinstance(key, tuple) else key for key in keys} - {""}


@pytest.fixture(scope="module")
def marked(tmp_path_factory) -> set[str]:
    """Every message marked in the code and the templates, extracted by ``makemessages`` from
    a copy of the source into a temporary folder: the repository's catalogue is another
    helper's to edit and is never rewritten by a test."""
    root = tmp_path_factory.mktemp("extraction")
    tree, locale = root / "retour", root / "locale"
    shutil.copytree(
        SOURCE, tree, ignore=shutil.ignore_patterns("locale", "tests", "static", "__pycache__")
    )
    locale.mkdir()
    # Only this folder is a locale path, so the extraction cannot write anywhere else.
    (root / "extraction_settings.py").write_text(
        f"from retour.test_settings import *  # noqa: F403\nLOCALE_PATHS = [{str(locale)!r}]\n"
    )
    # -P: the folder it runs in is not put on the import path, where a package named like a
    # module of the standard library (retour/statistics) would hide it.
    subprocess.run(
        [sys.executable, "-P", "-m", "django", "makemessages", "--locale", "nl", "--verbosity",
         "0"],
        cwd=tree, check=True,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "extraction_settings",
            "PYTHONPATH": os.pathsep.join([str(root), str(SOURCE.parent)]),
        },
    )
    extracted = locale / "nl" / "LC_MESSAGES" / "django.po"
    # Each message as its own "translation", so that the compiled catalogue lists them all.
    subprocess.run(["msgen", "-o", str(root / "en.po"), str(extracted)], check=True)
    return _catalogue(root / "en.po", root / "marked.mo")


def _untranslated(marked: set[str], po: Path, tmp_path: Path) -> list[str]:
    return sorted(marked - _catalogue(po, tmp_path / "django.mo"))


def test_every_marked_message_is_translated_in_the_catalogue(marked, tmp_path):
    missing = _untranslated(marked, LOCALE / "django.po", tmp_path)
    assert not missing, (
        "marked for translation but not translated in src/retour/locale/nl/LC_MESSAGES/"
        "django.po:\n" + "\n".join(missing)
    )


def _msgid(entry: str) -> str:
    lines = entry[entry.index("msgid "):entry.index("\nmsgstr")].split("\n")
    return "".join(json.loads(line[line.index('"'):]) for line in lines)


def test_a_marked_message_missing_from_the_catalogue_is_found(marked, tmp_path):
    entries = (LOCALE / "django.po").read_text(encoding="utf-8").split("\n\n")
    dropped = next(
        e for e in reversed(entries)
        if e.startswith("#:") and "msgctxt" not in e and _msgid(e) in marked
    )
    without = tmp_path / "without.po"
    without.write_text("\n\n".join(e for e in entries if e is not dropped), encoding="utf-8")
    before = set(_untranslated(marked, LOCALE / "django.po", tmp_path))
    assert set(_untranslated(marked, without, tmp_path)) - before == {_msgid(dropped)}


@pytest.mark.parametrize("label", [*Stage.labels, *Origin.labels])
def test_names_the_domain_messages_quote_are_translated(label):
    # A refusal names the stage or the origin by its label: marked for translation on the
    # choices, it reads in the language of the request.
    with translation.override("en"):
        english = str(label)
    with translation.override("nl"):
        assert str(label) != english


# The codes the pages show, worded by their model's choices (``retour.display.label``).
SHOWN_CHOICES: list[type[Choices]] = [
    Stage, Origin, Outcome, Decision.Kind, Decision.Status, Decision.ShortenedDepartureReason,
    Decision.ExtensionReason, Decision.PostponementGround, Decision.AppealOutcome,
    Timer.Kind, Timer.Status, Handover.Status,
    Sex, PersonName.Kind, Nationality.Status, Vulnerability.Kind, FamilyLink.Relation,
    IdentityDocument.Kind, IdentityDocument.Form, IdentityDocument.ZoneStatus,
    IdentityEvidence.Kind, IdentityEvidence.Quality, DossierStatus, CountsAs,
    IdentificationMission.Kind, IdentificationMission.Status, MissionPresentation.Availability,
    MissionPresentation.Outcome, MatchReview.Decision,
    ReadmissionRequest.Status, ReadmissionRequest.Procedure, ReadmissionRequest.Channel,
    ReadmissionRequest.ReplyOutcome, ReadmissionTimer, Instrument.Kind, Obstacle.Kind, RuleName,
    Start,
    LegalParameter.Verification, AccessLogEntry.Operation,
]


@pytest.mark.parametrize("choices", SHOWN_CHOICES, ids=lambda c: c.__qualname__)
def test_every_code_the_pages_show_has_words_marked_for_translation(choices):
    # Marked, a label is in the catalogue (the tests above); a member given no label would
    # read as its Python name, in English, in either language.
    unmarked = [member.value for member in choices if not isinstance(member.label, Promise)]
    assert not unmarked
