"""Batch matching: thousands of incoming person records against all persons of a member state,
scored with a Fellegi–Sunter model (``batch_model``) by Splink on an in-memory DuckDB.

The names on both sides are reduced to the Latin keys of ``normalise.tokens`` in Python (once
per distinct spelling), so Splink compares Arabic, Cyrillic and Latin spellings on the same
keys as the one-person search (``candidates.find_candidates``). A known person is a
``compare.Record`` with its ``person_id`` and ``written_names``; one with several names or
documents becomes one row per name and document, and the best-scoring row of each (incoming
record, person) pair is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker, SettingsCreator

from retour.identification.matching.batch_model import (
    BLOCKING_RULES,
    FIELDS,
    NEAR_DOCUMENT_LENGTH,
    TRAINING_RULES,
)
from retour.identification.matching.compare import Record, document_number
from retour.identification.matching.normalise import tokens

# Below this many records on either side random pairs say little about how common a value is:
# the prior u probabilities are kept.
MIN_RECORDS_FOR_U = 1000
# Below this many known persons how common a name is among them is noise: no term-frequency
# adjustment (one person in three named Haddad says nothing of the name).
MIN_PERSONS_FOR_FREQUENCIES = 1000
# EM needs many true matches among the pairs it is trained on; below this the priors are kept.
MIN_RECORDS_FOR_EM = 2000
U_SAMPLE_PAIRS = 2e6
# The share of incoming records expected to be known already; with the number of known persons
# it gives the prior probability that two random records match.
EXPECTED_KNOWN_SHARE = 0.5
# The u priors describe a population at least this large (one person in a thousand sharing a
# surname); the prior is computed for no fewer persons, so that the few persons of a small
# data set do not make a shared surname look like a match.
POPULATION_FLOOR = 10_000
INCOMING, KNOWN = "incoming", "known"


@dataclass(frozen=True)
class IncomingRecord:
    """A person record to look for, as received: any part may be missing."""

    reference: str
    given_names: str = ""
    family_names: str = ""
    birth_year: int | None = None
    birth_month: int | None = None
    birth_day: int | None = None
    sex: str = ""
    nationality: str = ""
    document_number: str = ""


@dataclass(frozen=True)
class BatchCandidate:
    reference: str
    person_id: str
    match_probability: float
    match_weight: float
    reasons: dict[str, str] = field(default_factory=dict)


def _name_keys(parts: set[str]) -> pa.Table:
    """The Latin keys of each distinct name part, computed once per spelling: the ICAO-style
    keys of its tokens written together (a name written together or apart, Van der Berg and
    Vanderberg, is spelt the same), their spelling families, and the family of the first
    token (a person is called by the first given name; the others are often left out)."""
    rows = [(part, tokens(part)) for part in parts]
    return pa.table(
        {
            "part": [part for part, _ in rows],
            "joined": ["".join(t.icao for t in found) or None for _, found in rows],
            "family": [" ".join(t.family for t in found) or None for _, found in rows],
            "first_family": [found[0].family if found else None for _, found in rows],
        }
    )


def _side(columns: dict[str, list[Any]]) -> pa.Table:
    types = {
        "birth_year": pa.int32(),
        "birth_month": pa.int32(),
        "birth_day": pa.int32(),
        "nationalities": pa.list_(pa.string()),
    }
    return pa.table(
        {
            name: pa.array(values, type=types.get(name, pa.string()))
            for name, values in columns.items()
        }
    )


def _incoming_side(records: Sequence[IncomingRecord]) -> pa.Table:
    return _side(
        {
            "unique_id": [f"i{i}" for i in range(len(records))],
            "record_key": [r.reference for r in records],
            "given_part": [r.given_names for r in records],
            "surname_part": [r.family_names for r in records],
            "birth_year": [r.birth_year for r in records],
            "birth_month": [r.birth_month for r in records],
            "birth_day": [r.birth_day for r in records],
            "sex": [r.sex for r in records],
            "nationalities": [[r.nationality.upper()] if r.nationality else [] for r in records],
            "document": [document_number(r.document_number) or None for r in records],
        }
    )


def _known_side(persons: Sequence[Record]) -> pa.Table:
    """One row per name and document number of each person."""
    rows = [
        (p, given, surname, document)
        for p in persons
        for given, surname in (p.written_names or (("", ""),))
        for document in _documents(p)
    ]
    return _side(
        {
            "unique_id": [f"k{i}" for i in range(len(rows))],
            "record_key": [p.person_id for p, _, _, _ in rows],
            "given_part": [given for _, given, _, _ in rows],
            "surname_part": [surname for _, _, surname, _ in rows],
            "birth_year": [p.birth_year for p, _, _, _ in rows],
            "birth_month": [p.birth_month for p, _, _, _ in rows],
            "birth_day": [p.birth_day for p, _, _, _ in rows],
            "sex": [p.sex for p, _, _, _ in rows],
            "nationalities": [list(p.nationalities) for p, _, _, _ in rows],
            "document": [document for _, _, _, document in rows],
        }
    )


def _documents(person: Record) -> list[str | None]:
    if not person.document_numbers:  # most persons: no per-person set to build
        return [None]
    numbers = {document_number(d) for d in person.document_numbers} - {""}
    return [*numbers] or [None]


def _keyed(con: duckdb.DuckDBPyConnection, name: str, side: pa.Table) -> None:
    """Table ``name``: the rows of one side with the name keys joined in, the full date of
    birth as ``YYYYMMDD``, sex only when known, and the blocking keys of ``batch_model``:
    the name families in either order, and the document number with each character left
    out in turn."""
    con.register(f"{name}_raw", side)
    con.execute(f"""
        CREATE TABLE {name} AS SELECT
            r.unique_id, r.record_key,
            g.joined AS given, g.first_family AS given_family,
            s.joined AS surname, s.family AS surname_family,
            least(g.first_family, s.family) || '|' || greatest(g.first_family, s.family)
                AS name_families,
            r.birth_year, r.birth_month, r.birth_day,
            CASE WHEN r.birth_month IS NOT NULL AND r.birth_day IS NOT NULL
                THEN printf('%04d%02d%02d', r.birth_year, r.birth_month, r.birth_day)
            END AS birth_date,
            CASE WHEN r.sex IN ('F', 'M') THEN r.sex END AS sex,
            r.nationalities, r.document,
            CASE WHEN length(r.document) >= {NEAR_DOCUMENT_LENGTH} THEN list_append(
                list_transform(
                    range(length(r.document)),
                    lambda i: substr(r.document, 1, i) || substr(r.document, i + 2)
                ),
                r.document
            ) WHEN r.document IS NOT NULL THEN [r.document] END AS document_keys
        FROM {name}_raw r
        LEFT JOIN name_keys g ON g.part = r.given_part
        LEFT JOIN name_keys s ON s.part = r.surname_part
    """)  # noqa: S608 - our own table names
    con.unregister(f"{name}_raw")


def match_batch(
    incoming: Sequence[IncomingRecord],
    known: Sequence[Record],
    *,
    threshold: float = 0.9,
    train: bool = False,
) -> list[BatchCandidate]:
    """The known persons (records with ``person_id`` and ``written_names``) that may be each
    incoming record's person, with a match probability of at least ``threshold``; per
    record, best first.

    The model is the priors of ``batch_model`` with Splink's term-frequency adjustment of
    the names. ``train`` estimates u from random pairs and m by expectation maximisation
    instead, when there are enough records: it learns how the data at hand was corrupted,
    for better (the synthetic set of ``benchmarks/matching.py``) or worse (FEBRL 4); see
    docs/adr/0006-batch-identity-matching.md for why the priors are the default."""
    if not incoming or not known:
        return []
    con = duckdb.connect(":memory:")
    try:
        incoming_side, known_side = _incoming_side(incoming), _known_side(known)
        parts = set()
        for side in (incoming_side, known_side):
            for column in ("given_part", "surname_part"):
                parts.update(side.column(column).to_pylist())
        con.register("name_keys", _name_keys(parts))
        _keyed(con, INCOMING, incoming_side)
        _keyed(con, KNOWN, known_side)
        return _match(con, len(incoming), len(known), threshold, train)
    finally:
        con.close()


def _match(
    con: duckdb.DuckDBPyConnection, records: int, persons: int, threshold: float, train: bool
) -> list[BatchCandidate]:
    api = DuckDBAPI(con)
    left = api.register(INCOMING, dataset_display_name=INCOMING)
    right = api.register(KNOWN, dataset_display_name=KNOWN)
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[f.splink(frequencies=persons >= MIN_PERSONS_FOR_FREQUENCIES) for f in FIELDS],
        blocking_rules_to_generate_predictions=list(BLOCKING_RULES),
        probability_two_random_records_match=(
            EXPECTED_KNOWN_SHARE / max(persons, POPULATION_FLOOR)
        ),
        additional_columns_to_retain=["record_key"],
        retain_matching_columns=True,
    )
    linker = Linker([left, right], settings, log_level=logging.WARNING)
    smallest = min(records, persons)
    if train and smallest >= MIN_RECORDS_FOR_U:
        linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=1)
    if train and smallest >= MIN_RECORDS_FOR_EM:
        for rule in TRAINING_RULES:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
    predictions = linker.inference.predict(
        threshold_match_probability=threshold, warning_mode="never"
    )
    gammas = ", ".join(f"gamma_{f.name}" for f in FIELDS)
    # Splink puts the incoming side left or right by dataset name; read both ways. The
    # incoming rows' ids are ``i`` and their place in the input, which orders the output.
    query = f"""
        SELECT
            CASE WHEN source_dataset_l = '{INCOMING}' THEN unique_id_l ELSE unique_id_r END
                AS incoming,
            CASE WHEN source_dataset_l = '{INCOMING}' THEN record_key_l ELSE record_key_r END,
            CASE WHEN source_dataset_l = '{INCOMING}' THEN record_key_r ELSE record_key_l END
                AS person,
            match_probability, match_weight, {gammas}
        FROM {predictions.physical_name}
        QUALIFY row_number() OVER (PARTITION BY incoming, person ORDER BY match_weight DESC) = 1
        ORDER BY CAST(substr(incoming, 2) AS INTEGER), match_weight DESC, person
    """  # noqa: S608 - the names are Splink's and ours, no input
    candidates = []
    for _, reference, person, probability, weight, *levels in con.execute(query).fetchall():
        candidates.append(
            BatchCandidate(
                reference=reference,
                person_id=person,
                match_probability=round(probability, 4),
                match_weight=round(weight, 2),
                reasons={f.name: f.label(g) for f, g in zip(FIELDS, levels, strict=True)},
            )
        )
    return candidates
