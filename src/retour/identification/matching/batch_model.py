"""The Fellegi–Sunter model of batch matching, written for Splink: comparisons over the Latin
keys of ``normalise.py``, blocking rules, and the prior m and u probabilities.

Each comparison is a list of levels, most specific first, each with a label (the reason shown
to the person reviewing a candidate) and prior probabilities: m, how often the level occurs
when both records are one person (how records are mistyped, transliterated, estimated), and
u, how often it occurs between two different persons (how common a value is). The m priors
describe how identity data is recorded and hold for any population; the u priors are replaced
by estimates from random pairs of the actual data when there is enough of it
(docs/adr/0006-batch-identity-matching.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from splink import block_on
from splink.blocking_rule_library import CustomRule

if TYPE_CHECKING:  # not exported by splink but as the type block_on returns
    from splink.internals.blocking_rule_creator import BlockingRuleCreator

# Levels of Jaro-Winkler similarity on the ICAO-style key, as in ``compare.token_similarity``
# (0.7 is its floor for a pairing; here a weak level starts higher, as a whole name part is
# compared rather than a token).
CLOSE_SPELLING = 0.92
SIMILAR_SPELLING = 0.8
# Document numbers at least this long count as near when one character apart; shorter ones
# (a file number, "123") are too easily near by chance.
NEAR_DOCUMENT_LENGTH = 6


@dataclass(frozen=True)
class Level:
    label: str
    sql: str
    m: float
    u: float
    # Splink's term-frequency adjustment: agreeing on a common value counts less, on a rare
    # one more (as ``compare.TokenRarity`` does for the one-person search).
    frequency_column: str | None = None


@dataclass(frozen=True)
class Field:
    """One comparison: its name (the ``gamma_`` column Splink writes), its null condition and
    its levels, most specific first; the last level is 'anything else'."""

    name: str
    null_sql: str
    levels: tuple[Level, ...]

    def splink(self, *, frequencies: bool) -> dict[str, Any]:
        """The comparison as Splink's settings; ``frequencies`` adds the term-frequency
        adjustments, which need enough persons to say how common a name is."""
        levels: list[dict[str, Any]] = [
            {
                "sql_condition": self.null_sql,
                "label_for_charts": "not known on one side",
                "is_null_level": True,
            }
        ]
        for level in self.levels:
            levels.append(
                {
                    "sql_condition": level.sql,
                    "label_for_charts": level.label,
                    "m_probability": level.m,
                    "u_probability": level.u,
                }
            )
            if frequencies and level.frequency_column:
                levels[-1]["tf_adjustment_column"] = level.frequency_column
        return {"output_column_name": self.name, "comparison_levels": levels}

    def label(self, gamma: int) -> str:
        """The reason for Splink's comparison vector value: -1 is the null level, the others
        count down from the most specific level."""
        if gamma < 0:
            return "not known on one side"
        return self.levels[len(self.levels) - 1 - gamma].label


def _name_field(name: str, column: str, other: str, *, exact_u: float) -> Field:
    """Given names and surname, each compared also with the other, the same or in a close
    spelling (surname written first is common, more so in names from Arabic, Chinese or
    Hungarian naming orders, and a name written in the wrong field is as often mistyped as
    one in the right field)."""
    left, right = f"{column}_l", f"{column}_r"
    return Field(
        name=name,
        null_sql=f"{left} IS NULL OR {right} IS NULL",
        levels=(
            Level("same spelling", f"{left} = {right}", 0.80, exact_u, frequency_column=column),
            Level(
                "same name in another spelling or script",
                f"{column}_family_l = {column}_family_r",
                0.08,
                exact_u,
            ),
            Level(
                "close spelling",
                f"jaro_winkler_similarity({left}, {right}) >= {CLOSE_SPELLING}",
                0.06,
                exact_u,
            ),
            Level(
                "similar spelling",
                f"jaro_winkler_similarity({left}, {right}) >= {SIMILAR_SPELLING}",
                0.03,
                0.02,
            ),
            Level(
                f"written as the {'surname' if column == 'given' else 'given names'}",
                f"{left} = {other}_r OR {column}_family_l = {other}_family_r "
                f"OR jaro_winkler_similarity({left}, {other}_r) >= {CLOSE_SPELLING}",
                0.02,
                exact_u / 2,
            ),
            Level("different", "ELSE", 0.03, 0.97),
        ),
    )


def _birth_date_field() -> Field:
    """Dates of birth are often partial, estimated, or written day-first or month-first
    (as in ``compare.compare_birth_dates``), and typed with one wrong digit."""
    same_year = "birth_year_l = birth_year_r"
    return Field(
        name="birth_date",
        null_sql="birth_year_l IS NULL OR birth_year_r IS NULL",
        levels=(
            Level("same date of birth", "birth_date_l = birth_date_r", 0.80, 0.00005),
            Level(
                "same date with day and month swapped",
                f"{same_year} AND birth_month_l = birth_day_r AND birth_day_l = birth_month_r",
                0.02,
                0.00005,
            ),
            Level(
                "dates one digit apart",
                "damerau_levenshtein(birth_date_l, birth_date_r) <= 1",
                0.08,
                0.001,
            ),
            Level(
                "same year and month, the day not known on one side",
                f"{same_year} AND birth_month_l = birth_month_r "
                "AND (birth_day_l IS NULL OR birth_day_r IS NULL)",
                0.02,
                0.001,
            ),
            Level(
                "same year of birth, the month not known on one side",
                f"{same_year} AND (birth_month_l IS NULL OR birth_month_r IS NULL)",
                0.08,
                0.017,
            ),
            Level("same year of birth, another month", same_year, 0.02, 0.015),
            Level("years of birth one apart", "abs(birth_year_l - birth_year_r) = 1", 0.03, 0.03),
            Level("different", "ELSE", 0.02, 0.95),
        ),
    )


def _exact_field(name: str, column: str, *, m: float, u: float) -> Field:
    return Field(
        name=name,
        null_sql=f"{column}_l IS NULL OR {column}_r IS NULL",
        levels=(
            Level("same", f"{column}_l = {column}_r", m, u),
            Level("different", "ELSE", 1 - m, 1 - u),
        ),
    )


def _document_field() -> Field:
    # A shared number is strong evidence (``compare.compare_documents``); a different one says
    # little against: a person holds several documents over the years (passport, identity
    # card, a renewed passport), so half the pairs of one person's records differ.
    return Field(
        name="document",
        null_sql="document_l IS NULL OR document_r IS NULL",
        levels=(
            Level("same document number", "document_l = document_r", 0.45, 0.000001),
            Level(
                "document numbers one character apart",
                f"length(document_l) >= {NEAR_DOCUMENT_LENGTH} "
                "AND damerau_levenshtein(document_l, document_r) <= 1",
                0.05,
                0.00001,
            ),
            Level("different document numbers", "ELSE", 0.50, 0.999989),
        ),
    )


def _nationality_field() -> Field:
    # u: the chance that two different persons share a nationality, the sum of the squared
    # shares of the nationalities; a return caseload is spread over many (no one above about
    # a fifth), which puts it near 0.1.
    return Field(
        name="nationality",
        null_sql="len(nationalities_l) = 0 OR len(nationalities_r) = 0",
        levels=(
            Level(
                "nationality in common", "list_has_any(nationalities_l, nationalities_r)", 0.95, 0.1
            ),
            Level("no nationality in common", "ELSE", 0.05, 0.9),
        ),
    )


FIELDS: tuple[Field, ...] = (
    _name_field("given_names", "given", "surname", exact_u=0.003),
    _name_field("surname", "surname", "given", exact_u=0.001),
    _birth_date_field(),
    _exact_field("sex", "sex", m=0.98, u=0.5),
    _nationality_field(),
    _document_field(),
)


def _name_and_year_of_birth(family: str) -> BlockingRuleCreator:
    """Pairs agreeing on one name's spelling family and the year of birth, where the date of
    birth is partial on one side: with full dates on both sides, a pair with one name
    mistyped meets through the date (unless the date is wrong too: two fields)."""
    return CustomRule(
        f"l.{family} = r.{family} AND l.birth_year = r.birth_year "
        "AND (l.birth_date IS NULL OR r.birth_date IS NULL)"
    )


# Pairs are scored only when they agree on one of these; together they let through a match
# with a typo in any one field (a name, the date, the document number) and with the given
# names and surname written in each other's place.
BLOCKING_RULES: tuple[BlockingRuleCreator, ...] = (
    # The spelling families of given names and surname, in either order.
    block_on("name_families"),
    _name_and_year_of_birth("surname_family"),
    _name_and_year_of_birth("given_family"),
    block_on("birth_date"),
    # The number, and each with one character left out: two numbers one typed character
    # apart (one wrong, missing or extra, or two swapped) share one of them.
    block_on("document_keys", arrays_to_explode=["document_keys"]),
)

# EM estimates m on pairs that agree on these; each leaves out the fields it blocks on.
TRAINING_RULES: tuple[BlockingRuleCreator, ...] = (
    block_on("birth_date"),
    block_on("surname_family", "given_family"),
)
