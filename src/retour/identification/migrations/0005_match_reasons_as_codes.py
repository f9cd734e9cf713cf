"""Match reasons stored as codes: the English sentences that ``matching.compare`` wrote into
``MatchReview.reasons`` become a code and its parameters (``{"score": …, "code": …,
"params": {…}}``), so the pages word them in the reader's language. A sentence that is not
recognised keeps its ``score`` and ``why``, and the pages show it as it was written.

The patterns below are the sentences as ``compare`` wrote them before this migration, kept
here so the migration does not change when ``compare`` does.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import migrations, models

_FIXED = {
    "same date of birth": "same_date",
    "same date with day and month swapped": "day_month_swapped",
    "same year of birth; the month is not known on one side": "same_year_month_unknown",
    "same year and month of birth; the day is not known": "same_year_and_month_day_unknown",
    "same year and month of birth, another day": "same_year_and_month_other_day",
    "same year of birth, another month": "same_year_other_month",
    "same day and month, one year apart": "same_day_and_month_year_apart",
    "years of birth one apart": "years_one_apart",
    "same sex": "same_sex",
    "different sex": "different_sex",
    "no nationality in common": "no_nationality_in_common",
}
_SCRIPT_CODES = {"Latin": "Latn", "Arabic": "Arab", "Cyrillic": "Cyrl"}
_COMMON = "; common name, counts less"
_SCRIPTS = re.compile(r" \((\w+) → (\w+)\)$")
_PAIR = re.compile(r"^(\S+) ([=≈]) (\S+)$")


def _names(why: str) -> tuple[str, dict[str, Any]] | None:
    if why.startswith("no name in common with "):
        return "no_name_in_common", {"known": why.removeprefix("no name in common with ")}
    common = why.endswith(_COMMON)
    why = why.removesuffix(_COMMON)
    scripts: list[str] = []
    if found := _SCRIPTS.search(why):
        scripts = [_SCRIPT_CODES.get(found[1], found[1]), _SCRIPT_CODES.get(found[2], found[2])]
        why = why[:found.start()]
    pairs = [_PAIR.match(part) for part in why.split(", ")]
    if not why or not all(pairs):
        return None
    return "names_agree", {
        "pairs": [[p[1], p[3], p[2] == "="] for p in pairs if p],
        "scripts": scripts, "common": common,
    }


def coded(field: str, why: str) -> tuple[str, dict[str, Any]] | None:
    """The code and parameters of an English reason, or None when it is not recognised."""
    if why in _FIXED:
        return _FIXED[why], {}
    if field == "name":
        return _names(why)
    if found := re.fullmatch(r"years of birth (\d+) apart", why):
        return "years_apart", {"years": int(found[1])}
    if why.startswith("nationality in common: "):
        return "nationality_in_common", {
            "countries": why.removeprefix("nationality in common: ").split(", ")}
    if why.startswith("same document number "):
        return "same_document_number", {
            "numbers": why.removeprefix("same document number ").split(", ")}
    return None


def to_codes(apps: Any, schema_editor: Any) -> None:
    MatchReview = apps.get_model("identification", "MatchReview")
    for review in MatchReview.objects.only("id", "reasons").iterator():
        changed = False
        for field, reason in review.reasons.items():
            if "code" in reason or not isinstance(reason.get("why"), str):
                continue
            recognised = coded(field, reason["why"])
            if recognised is not None:
                code, params = recognised
                review.reasons[field] = {"score": reason["score"], "code": code,
                                         "params": params}
                changed = True
        if changed:
            review.save(update_fields=["reasons"])


def to_sentences(apps: Any, schema_editor: Any) -> None:
    """Back to the English sentences, worded by ``compare`` as it is now."""
    from django.utils import translation

    from retour.identification.matching.compare import explain

    MatchReview = apps.get_model("identification", "MatchReview")
    with translation.override(None):
        for review in MatchReview.objects.only("id", "reasons").iterator():
            review.reasons = {
                field: {"score": r["score"], "why": explain(r["code"], r["params"])}
                if "code" in r else r
                for field, r in review.reasons.items()
            }
            review.save(update_fields=["reasons"])


class Migration(migrations.Migration):

    dependencies = [
        ("identification", "0004_match_reviews"),
    ]

    operations = [
        migrations.AlterField(
            model_name="matchreview",
            name="reasons",
            field=models.JSONField(
                default=dict,
                help_text="per field: score, code and params (compare.Reason); reasons from "
                          "before the codes that were not recognised: score and why"),
        ),
        migrations.RunPython(to_codes, to_sentences),
    ]
