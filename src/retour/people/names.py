"""Name keys for search across scripts and spellings."""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def search_key(*parts: str) -> str:
    """Lower-case ASCII form of a name in any script: ``Müller`` and ``MULLER`` meet on
    ``muller``, so a search finds them with or without diacritics; ``Мюллер`` becomes
    ``myuller`` (a transliteration, not a match: spelling variants are the matcher's work)."""
    text = unicodedata.normalize("NFKC", " ".join(p for p in parts if p))
    return _NOT_ALNUM.sub(" ", anyascii(text).lower()).strip()


def guess_script(text: str) -> str:
    """The ISO 15924 code of the first letter's script (Latn, Arab, Cyrl, ...)."""
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            for prefix, code in _SCRIPT_PREFIXES:
                if name.startswith(prefix):
                    return code
            return "Zyyy"
    return "Zyyy"


_SCRIPT_PREFIXES = (
    ("LATIN", "Latn"),
    ("ARABIC", "Arab"),
    ("CYRILLIC", "Cyrl"),
    ("GREEK", "Grek"),
    ("GEORGIAN", "Geor"),
    ("ARMENIAN", "Armn"),
    ("DEVANAGARI", "Deva"),
    ("BENGALI", "Beng"),
    ("ETHIOPIC", "Ethi"),
    ("TAMIL", "Taml"),
    ("SINHALA", "Sinh"),
    ("HEBREW", "Hebr"),
    ("CJK", "Hani"),
)
