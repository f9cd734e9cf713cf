"""Comparing a person record with a known person, field by field, with the reasons.

Each field gives a score in [0, 1] and why, as a reason code with its parameters (the names
that agree, the years apart …); ``explain`` words it in the reader's language when it is shown,
so a reason stored with a match review reads in Dutch to a Dutch officer and in English to
another. A field missing on either side gives nothing (an unknown date of birth is no
evidence either way). The total is the
weighted mean of the fields present; a shared document number then moves it most of the way
to 1, as the strongest evidence there is short of biometrics.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz.distance import JaroWinkler

from retour.identification.matching.normalise import NameToken
from retour.people.names import guess_script

WEIGHTS = {"name": 0.55, "birth_date": 0.25, "sex": 0.1, "nationality": 0.1}
# How far a shared document number moves the total towards 1.
DOCUMENT_EVIDENCE = 0.8
# Agreement on a consonant skeleton alone is weaker than on a transliteration (Omar and Amir
# share ``mr``).
SKELETON_FACTOR = 0.9
# A name matched only on common tokens keeps this share of its score; rare tokens earn the rest.
COMMON_NAME_FLOOR = 0.6
_SCRIPTS = {"Latn": gettext_lazy("Latin"), "Arab": gettext_lazy("Arabic"),
            "Cyrl": gettext_lazy("Cyrillic")}
_DOCUMENT_NOISE = re.compile(r"[ .-]+")


@dataclass(frozen=True)
class Name:
    """One name of a person (or of the query) as tokens, with its script."""

    tokens: tuple[NameToken, ...]
    script: str
    written: str


@dataclass(frozen=True)
class Record:
    """What is compared: the query, or a known person loaded for comparison."""

    names: tuple[Name, ...]
    birth_year: int | None = None
    birth_month: int | None = None
    birth_day: int | None = None
    sex: str = ""
    nationalities: frozenset[str] = frozenset()
    document_numbers: frozenset[str] = frozenset()
    # For batch matching (``batch.py``): whose record it is, and the names as written, each
    # (given names, surname). Batch matching compares given names and surname apart and
    # reduces each distinct spelling to keys once however many persons share it, so it reads
    # these and leaves ``names`` empty.
    person_id: str = ""
    written_names: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Reason:
    """A field's score and why: ``code`` (one of ``SENTENCES`` or ``NAMES_AGREE``) and the
    parameters its sentence needs; stored as they are with a match review."""

    score: float
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def why(self) -> str:
        return explain(self.code, self.params)


# The sentence of each reason code; ``%(…)s`` are its parameters, lists joined by commas.
NAMES_AGREE = "names_agree"
SENTENCES = {
    "no_name_in_common": gettext_lazy("no name in common with %(known)s"),
    "same_date": gettext_lazy("same date of birth"),
    "day_month_swapped": gettext_lazy("same date with day and month swapped"),
    "same_year_month_unknown": gettext_lazy(
        "same year of birth; the month is not known on one side"),
    "same_year_and_month_day_unknown": gettext_lazy(
        "same year and month of birth; the day is not known"),
    "same_year_and_month_other_day": gettext_lazy("same year and month of birth, another day"),
    "same_year_other_month": gettext_lazy("same year of birth, another month"),
    "same_day_and_month_year_apart": gettext_lazy("same day and month, one year apart"),
    "years_one_apart": gettext_lazy("years of birth one apart"),
    "years_apart": gettext_lazy("years of birth %(years)s apart"),
    "same_sex": gettext_lazy("same sex"),
    "different_sex": gettext_lazy("different sex"),
    "nationality_in_common": gettext_lazy("nationality in common: %(countries)s"),
    "no_nationality_in_common": gettext_lazy("no nationality in common"),
    "same_document_number": gettext_lazy("same document number %(numbers)s"),
}
KNOWN_CODES = frozenset({*SENTENCES, NAMES_AGREE})


def explain(code: str, params: Mapping[str, Any]) -> str:
    """The sentence of a reason in the active language; an unknown code is shown as it is."""
    if code == NAMES_AGREE:
        return _names_agree(params)
    if code not in SENTENCES:
        return code
    values = {k: ", ".join(map(str, v)) if isinstance(v, list | tuple) else v
              for k, v in params.items()}
    return str(SENTENCES[code]) % values


def why_of(reason: Reason | Mapping[str, Any]) -> str:
    """Why, in the active language: a ``Reason``, or one as stored with a match review
    (``score``, ``code``, ``params``; or, stored before reasons had codes and not recognised
    when they were converted, ``score`` and an English ``why``, which is all there is)."""
    if isinstance(reason, Reason):
        return reason.why
    code = reason.get("code")
    if code in KNOWN_CODES or not reason.get("why"):
        return explain(code or "", reason.get("params", {}))
    return str(reason["why"])


def _names_agree(params: Mapping[str, Any]) -> str:
    """The name tokens paired (``=`` the same, ``≈`` close), the scripts crossed and whether
    only common names agreed: "Mohammed ≈ محمد (Latin → Arabic); common name, counts less"."""
    words = ", ".join(f"{a} {'=' if same else '≈'} {b}" for a, b, same in params["pairs"])
    if params.get("scripts"):
        source, target = (_SCRIPTS.get(s, s) for s in params["scripts"])
        words += f" ({source} → {target})"
    if params.get("common"):
        words += "; " + _("common name, counts less")
    return words


@dataclass
class Comparison:
    total: float
    reasons: dict[str, Reason] = field(default_factory=dict)


class TokenRarity:
    """How rare each name token is among a member state's persons: inverse document
    frequency over persons, scaled to (0, 1]; a token no one has counts fully."""

    def __init__(self, persons: int, frequency: Mapping[str, int]) -> None:
        self.persons = persons
        self.frequency = frequency

    def __call__(self, token: NameToken) -> float:
        count = self.frequency.get(token.family, 0)
        if count == 0 or self.persons <= 1:
            return 1.0
        return math.log(1 + self.persons / count) / math.log(1 + self.persons)


def document_number(text: str) -> str:
    """The comparable form of a document number: upper case, no spaces, dashes, dots."""
    return _DOCUMENT_NOISE.sub("", text).upper()


def token_similarity(a: NameToken, b: NameToken) -> float:
    """Jaro-Winkler over the Latin keys of both tokens (any pairing), or, somewhat
    discounted, the same consonant skeleton. Skeletons count only when equal: near ones
    (Mohammed ``mhmd``, Ahmed ``hmd``) are different names."""
    direct = max(
        JaroWinkler.similarity(x, y) for x in (a.icao, a.general) for y in (b.icao, b.general)
    )
    if len(a.skeleton) >= 2 and a.skeleton == b.skeleton:
        direct = max(direct, SKELETON_FACTOR)
    return direct


def _align(
    query: Name, known: Name, rarity: TokenRarity
) -> tuple[float, float, list[tuple[NameToken, NameToken, float]]]:
    """Best one-to-one pairing of the tokens (greedy on similarity); the score weighs each
    side's tokens by rarity, so unmatched tokens on either side pull it down. Returns the
    score, the rarity of the matched query tokens and the pairs."""
    pairs = sorted(
        ((token_similarity(q, k), i, j) for i, q in enumerate(query.tokens)
         for j, k in enumerate(known.tokens)),
        reverse=True,
    )
    used_q: set[int] = set()
    used_k: set[int] = set()
    aligned: list[tuple[NameToken, NameToken, float]] = []
    for similarity, i, j in pairs:
        if i in used_q or j in used_k or similarity < 0.7:
            continue
        used_q.add(i)
        used_k.add(j)
        aligned.append((query.tokens[i], known.tokens[j], similarity))
    total_weight = sum(rarity(t) for t in query.tokens) + sum(rarity(t) for t in known.tokens)
    if not aligned or total_weight == 0:
        return 0.0, 0.0, aligned
    matched = sum(s * (rarity(q) + rarity(k)) for q, k, s in aligned)
    matched_rarity = max(rarity(q) for q, _, _ in aligned)
    return matched / total_weight, matched_rarity, aligned


def compare_names(query: Record, known: Record, rarity: TokenRarity) -> Reason | None:
    """The best agreement between any name of the query and any name of the known person."""
    best: tuple[float, Name, Name, list[tuple[NameToken, NameToken, float]]] | None = None
    for q in query.names:
        for k in known.names:
            alignment, matched_rarity, aligned = _align(q, k, rarity)
            score = alignment * (COMMON_NAME_FLOOR + (1 - COMMON_NAME_FLOOR) * matched_rarity)
            if best is None or score > best[0]:
                best = (score, q, k, aligned)
    if best is None:
        return None
    score, q, k, aligned = best
    if not aligned:
        return Reason(0.0, "no_name_in_common", {"known": k.written})
    return Reason(round(score, 3), NAMES_AGREE, {
        "pairs": [[a.written, b.written, s >= 0.999] for a, b, s in aligned],
        "scripts": [q.script, k.script] if q.script != k.script else [],
        "common": any(rarity(a) < 0.5 for a, _, _ in aligned),
    })


def compare_birth_dates(query: Record, known: Record) -> Reason | None:
    """Dates of birth are so often partial, estimated or written day-first or month-first
    that near misses count, each for less."""
    if query.birth_year is None or known.birth_year is None:
        return None
    years_apart = abs(query.birth_year - known.birth_year)
    qm, qd, km, kd = query.birth_month, query.birth_day, known.birth_month, known.birth_day
    same_day_month = qm is not None and qm == km and qd is not None and qd == kd
    if years_apart == 0:
        if same_day_month:
            return Reason(1.0, "same_date")
        if qm and qd and km and kd and (qm, qd) == (kd, km):
            return Reason(0.8, "day_month_swapped")
        if qm is None or km is None:
            return Reason(0.7, "same_year_month_unknown")
        if qm == km:
            if qd is None or kd is None:
                return Reason(0.85, "same_year_and_month_day_unknown")
            return Reason(0.5, "same_year_and_month_other_day")
        return Reason(0.3, "same_year_other_month")
    if years_apart == 1:
        if same_day_month:
            return Reason(0.6, "same_day_and_month_year_apart")
        return Reason(0.3, "years_one_apart")
    return Reason(0.0, "years_apart", {"years": years_apart})


def compare_sex(query: Record, known: Record) -> Reason | None:
    # X (unspecified) says nothing about agreement.
    if query.sex not in ("F", "M") or known.sex not in ("F", "M"):
        return None
    if query.sex == known.sex:
        return Reason(1.0, "same_sex")
    return Reason(0.0, "different_sex")


def compare_nationalities(query: Record, known: Record) -> Reason | None:
    if not query.nationalities or not known.nationalities:
        return None
    shared = sorted(query.nationalities & known.nationalities)
    if shared:
        return Reason(1.0, "nationality_in_common", {"countries": shared})
    return Reason(0.0, "no_nationality_in_common")


def compare_documents(query: Record, known: Record) -> Reason | None:
    """Only a shared number is evidence: a person holds several documents over the years, so
    different numbers say nothing against."""
    shared = sorted(query.document_numbers & known.document_numbers)
    if not shared:
        return None
    return Reason(1.0, "same_document_number", {"numbers": shared})


def compare(query: Record, known: Record, rarity: TokenRarity) -> Comparison:
    """The total score in [0, 1] and the reason per field."""
    reasons: dict[str, Reason] = {}
    for name, reason in (
        ("name", compare_names(query, known, rarity)),
        ("birth_date", compare_birth_dates(query, known)),
        ("sex", compare_sex(query, known)),
        ("nationality", compare_nationalities(query, known)),
        ("document", compare_documents(query, known)),
    ):
        if reason is not None:
            reasons[name] = reason
    weighed = [(WEIGHTS[f], r.score) for f, r in reasons.items() if f in WEIGHTS]
    total = (
        sum(w * s for w, s in weighed) / sum(w for w, _ in weighed) if weighed else 0.0
    )
    if "document" in reasons:
        total = 1 - (1 - total) * (1 - DOCUMENT_EVIDENCE)
    return Comparison(round(total, 3), reasons)


def name_of(tokens: Iterable[NameToken], written: str, script: str = "") -> Name:
    """A ``Name`` from tokens; the script is guessed from the writing when not given."""
    return Name(tuple(tokens), script or guess_script(written), written)
