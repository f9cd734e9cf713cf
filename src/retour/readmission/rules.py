"""The rules of a readmission instrument, each with its value, source and verification.

An instrument's rules are stored as JSON on its version (``Instrument.rules``); this module
checks them when they are loaded or edited, and reads them for the deadlines of a request and
for the identification dossier. Units are those the instruments use: calendar days, working
days (of the state that must act) or months. A rule the instrument does not set, or that no
source has shown, is absent: no deadline follows from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from retour.identification.dossier import EvidenceRule, RulesFromFile
from retour.identification.models import IdentityDocument, IdentityEvidence
from retour.reference.loading import ReferenceDataError
from retour.reference.models import LegalParameter
from retour.reference.periods import WORKING_DAYS, Start

PERIOD_UNITS = {"calendar_days": "days", "working_days": WORKING_DAYS, "months": "months"}
PERIODS = (
    "reply_limit",  # the requested state answers the application within
    "reply_extension",  # on a motivated request, the reply limit is extended by
    "accelerated_application_limit",  # border procedure: apply within, from apprehension
    "accelerated_reply_limit",
    "travel_document_issuance",  # after acceptance (or the request for one)
    "travel_document_min_validity",
    "transfer_window",  # the transfer takes place within, from acceptance
)
FLAGS = (
    "tacit_acceptance",  # no reply within the limit counts as acceptance
    "interview_replaces_evidence",  # a consular interview where no evidence exists
    "prima_facie_copies",  # copies of documents that prove are prima facie evidence
    "expired_proof_is_prima_facie",
)
LISTS = {
    "proof_of_nationality": frozenset(IdentityDocument.Kind.values),
    "prima_facie_documents": frozenset(IdentityDocument.Kind.values),
    "prima_facie_evidence": frozenset(IdentityEvidence.Kind.values),
}
CHOICES = {
    "channel": frozenset({"rcms", "diplomatic_mission", "central_authority"}),
    "start": frozenset(s.value for s in Start),
}
VERIFICATIONS = frozenset(LegalParameter.Verification.values)


class RuleName(models.TextChoices):
    """The rules above by name, in the order the pages list an instrument's rules."""

    REPLY_LIMIT = "reply_limit", _("Time limit for the reply")
    REPLY_EXTENSION = "reply_extension", _("Extension of the reply limit")
    ACCELERATED_APPLICATION_LIMIT = (
        "accelerated_application_limit", _("Accelerated procedure: apply within")
    )
    ACCELERATED_REPLY_LIMIT = "accelerated_reply_limit", _("Accelerated procedure: reply within")
    TRAVEL_DOCUMENT_ISSUANCE = "travel_document_issuance", _("Travel document issued within")
    TRAVEL_DOCUMENT_MIN_VALIDITY = (
        "travel_document_min_validity", _("Minimum validity of the travel document")
    )
    TRANSFER_WINDOW = "transfer_window", _("Transfer within")
    TACIT_ACCEPTANCE = "tacit_acceptance", _("No reply in time counts as acceptance")
    INTERVIEW_REPLACES_EVIDENCE = (
        "interview_replaces_evidence", _("An interview where no evidence exists")
    )
    PRIMA_FACIE_COPIES = "prima_facie_copies", _("Copies of documents are prima facie evidence")
    EXPIRED_PROOF_IS_PRIMA_FACIE = (
        "expired_proof_is_prima_facie", _("Expired documents are prima facie evidence")
    )
    PROOF_OF_NATIONALITY = "proof_of_nationality", _("Documents that prove nationality")
    PRIMA_FACIE_DOCUMENTS = "prima_facie_documents", _("Documents that are prima facie evidence")
    PRIMA_FACIE_EVIDENCE = "prima_facie_evidence", _("Other prima facie evidence")
    CHANNEL = "channel", _("Channel")
    START = "start", _("Counting of periods")


@dataclass(frozen=True)
class Rule:
    value: Any
    source: str
    verification: str
    unit: str = ""

    @property
    def verified(self) -> bool:
        return self.verification == LegalParameter.Verification.VERIFIED


def check_rules(rules: Any, where: str) -> dict[str, Any]:
    """``rules`` as stored, or ``ReferenceDataError`` naming ``where`` and the rule at fault."""
    if not isinstance(rules, dict):
        raise ReferenceDataError(f"{where}: rules must be a table of rules")
    known = {*PERIODS, *FLAGS, *LISTS, *CHOICES}
    for name, rule in rules.items():
        at = f"{where}, rule '{name}'"
        if name not in known:
            raise ReferenceDataError(f"{at}: unknown rule; known: {', '.join(sorted(known))}")
        if not isinstance(rule, dict) or "value" not in rule:
            raise ReferenceDataError(f"{at}: needs a value, a source and a verification")
        if not str(rule.get("source", "")).strip():
            raise ReferenceDataError(f"{at}: the source is missing")
        if rule.get("verification") not in VERIFICATIONS:
            raise ReferenceDataError(
                f"{at}: verification must be one of {', '.join(sorted(VERIFICATIONS))}"
            )
        _check_value(name, rule, at)
    return rules


def _check_value(name: str, rule: dict[str, Any], at: str) -> None:
    value = rule["value"]
    if name in PERIODS:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ReferenceDataError(f"{at}: the value must be a whole number of days or months")
        if rule.get("unit") not in PERIOD_UNITS:
            raise ReferenceDataError(f"{at}: unit must be one of {', '.join(PERIOD_UNITS)}")
    elif name in FLAGS:
        if not isinstance(value, bool):
            raise ReferenceDataError(f"{at}: the value must be true or false")
    elif name in LISTS:
        unknown = sorted(set(value) - LISTS[name]) if isinstance(value, list) else ["?"]
        if unknown:
            raise ReferenceDataError(
                f"{at}: unknown kinds {', '.join(unknown)}; known: "
                f"{', '.join(sorted(LISTS[name]))}"
            )
    elif value not in CHOICES[name]:
        raise ReferenceDataError(f"{at}: must be one of {', '.join(sorted(CHOICES[name]))}")


class Rules:
    """Read access to one instrument version's rules."""

    def __init__(self, stored: dict[str, Any]) -> None:
        self._stored = stored

    @classmethod
    def of(cls, instrument: Any) -> Rules:
        return cls(instrument.rules if instrument is not None else {})

    def get(self, name: str) -> Rule | None:
        rule = self._stored.get(name)
        if rule is None:
            return None
        return Rule(rule["value"], rule["source"], rule["verification"], rule.get("unit", ""))

    def flag(self, name: str) -> bool:
        rule = self.get(name)
        return bool(rule and rule.value)

    @property
    def start(self) -> Start:
        rule = self.get("start")
        return Start(rule.value) if rule else Start.EXCLUSIVE

    def unverified(self) -> list[str]:
        return sorted(n for n, r in self._stored.items() if r["verification"] != "verified")


def counting_unit(rule: Rule) -> str:
    """The unit ``count_period`` takes for a rule's unit."""
    return PERIOD_UNITS[rule.unit]


class EvidenceRulesFromInstruments:
    """Evidence rules for the identification dossier from the EU instrument with the country
    (agreement or arrangement) in force on the day; the shipped file where none sets them."""

    def __init__(self) -> None:
        self._fallback = RulesFromFile()

    def rule_for(self, country: str, on: date) -> EvidenceRule:
        from retour.readmission.instruments import eu_instrument

        fallback = self._fallback.rule_for(country, on)
        instrument = eu_instrument(country, on)
        if instrument is None:
            return fallback
        rules = Rules.of(instrument)
        proof = rules.get("proof_of_nationality")
        if proof is None:
            return fallback

        def kinds(name: str) -> frozenset[str]:
            rule = rules.get(name)
            return frozenset(rule.value) if rule else frozenset()

        used = [rules.get(n) for n in (*LISTS, "interview_replaces_evidence")]
        named = instrument.title + (
            f" ({instrument.legal_reference})" if instrument.legal_reference else ""
        )
        return EvidenceRule(
            country=country,
            source=f"{named}: " + "; ".join(
                dict.fromkeys(rule.source for rule in used if rule)
            ),
            verified=all(rule.verified for rule in used if rule),
            proof=frozenset(proof.value),
            prima_facie_documents=kinds("prima_facie_documents"),
            prima_facie_copies=rules.flag("prima_facie_copies"),
            prima_facie_evidence=kinds("prima_facie_evidence"),
            interview_replaces_evidence=rules.flag("interview_replaces_evidence"),
            expired_proof_is_prima_facie=rules.flag("expired_proof_is_prima_facie"),
        )
