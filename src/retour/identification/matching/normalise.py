"""Names reduced to comparable tokens, whatever the script and spelling.

A name is normalised (Unicode NFKC, case folding, Arabic harakat and tatweel removed, Arabic,
Persian and Cyrillic letter variants unified), split into tokens, and each token gets three
Latin keys: the ICAO Doc 9303 transliteration, the general ``anyascii`` one
(``retour.people.names.search_key``) and a consonant skeleton that lets the common Latin
spellings of Arabic names (Mohammed, Muhammad, Mohamed) meet each other and the Arabic script.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from retour.people.names import search_key

# Arabic harakat (fathatan … sukun, and the marks up to U+065F) and the superscript alef; the
# tatweel only stretches a word. None of them changes which name it is.
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")

# Letters written in several ways for the same name: hamza carriers, alef wasla, alef
# maksura, ta marbuta, the Persian (and Urdu) forms of yeh and kaf, Cyrillic ё and й.
_VARIANTS = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ي", "ئ": "ي", "ی": "ي", "ې": "ي", "ے": "ي",
    "ة": "ه", "ۀ": "ه",
    "ؤ": "و",
    "ک": "ك",
    "ё": "е", "й": "и",
})

# ICAO Doc 9303 Part 3 (8th edition, 2021), Section 6 "Transliteration of multinational
# characters": the Cyrillic table (Russian values where languages differ; ь is omitted)
# and the Latin letters with diacritics that it writes with two letters.
_ICAO_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "ђ": "d", "ѓ": "g",
    "е": "e", "є": "ie", "ж": "zh", "з": "z", "ѕ": "dz", "и": "i", "і": "i", "ї": "i",
    "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "c", "ќ": "k", "у": "u", "ў": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "џ": "dz", "ш": "sh", "щ": "shch",
    "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}
_ICAO_LATIN = {
    "ä": "ae", "æ": "ae", "å": "aa", "ö": "oe", "ø": "oe", "ü": "ue", "ß": "ss", "þ": "th",
    "ĳ": "ij", "œ": "oe",
}
# Arabic script, ICAO Doc 9303 Part 3, Section 6, Table C "Transliteration of Arabic script"
# (recommended for the machine-readable zone only), in lower case. Checked letter by letter
# against the Seventh Edition (2015) text of Table C and its Appendix B (informative) as
# transcribed in public notes, and against interscript's machine-readable ICAO map
# (icao-fas-Arab-Latn-9303), which agree on every letter below; the official PDF of the
# Eighth Edition (2021) could not be read here, so that the 8th edition keeps Table C
# unchanged is not verified. The scheme is reversible: a leading ``x`` escapes the letters
# without a plain Latin equivalent (ح xh, خ xkh, ث xth …), so a name written in it in a zone
# ("MXHMD" for محمد, Appendix B) meets the Arabic writing exactly. Deliberate departures:
# the hamza carriers (أ xae, إ i, آ xaa, ؤ u, ئ xi), alef wasla (ٱ xxa), alef maksura
# (ى xay), ta marbuta (ة xta, or xah ending a name part) and the Persian yeh and kaf
# (ی xya, ک xkk) are unified with their plain letters by ``normalise`` before this table is
# used, because one name is written with either (Appendix B asks search algorithms to allow
# for both values of ة), so only their plain letters' values appear here. Harakat and tatweel
# are not encoded in Table C and are removed; a shadda, which Table C writes by doubling the
# letter, is removed too, since it "may not always be present" (Appendix B).
_ICAO_ARABIC = {
    "ء": "xe", "ا": "a", "ب": "b", "ت": "t", "ث": "xth", "ج": "j", "ح": "xh", "خ": "xkh",
    "د": "d", "ذ": "xdh", "ر": "r", "ز": "z", "س": "s", "ش": "xsh", "ص": "xss", "ض": "xdz",
    "ط": "xtt", "ظ": "xzz", "ع": "e", "غ": "g", "ف": "f", "ق": "q", "ك": "k", "ل": "l",
    "م": "m", "ن": "n", "ه": "h", "و": "w", "ي": "y", "پ": "p", "چ": "xc", "ژ": "xj",
    "گ": "xgg",
}
# The everyday Latin value of each Arabic letter, for the consonant skeleton only: the
# consonants of the UNGEGN romanisation without its diacritics (ص s, ط t …), as people spell
# names (Mohammed, Saleh, Taher). Ain and hamza have no Latin letter in everyday spellings
# (Omar, Ali), so none. Short vowels are not written in Arabic; the skeleton drops them in
# Latin too.
_PLAIN_ARABIC = {
    "ا": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d",
    "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t",
    "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m",
    "ن": "n", "ه": "h", "و": "w", "ي": "y", "ء": "", "پ": "p", "چ": "ch", "ژ": "zh",
    "گ": "g",
}
_ICAO = {**_ICAO_CYRILLIC, **_ICAO_LATIN, **_ICAO_ARABIC}
_PLAIN = {**_ICAO_CYRILLIC, **_ICAO_LATIN, **_PLAIN_ARABIC}

# Particles written apart or together with the next word: "Abd al Rahman", "Abdel Rahman",
# "Abdulrahman" and "عبد الرحمن" are one name token once joined.
_JOINED_PREFIXES = frozenset({
    "abd", "abdel", "abdul", "abdal", "abdoul", "abu", "abou", "al", "el",
    "عبد", "ابو",
})

# Spelling variants of Arabic (and Slavic) names in Latin, applied in order before vowels
# are dropped: Youssef/Yusuf, Mohammed/Muhammad, Abdel/Abdul, Khaled/Haled, Dhia/Diya.
_SPELLING_RULES = (
    ("ou", "u"), ("ee", "i"), ("oo", "u"), ("ph", "f"), ("dh", "d"), ("th", "t"),
    ("kh", "h"), ("gh", "g"), ("q", "k"), ("j", "g"),
)
_VOWELS = re.compile("[aeiouyw]")
_DOUBLED = re.compile(r"(.)\1+")
_WORD = re.compile(r"[^\W\d_]+")


def normalise(text: str) -> str:
    """``text`` in one canonical form: NFKC, case-folded, Arabic marks and tatweel removed,
    letter variants unified; precomposed Latin letters (ä, ç) are kept for the ICAO key, stray
    combining marks dropped."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _ARABIC_MARKS.sub("", text).translate(_VARIANTS)
    decomposed = unicodedata.normalize("NFD", text)
    # Hamza above/below and madda are Arabic marks too, left by decomposing أ إ آ ؤ ئ.
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) or _latin_mark(c))
    return _ARABIC_MARKS.sub("", unicodedata.normalize("NFC", kept)).translate(_VARIANTS)


def _latin_mark(char: str) -> bool:
    # Marks in the Combining Diacritical Marks block belong to Latin and Cyrillic letters.
    return "\u0300" <= char <= "\u036f"


def icao_key(token: str) -> str:
    """The ICAO Latin form of a normalised token (``ковальов`` → ``kovalov``, ``müller`` →
    ``mueller``, ``محمد`` → ``mxhmd``); other letters go through ``search_key``."""
    return _latin(token, _ICAO)


def plain_key(token: str) -> str:
    """Like ``icao_key``, with the everyday values of Arabic letters (``محمد`` → ``mhmd``)."""
    return _latin(token, _PLAIN)


def _latin(token: str, table: dict[str, str]) -> str:
    return "".join(
        table[c] if c in table else search_key(c).replace(" ", "") for c in token
    )


def skeleton(latin: str) -> str:
    """Consonants of a Latin key after the spelling rules: ``mohammed``, ``muhammad``, and
    ``mhmd`` (محمد) all become ``mhmd``; a final ``h`` (Abdallah, ta marbuta) is dropped."""
    for written, spoken in _SPELLING_RULES:
        latin = latin.replace(written, spoken)
    consonants = _DOUBLED.sub(r"\1", _VOWELS.sub("", latin))
    return consonants.removesuffix("h")


@dataclass(frozen=True)
class NameToken:
    """One word of a name as written, and its Latin keys."""

    written: str
    icao: str
    general: str
    skeleton: str

    @property
    def family(self) -> str:
        """The key that groups spellings of one name: for blocking and for counting how
        common the name is. Skeletons of one letter (Ali → ``l``) group too much."""
        return self.skeleton if len(self.skeleton) >= 2 else self.general


def tokens(*parts: str) -> list[NameToken]:
    """The tokens of a name given in parts (given names, surname), particles joined to the
    word that follows them."""
    words = _WORD.findall(normalise(" ".join(p for p in parts if p)))
    joined: list[str] = []
    for word in words:
        if joined and _is_prefix(joined[-1]):
            joined[-1] += word
        else:
            joined.append(word)
    return [_token(word) for word in joined]


def _is_prefix(word: str) -> bool:
    return word in _JOINED_PREFIXES or search_key(word) in _JOINED_PREFIXES


# Names repeat: a candidate search reads every name of the member state each time, and the
# keys of a word never change.
@functools.lru_cache(maxsize=1 << 16)
def _token(word: str) -> NameToken:
    general = search_key(word).replace(" ", "")
    return NameToken(written=word, icao=icao_key(word), general=general,
                     skeleton=skeleton(plain_key(word)))
