"""The words the pages show for the codes the domain stores: stages, decisions, deadlines…

The words live on the codes themselves: each model's choices (and each fixed code set of the
domain, e.g. ``Decision.PostponementGround``) carry their labels, marked for translation, so
every app's enum has its own words in English and Dutch and nothing repeats them. The tables
here only gather them under the names the pages read (``STAGES = dict(Stage.choices)``);
``test_case_page`` checks that every code of the domain has its entry. The few words that
belong to no enum stay here: the relations read from the relative, the planning list's
"not recorded" availability, and the names of the actions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from retour.cases.models import (
    Deadline,
    Decision,
    Handover,
    Origin,
    Outcome,
)
from retour.cases.stages import Stage
from retour.identification.dossier import CountsAs, DossierStatus
from retour.identification.models import (
    IdentificationMission,
    IdentityDocument,
    IdentityEvidence,
    MatchReview,
    MissionPresentation,
)
from retour.people.models import FamilyLink, Nationality, PersonName, Sex, Vulnerability
from retour.readmission.models import Instrument, Obstacle, ReadmissionRequest
from retour.readmission.rules import RuleName
from retour.reference.models import LegalParameter
from retour.reference.periods import Start

Labels = Mapping[str, str | Promise]

STAGES: Labels = dict(Stage.choices)
ORIGINS: Labels = dict(Origin.choices)
OUTCOMES: Labels = dict(Outcome.choices)
DECISION_KINDS: Labels = dict(Decision.Kind.choices)
DECISION_STATUSES: Labels = dict(Decision.Status.choices)
DEADLINE_KINDS: Labels = dict(Deadline.Kind.choices)
DEADLINE_STATUSES: Labels = dict(Deadline.Status.choices)
HANDOVER_STATUSES: Labels = dict(Handover.Status.choices)

SEXES: Labels = dict(Sex.choices)
NAME_KINDS: Labels = dict(PersonName.Kind.choices)
NATIONALITY_STATUSES: Labels = dict(Nationality.Status.choices)
VULNERABILITIES: Labels = dict(Vulnerability.Kind.choices)

# A family link reads from the person who holds it ("parent of") and, the other way round,
# from the relative ("child of").
RELATIONS: Labels = dict(FamilyLink.Relation.choices)
RELATIONS_SEEN_FROM_RELATIVE: Labels = {
    "parent_of": _("child of"),
    "spouse_of": _("spouse or partner of"),
    "sibling_of": _("sibling of"),
    "guardian_of": _("under the guardianship of"),
}

SHORTENED_DEPARTURE_REASONS: Labels = dict(Decision.ShortenedDepartureReason.choices)
EXTENSION_REASONS: Labels = dict(Decision.ExtensionReason.choices)
POSTPONEMENT_GROUNDS: Labels = dict(Decision.PostponementGround.choices)
APPEAL_OUTCOMES: Labels = dict(Decision.AppealOutcome.choices)


DOCUMENT_KINDS: Labels = dict(IdentityDocument.Kind.choices)
ZONE_STATUSES: Labels = dict(IdentityDocument.ZoneStatus.choices)
EVIDENCE_KINDS: Labels = dict(IdentityEvidence.Kind.choices)
EVIDENCE_QUALITIES: Labels = dict(IdentityEvidence.Quality.choices)
# ``dossier.Dossier.status``: how far the evidence of nationality for the country goes.
DOSSIER_STATUSES: Labels = dict(DossierStatus.choices)
# ``dossier.Item.counts_as``: what one document or piece of evidence is worth for the country.
DOSSIER_COUNTS: Labels = dict(CountsAs.choices)

MISSION_KINDS: Labels = dict(IdentificationMission.Kind.choices)
MISSION_STATUSES: Labels = dict(IdentificationMission.Status.choices)
# Where a person is when presented to a mission; "unknown" (``identification.missions.UNKNOWN``)
# only in the planning list, for a person never presented.
AVAILABILITIES: Labels = {
    **dict(MissionPresentation.Availability.choices),
    "unknown": _("not recorded"),
}
PRESENTATION_OUTCOMES: Labels = dict(MissionPresentation.Outcome.choices)
MATCH_DECISIONS: Labels = dict(MatchReview.Decision.choices)

# Every business action on a case, as the history and the buttons name it.
ACTIONS: Labels = {
    "case_opened": _("Case opened"),
    "vulnerability_recorded": _("Vulnerability recorded"),
    "identity_document_recorded": _("Identity document recorded"),
    "identity_evidence_recorded": _("Identity evidence recorded"),
    "presented_to_mission": _("Presented to an identification mission"),
    "mission_outcome_recorded": _("Identification mission outcome recorded"),
    "mission_cancelled": _("Identification mission cancelled"),
    "record_non_cooperation": _("Record non-cooperation"),
    "order_detention": _("Order detention"),
    "end_detention": _("End detention"),
    "refer_to_reintegration": _("Refer to reintegration"),
    "record_reintegration_outcome": _("Record reintegration outcome"),
    "record_end_of_legal_stay": _("Record end of legal stay"),
    "record_best_interests_assessment": _("Record best-interests assessment"),
    "issue_return_decision": _("Issue return decision"),
    "extend_voluntary_departure": _("Extend voluntary departure"),
    "expire_voluntary_departure": _("Voluntary-departure period ended without departure"),
    "issue_entry_ban": _("Issue entry ban"),
    "lodge_appeal": _("Record appeal"),
    "decide_appeal": _("Record appeal outcome"),
    "postpone_removal": _("Postpone removal"),
    "end_postponement": _("End postponement"),
    "verify_reception": _("Record verified reception (unaccompanied minor)"),
    "schedule_removal": _("Schedule removal"),
    "cancel_removal": _("Cancel scheduled removal"),
    "record_removal": _("Record removal"),
    "record_voluntary_departure": _("Record voluntary departure"),
    "record_absconding": _("Record absconding"),
    "record_whereabouts_known": _("Record person located"),
    "withdraw_return_decision": _("Withdraw return decision"),
    "close_case": _("Close case"),
    "send_handover": _("Hand over"),
    "accept_handover": _("Accept hand-over"),
    "return_handover": _("Return hand-over"),
    "assign_case": _("Assign officer"),
    "draft_readmission_request": _("Draft a readmission request"),
    "submit_readmission_request": _("Submit the readmission request"),
    "acknowledge_readmission_request": _("Record the acknowledgement"),
    "record_readmission_reply": _("Record the reply"),
    "record_tacit_acceptance": _("Record tacit acceptance"),
    "request_travel_document": _("Request the travel document"),
    "record_travel_document": _("Record the travel document issued"),
    "record_travel_document_use": _("Record the travel document used"),
    "expire_travel_document": _("Record the travel document expired"),
    "chase_readmission_request": _("Note the request overdue"),
    "escalate_readmission_request": _("Escalate as an obstacle"),
    "withdraw_readmission_request": _("Withdraw the readmission request"),
}

READMISSION_STATUSES: Labels = dict(ReadmissionRequest.Status.choices)
READMISSION_PROCEDURES: Labels = dict(ReadmissionRequest.Procedure.choices)
READMISSION_CHANNELS: Labels = dict(ReadmissionRequest.Channel.choices)
# The requested state's answer (``readmission.actions.REPLY_OUTCOMES``).
READMISSION_REPLIES: Labels = dict(ReadmissionRequest.ReplyOutcome.choices)
INSTRUMENT_KINDS: Labels = dict(Instrument.Kind.choices)
OBSTACLE_KINDS: Labels = dict(Obstacle.Kind.choices)
# The rules of a readmission instrument (``readmission.rules``), in the order the page lists them.
READMISSION_RULES: Labels = dict(RuleName.choices)
PERIOD_STARTS: Labels = dict(Start.choices)
RULE_VERIFICATIONS: Labels = dict(LegalParameter.Verification.choices)


def label(table: Labels, code: str | None) -> str:
    """The translated word for ``code``; a code the table lacks (data older than the code
    that reads it) is shown as it is rather than hidden."""
    if not code:
        return ""
    found = table.get(code)
    return str(found) if found is not None else code


def choices(table: Labels) -> list[tuple[str, str | Promise]]:
    """The table as form choices, in its own order (translated when rendered)."""
    return list(table.items())


def country_name(country: Any) -> str:
    """The country's name in the language of the page (Dutch or English)."""
    if country is None:
        return ""
    return str(country.name_nl if (get_language() or "").startswith("nl") else country.name_en)
