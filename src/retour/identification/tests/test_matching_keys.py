"""Normalisation, Latin keys and field comparisons of the identity matcher (no database)."""

from __future__ import annotations

import pytest

from retour.identification.matching.compare import (
    Record,
    TokenRarity,
    compare,
    compare_birth_dates,
    document_number,
    name_of,
    token_similarity,
)
from retour.identification.matching.normalise import icao_key, normalise, tokens

NO_FREQUENCIES = TokenRarity(0, {})


def record(*names: str, **fields: object) -> Record:
    return Record(names=tuple(name_of(tokens(n), n) for n in names), **fields)  # type: ignore[arg-type]


def test_normalise_removes_harakat_tatweel_and_unifies_letter_variants():
    assert normalise("مُحَمَّد") == "محمد"
    assert normalise("محـــمد") == "محمد"
    assert normalise("أحمد إبراهيم آمنة") == "احمد ابراهيم امنه"
    assert normalise("مصطفى") == "مصطفي"
    assert normalise("رحیمی کریم") == normalise("رحيمي كريم")  # Persian yeh and kaf
    assert normalise("Фёдор Йосиф") == "федор иосиф"
    assert normalise("ÇELİK") == normalise("çeli̇k")


@pytest.mark.parametrize(
    ("written", "icao"),
    [("Ковальов", "kovalov"), ("Юрий", "iurii"), ("Хрущёв", "khrushchev"),
     ("Müller", "mueller"), ("Øster", "oester")],
)
def test_icao_keys(written, icao):
    assert [t.icao for t in tokens(written)] == [icao]


@pytest.mark.parametrize(
    ("written", "icao"),
    [
        # ICAO Doc 9303 Part 3, Appendix B: ابو بكر محمد بن زكريا الرازي is
        # ABW<BKR<MXHMD<BN<ZKRYA<ALRAZY in the machine-readable zone.
        ("ابو", "abw"), ("بكر", "bkr"), ("محمد", "mxhmd"), ("بن", "bn"), ("زكريا", "zkrya"),
        ("الرازي", "alrazy"),
        # Table C letter by letter: ث xth, خ xkh, ذ xdh, ش xsh, ص xss, ض xdz, ط xtt, ظ xzz,
        # ع e, غ g.
        ("عثمان", "exthman"), ("خالد", "xkhald"), ("ذكي", "xdhky"), ("شريف", "xshryf"),
        ("صالح", "xssalxh"), ("رمضان", "rmxdzan"), ("طارق", "xttarq"), ("ظافر", "xzzafr"),
        ("غسان", "gsan"),
    ],
)
def test_arabic_icao_keys_follow_doc_9303_table_c(written, icao):
    assert icao_key(normalise(written)) == icao


def test_a_zone_written_in_the_icao_scheme_meets_the_arabic_writing():
    [arabic], [zone] = tokens("محمد"), tokens("MXHMD")
    assert token_similarity(arabic, zone) == 1.0
    # and the everyday spelling still meets the Arabic one through the skeleton
    [latin] = tokens("Mohammed")
    assert arabic.skeleton == latin.skeleton


@pytest.mark.parametrize(
    "spellings",
    [
        ["محمد", "Mohammed", "Muhammad", "Mohamed", "Mohamad"],
        ["عبد الله", "Abdullah", "Abdallah", "Abd Allah", "Abdellah"],
        ["عبد الرحمن", "Abdulrahman", "Abd al Rahman", "Abdel-Rahman"],
        ["يوسف", "Youssef", "Yusuf", "Yousef"],
        ["فاطمة", "Fatima"],
        ["رحیمی", "رحيمي", "Rahimi"],
    ],
)
def test_spellings_of_one_name_share_a_skeleton(spellings):
    skeletons = {tuple(t.skeleton for t in tokens(s)) for s in spellings}
    assert len(skeletons) == 1, skeletons


def test_different_names_stay_apart():
    [mohammed], [ahmed] = tokens("Mohammed"), tokens("Ahmed")
    [muhammad] = tokens("Muhammad")
    assert token_similarity(mohammed, ahmed) < 0.85 < token_similarity(mohammed, muhammad)
    [haddad], [zerhouni] = tokens("Haddad"), tokens("Zerhouni")
    assert token_similarity(haddad, zerhouni) < 0.6


def test_cyrillic_and_latin_spellings_are_close():
    query = record("Юрий Ковальов")
    for latin in ("Yurii Kovalov", "Iurii Kovaliov"):
        result = compare(query, record(latin), NO_FREQUENCIES)
        assert result.reasons["name"].score > 0.9, (latin, result)
        assert "(Cyrillic → Latin)" in result.reasons["name"].why


def test_arabic_and_latin_spellings_are_close():
    query = record("محمد عبد الله")
    for latin in ("Mohammed Abdullah", "Muhammad Abdallah"):
        assert compare(query, record(latin), NO_FREQUENCIES).reasons["name"].score > 0.85


def test_diacritics_do_not_matter():
    result = compare(record("José Müller"), record("Jose Mueller"), NO_FREQUENCIES)
    assert result.reasons["name"].score == 1.0


@pytest.mark.parametrize(
    ("known", "score"),
    [
        ({"birth_year": 1990, "birth_month": 4, "birth_day": 7}, 1.0),
        ({"birth_year": 1990, "birth_month": 7, "birth_day": 4}, 0.8),
        ({"birth_year": 1990, "birth_month": 4}, 0.85),
        ({"birth_year": 1990}, 0.7),
        ({"birth_year": 1991, "birth_month": 4, "birth_day": 7}, 0.6),
        ({"birth_year": 1989}, 0.3),
        ({"birth_year": 1993, "birth_month": 4, "birth_day": 7}, 0.0),
    ],
)
def test_birth_date_tolerance(known, score):
    query = Record(names=(), birth_year=1990, birth_month=4, birth_day=7)
    reason = compare_birth_dates(query, Record(names=(), **known))
    assert reason is not None and reason.score == score


def test_unknown_birth_date_is_no_evidence():
    assert compare_birth_dates(Record(names=()), Record(names=(), birth_year=1990)) is None


def test_document_number_is_strong_evidence():
    assert document_number(" ab-12 345.6 ") == "AB123456"
    query = record("Karim Haddad", document_numbers=frozenset({"AB123456"}))
    weak = record("Kareem Hadad", birth_year=1970, document_numbers=frozenset({"AB123456"}))
    result = compare(query, weak, NO_FREQUENCIES)
    assert result.reasons["document"].score == 1.0
    assert result.total > 0.9


def test_rare_tokens_weigh_more():
    # 100 persons; Mohammed is on 60 of them, Zerhouni on one.
    rarity = TokenRarity(100, {"mhmd": 60, "zrhn": 1, "hd": 5, "sf": 10})
    query = record("Mohammed Zerhouni")
    common = compare(query, record("Mohammed Haddad"), rarity)
    rare = compare(query, record("Youssef Zerhouni"), rarity)
    assert rare.total > common.total
    assert "common name" in common.reasons["name"].why


def test_a_common_name_alone_is_not_a_strong_candidate():
    rarity = TokenRarity(100, {"mhmd": 60, "l": 30, "li": 30, "ali": 30})
    query = record("Mohammed Ali", birth_year=1990, sex="M", nationalities=frozenset({"MA"}))
    other = record("Mohamed Ali", birth_year=1975, sex="M", nationalities=frozenset({"DZ"}))
    assert compare(query, other, rarity).total < 0.6
