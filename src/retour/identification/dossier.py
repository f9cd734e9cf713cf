"""The identification dossier: what shows who the person is and of which country, and whether
that is enough for the country of return under its evidence rules.

Readmission agreements accept documents that prove nationality, documents and other evidence
that give prima facie evidence of it, and often an interview by the consulate where there is
none (e.g. EU–Pakistan readmission agreement, Council Decision 2010/649/EU, Annexes I and II).
The rules per country are data; ``EvidenceRules`` is the seam through which the readmission
instruments (modelled as data elsewhere) can supply them instead of the shipped file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour import bulk
from retour.identification.models import IdentityDocument, IdentityEvidence

RULES_FILE = Path(__file__).parent / "data" / "evidence_rules.toml"


class CountsAs(models.TextChoices):
    """What one document or piece of evidence is worth for the country (``Item.counts_as``)."""

    PROOF = "proof", gettext_lazy("proves nationality")
    PRIMA_FACIE = "prima_facie", gettext_lazy("prima facie evidence of nationality")
    SUPPORTING = "supporting", gettext_lazy("supports, does not show nationality")


class DossierStatus(models.TextChoices):
    """How far the evidence of nationality for the country goes (``Dossier.status``)."""

    COMPLETE = "complete", gettext_lazy("complete")
    PRIMA_FACIE = "prima_facie", gettext_lazy("prima facie evidence")
    INCOMPLETE = "incomplete", gettext_lazy("incomplete")


# The codes as the items (and the evidence a readmission request keeps of them) hold them.
PROOF = CountsAs.PROOF.value
PRIMA_FACIE = CountsAs.PRIMA_FACIE.value
SUPPORTING = CountsAs.SUPPORTING.value


@dataclass(frozen=True)
class EvidenceRule:
    country: str
    source: str
    verified: bool
    proof: frozenset[str]
    prima_facie_documents: frozenset[str]
    prima_facie_copies: bool
    prima_facie_evidence: frozenset[str]
    interview_replaces_evidence: bool
    expired_proof_is_prima_facie: bool = False


class EvidenceRules(Protocol):
    def rule_for(self, country: str, on: date) -> EvidenceRule: ...


@cache
def _rows(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


class RulesFromFile:
    """The shipped rules: a row per country where one is known, else the default row."""

    def __init__(self, path: Path = RULES_FILE) -> None:
        self.path = path

    def rule_for(self, country: str, on: date) -> EvidenceRule:
        rows = _rows(self.path)
        row = rows.get("countries", {}).get(country) or rows["default"]
        return EvidenceRule(
            country=country, source=row["source"], verified=row["verified"],
            proof=frozenset(row["proof"]),
            prima_facie_documents=frozenset(row["prima_facie_documents"]),
            prima_facie_copies=row["prima_facie_copies"],
            prima_facie_evidence=frozenset(row["prima_facie_evidence"]),
            interview_replaces_evidence=row["interview_replaces_evidence"],
            expired_proof_is_prima_facie=row.get("expired_proof_is_prima_facie", False),
        )


_rules: list[EvidenceRules] = [RulesFromFile()]


def use_rules(rules: EvidenceRules) -> None:
    """Plug in another source of evidence rules (the readmission instruments)."""
    _rules[0] = rules


@dataclass(frozen=True)
class Item:
    """One piece of the dossier and what it counts as for this country, and why."""

    source: str  # "document" or "evidence"
    id: str
    kind: str
    counts_as: str  # proof, prima_facie or supporting
    why: str


@dataclass
class Dossier:
    country: str
    status: str  # complete, prima_facie, incomplete
    items: list[Item]
    missing: list[str]
    rule: EvidenceRule
    warnings: list[str] = field(default_factory=list)


def _document_counts(document: IdentityDocument, rule: EvidenceRule, on: date) -> Item | None:
    def item(counts_as: str, why: str) -> Item:
        return Item("document", str(document.pk), document.kind, counts_as, why)

    if document.issuing_country_id != rule.country:
        return None
    if document.kind in rule.proof:
        if document.form == IdentityDocument.Form.COPY:
            return item(PRIMA_FACIE, _("a copy")) if rule.prima_facie_copies else None
        if document.zone_status == IdentityDocument.ZoneStatus.UNVERIFIED:
            return item(PRIMA_FACIE, _("its machine-readable zone did not check"))
        if rule.expired_proof_is_prima_facie and document.expires_on and document.expires_on < on:
            return item(PRIMA_FACIE, _("expired on %(date)s") % {
                "date": document.expires_on.isoformat()})
        return item(PROOF, _("an original document that proves nationality"))
    if document.kind in rule.prima_facie_documents:
        return item(PRIMA_FACIE, _("a document that gives prima facie evidence"))
    return None


def _evidence_counts(evidence: IdentityEvidence, rule: EvidenceRule) -> Item | None:
    def item(counts_as: str, why: str) -> Item:
        return Item("evidence", str(evidence.pk), evidence.kind, counts_as, why)

    if evidence.kind == IdentityEvidence.Kind.BIOMETRICS:
        return item(SUPPORTING, _("biometric data support matching, not nationality"))
    if evidence.nationality_id != rule.country:
        return None
    if evidence.kind == IdentityEvidence.Kind.CONSULAR_INTERVIEW:
        if rule.interview_replaces_evidence:
            return item(PROOF, _("the country's own interview identified the person"))
        return item(PRIMA_FACIE, _("an interview by the country's consulate"))
    if evidence.kind in rule.prima_facie_evidence:
        return item(PRIMA_FACIE, _("evidence that gives prima facie evidence"))
    return item(SUPPORTING, _("recorded, but not evidence of nationality for this country"))


def what_is_missing(
    status: str, rule: EvidenceRule, country_name: str,
    kind_name: Callable[[str], str] = str,
) -> list[str]:
    """What would make a dossier of ``status`` complete under ``rule``, in words; the caller
    names the country and the kinds of document (codes unless ``kind_name`` says otherwise)."""
    if status == "complete":
        return []
    missing = [
        _("a document that proves nationality, issued by %(country)s: %(kinds)s")
        % {"country": country_name, "kinds": ", ".join(sorted(kind_name(k) for k in rule.proof))}
    ]
    if rule.interview_replaces_evidence:
        missing.append(_("or an identification interview by the consulate of %(country)s")
                       % {"country": country_name})
    return missing


def rule_for(country: str, on: date) -> EvidenceRule:
    """The evidence rules for return to ``country`` in force on ``on``."""
    return replace(_rules[0].rule_for(country, on), country=country)


def evaluate(person: Any, country: str, on: date, rule: EvidenceRule | None = None) -> Dossier:
    """The dossier of ``person`` for return to ``country`` (ISO alpha-2) as it stands on ``on``
    (``rule``: ``rule_for(country, on)``, when the caller evaluates many persons)."""
    rule = rule or rule_for(country, on)
    items = [i for d in bulk.select(person, "documents") if (i := _document_counts(d, rule, on))]
    items += [i for e in bulk.select(person, "identity_evidence")
              if (i := _evidence_counts(e, rule))]
    counted = {i.counts_as for i in items}
    status = ("complete" if PROOF in counted
              else "prima_facie" if PRIMA_FACIE in counted else "incomplete")
    missing = what_is_missing(status, rule, country)
    warnings = [] if rule.verified else [
        _("the evidence rules for %(country)s are not verified against the instrument's text "
          "(%(source)s)") % {"country": country, "source": rule.source}]
    return Dossier(country, status, items, missing, rule, warnings)
