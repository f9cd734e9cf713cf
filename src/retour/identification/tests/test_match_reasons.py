"""Match reasons are stored as codes with parameters and worded when shown, in the reader's
language; the reasons stored as English sentences before are converted to codes where they are
recognised (migration 0005) and kept as they were otherwise."""

from __future__ import annotations

import importlib
from dataclasses import asdict

import pytest
from django.apps import apps
from django.utils import translation

from retour.identification.matching.compare import (
    KNOWN_CODES,
    SENTENCES,
    Record,
    TokenRarity,
    compare,
    compare_birth_dates,
    explain,
    name_of,
    why_of,
)
from retour.identification.matching.normalise import tokens
from retour.identification.models import MatchReview
from retour.people.actions import NameInput
from retour.testing.factories import person_for

conversion = importlib.import_module(
    "retour.identification.migrations.0005_match_reasons_as_codes")

RARE = TokenRarity(0, {})


def record(*names: str, **fields: object) -> Record:
    return Record(names=tuple(name_of(tokens(n), n) for n in names), **fields)  # type: ignore[arg-type]


def test_a_comparison_gives_codes_and_parameters_not_sentences():
    result = compare(
        record("Mohammed Haddad", sex="M", document_numbers=frozenset({"AB123"})),
        record("محمد حداد", birth_year=1990, sex="M", nationalities=frozenset({"MA"}),
               document_numbers=frozenset({"AB123"})),
        RARE,
    )
    stored = {field: asdict(reason) for field, reason in result.reasons.items()}
    assert stored["name"]["code"] == "names_agree"
    assert sorted(stored["name"]["params"]["pairs"]) == [
        ["haddad", "حداد", False], ["mohammed", "محمد", False]]
    assert stored["name"]["params"]["scripts"] == ["Latn", "Arab"]
    assert stored["sex"] == {"score": 1.0, "code": "same_sex", "params": {}}
    assert stored["document"]["params"] == {"numbers": ["AB123"]}
    assert "why" not in stored["name"]
    assert result.reasons["name"].why.endswith("(Latin → Arabic)")


@pytest.mark.parametrize(
    ("query", "known", "code", "params", "english", "dutch"),
    [
        ((1990, 5, 17), (1990, 5, 17), "same_date", {}, "same date of birth",
         "zelfde geboortedatum"),
        ((1990, 5, 17), (1990, 8, 17), "same_year_other_month", {},
         "same year of birth, another month", "zelfde geboortejaar, een andere maand"),
        ((1990, 5, 7), (1990, 7, 5), "day_month_swapped", {},
         "same date with day and month swapped", "zelfde datum met dag en maand verwisseld"),
        ((1990, None, None), (1990, 3, 1), "same_year_month_unknown", {},
         "same year of birth; the month is not known on one side",
         "zelfde geboortejaar; aan één kant is de maand niet bekend"),
        ((1984, 5, 17), (1990, 5, 17), "years_apart", {"years": 6},
         "years of birth 6 apart", "geboortejaren 6 jaar uit elkaar"),
    ],
)
def test_a_reason_is_worded_in_the_active_language(query, known, code, params, english, dutch):
    def birth(y, m, d):
        return record("X", birth_year=y, birth_month=m, birth_day=d)

    reason = compare_birth_dates(birth(*query), birth(*known))
    assert reason is not None and (reason.code, reason.params) == (code, params)
    assert reason.why == english
    with translation.override("nl"):
        assert reason.why == dutch
        assert explain(code, params) == dutch


def test_names_across_scripts_are_worded_in_dutch():
    params = {"pairs": [["mohammed", "محمد", False], ["ali", "ali", True]],
              "scripts": ["Latn", "Arab"], "common": True}
    assert explain("names_agree", params) == (
        "mohammed ≈ محمد, ali = ali (Latin → Arabic); common name, counts less")
    with translation.override("nl"):
        assert explain("names_agree", params) == (
            "mohammed ≈ محمد, ali = ali (Latijns → Arabisch); veelvoorkomende naam, telt minder")


def test_every_code_has_a_sentence_in_dutch():
    for code, sentence in SENTENCES.items():
        with translation.override("en"):
            english = str(sentence)
        with translation.override("nl"):
            assert str(sentence) != english, code


# The English sentences as ``compare`` wrote them before the codes, per field.
OLD_SENTENCES = [
    ("name", "karim = كريم, haddad ≈ حداد (Latin → Arabic)", "names_agree",
     {"pairs": [["karim", "كريم", True], ["haddad", "حداد", False]],
      "scripts": ["Latn", "Arab"], "common": False}),
    ("name", "ali = ali; common name, counts less", "names_agree",
     {"pairs": [["ali", "ali", True]], "scripts": [], "common": True}),
    ("name", "no name in common with Pieter Jansen", "no_name_in_common",
     {"known": "Pieter Jansen"}),
    ("birth_date", "same date of birth", "same_date", {}),
    ("birth_date", "same year and month of birth; the day is not known",
     "same_year_and_month_day_unknown", {}),
    ("birth_date", "same day and month, one year apart", "same_day_and_month_year_apart", {}),
    ("birth_date", "years of birth 12 apart", "years_apart", {"years": 12}),
    ("sex", "different sex", "different_sex", {}),
    ("nationality", "nationality in common: MA, TN", "nationality_in_common",
     {"countries": ["MA", "TN"]}),
    ("nationality", "no nationality in common", "no_nationality_in_common", {}),
    ("document", "same document number AB123", "same_document_number", {"numbers": ["AB123"]}),
]


@pytest.mark.parametrize(("field", "sentence", "code", "params"), OLD_SENTENCES)
def test_the_old_sentences_are_recognised_and_read_back_the_same(field, sentence, code, params):
    assert conversion.coded(field, sentence) == (code, params)
    assert code in KNOWN_CODES
    assert explain(code, params) == sentence


def test_the_migration_converts_what_it_recognises_and_keeps_the_rest(anna):
    first = person_for(anna, names=[NameInput(surname="Haddad", given_names="Karim")])
    second = person_for(anna, names=[NameInput(surname="حداد", given_names="كريم")])
    old = {field: {"score": 0.5, "why": sentence} for field, sentence, _, _ in OLD_SENTENCES}
    old["name"] = {"score": 0.9, "why": "karim = كريم, haddad ≈ حداد (Latin → Arabic)"}
    old["sex"] = {"score": 1.0, "why": "something a later version said"}
    review = MatchReview.objects.create(person=first, candidate=second, score=0.9, reasons=old,
                                        queued_by=anna, queued_at=first.created_at)
    conversion.to_codes(apps, None)
    review.refresh_from_db()
    assert review.reasons["name"] == {"score": 0.9, "code": "names_agree", "params": {
        "pairs": [["karim", "كريم", True], ["haddad", "حداد", False]],
        "scripts": ["Latn", "Arab"], "common": False}}
    assert review.reasons["sex"] == {"score": 1.0, "why": "something a later version said"}
    assert why_of(review.reasons["sex"]) == "something a later version said"
    with translation.override("nl"):
        assert why_of(review.reasons["name"]).endswith("(Latijns → Arabisch)")
    conversion.to_sentences(apps, None)
    review.refresh_from_db()
    assert review.reasons["name"]["why"] == "karim = كريم, haddad ≈ حداد (Latin → Arabic)"
