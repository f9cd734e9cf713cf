"""The words the pages show for the codes the domain stores: stages, decisions, deadlines…

The models' choice labels are English and belong to the migrations, so they are not marked
for translation; the pages read these translated tables instead. ``test_labels`` checks that
every code of the domain has its entry here, so a new stage or decision kind cannot appear
untranslated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

Labels = Mapping[str, Promise]

STAGES: Labels = {
    "registered": _("registered"),
    "legal_stay_ended": _("legal stay ended"),
    "voluntary_departure": _("voluntary-departure period"),
    "forced_return_preparation": _("forced-return preparation"),
    "removal_scheduled": _("removal scheduled"),
    "departed": _("departed"),
    "suspended": _("suspended"),
    "absconded": _("absconded"),
    "closed": _("closed"),
}

ORIGINS: Labels = {
    "negative_asylum_decision": _("negative asylum decision"),
    "residence_permit_ended": _("residence permit refused or withdrawn"),
    "irregular_stay_detected": _("irregular stay detected"),
    "ees_overstay": _("Entry/Exit System overstay"),
    "border_apprehension": _("apprehension at the border"),
    "mutual_recognition": _("return decision of another member state"),
}

OUTCOMES: Labels = {
    "returned_voluntarily": _("returned voluntarily"),
    "removed": _("removed"),
    "left_to_other_member_state": _("left to another member state"),
    "absconded": _("absconded"),
    "legal_stay_granted": _("legal stay granted"),
    "decision_withdrawn": _("decision withdrawn"),
    "deceased": _("deceased"),
    "other": pgettext_lazy("outcome", "other"),
}

DECISION_KINDS: Labels = {
    "end_of_legal_stay": _("end of legal stay"),
    "best_interests_assessment": _("best-interests assessment"),
    "return_decision": _("return decision"),
    "voluntary_departure_extension": _("extension of the voluntary-departure period"),
    "entry_ban": _("entry ban"),
    "appeal": _("appeal"),
    "postponement": _("postponement of removal"),
    "reception_verified": _("reception in the country of return verified"),
    "withdrawal": _("withdrawal of the return decision"),
}

DECISION_STATUSES: Labels = {
    "in_force": _("in force"),
    "pending": pgettext_lazy("decision", "pending"),
    "ended": _("ended"),
    "annulled": _("annulled"),
    "withdrawn": _("withdrawn"),
}

DEADLINE_KINDS: Labels = {
    "return_decision_due": _("return decision due"),
    "voluntary_departure_end": _("end of voluntary departure"),
    "appeal_period_end": _("end of the period to appeal"),
    "entry_ban_end": _("end of the entry ban"),
    "postponement_end": _("end of the postponement"),
    "handover_acceptance": _("hand-over to be accepted"),
}

DEADLINE_STATUSES: Labels = {
    "open": pgettext_lazy("deadline", "open"),
    "met": _("met"),
    "lapsed": _("lapsed"),
    "cancelled": pgettext_lazy("deadline", "cancelled"),
}

TASK_KINDS: Labels = {
    "issue_return_decision": _("issue the return decision"),
    "prepare_forced_return": _("prepare forced return"),
    "issue_entry_ban": _("issue the mandatory entry ban"),
    "accept_handover": _("accept or return the hand-over"),
    "review_postponement": _("review the postponement of removal"),
    "assess_best_interests": _("assess the best interests of the child"),
    "chase_readmission_reply": _("chase the readmission reply"),
    "chase_travel_document": _("chase the travel document"),
}

HANDOVER_STATUSES: Labels = {
    "pending": pgettext_lazy("hand-over", "waiting for acceptance"),
    "accepted": _("accepted"),
    "returned": _("returned"),
}

SEXES: Labels = {"F": _("female"), "M": _("male"), "X": _("unspecified")}

NAME_KINDS: Labels = {
    "primary": _("name"),
    "at_birth": _("name at birth"),
    "previous": _("previously used name"),
    "alias": _("alias"),
}

NATIONALITY_STATUSES: Labels = {"claimed": _("claimed"), "confirmed": _("confirmed")}

VULNERABILITIES: Labels = {
    "minor": _("minor"),
    "unaccompanied_minor": _("unaccompanied minor"),
    "disability": _("disability"),
    "pregnancy": _("pregnancy"),
    "serious_illness": _("serious illness"),
    "victim_of_trafficking": _("victim of trafficking"),
    "victim_of_torture": _("victim of torture or serious violence"),
    "elderly": _("elderly person"),
    "single_parent": _("single parent with minor children"),
}

# A family link reads from the person who holds it ("parent of") and, the other way round,
# from the relative ("child of").
RELATIONS: Labels = {
    "parent_of": _("parent of"),
    "spouse_of": _("spouse or partner of"),
    "sibling_of": _("sibling of"),
    "guardian_of": _("guardian of"),
}
RELATIONS_SEEN_FROM_RELATIVE: Labels = {
    "parent_of": _("child of"),
    "spouse_of": _("spouse or partner of"),
    "sibling_of": _("sibling of"),
    "guardian_of": _("under the guardianship of"),
}

SHORTENED_DEPARTURE_REASONS: Labels = {
    "risk_of_absconding": _("risk of absconding"),
    "manifestly_unfounded_application": _("application manifestly unfounded or fraudulent"),
    "threat_to_public_order": _(
        "threat to public policy, public security or national security"
    ),
}

EXTENSION_REASONS: Labels = {
    "length_of_stay": _("length of stay"),
    "children_at_school": _("children attending school"),
    "family_and_social_links": _("family and social links"),
    "other": _("other specific circumstances"),
}

POSTPONEMENT_GROUNDS: Labels = {
    "non_refoulement": _("non-refoulement (mandatory)"),
    "suspensive_effect": _("suspensive effect of an appeal (mandatory)"),
    "physical_or_mental_state": _("physical or mental state of the person"),
    "technical_reasons": _("technical reasons, e.g. no transport or no identification"),
}

NON_COOPERATION_KINDS: Labels = {
    "refused_to_attend": _("refused to attend an interview or appointment"),
    "false_identity": _("gave a false identity"),
    "destroyed_documents": _("destroyed or concealed documents"),
    "refused_biometrics": _("refused to give fingerprints or a photograph"),
    "resistance": _("resisted removal"),
    "other": _("other obstruction"),
}

NON_COOPERATION_CONSEQUENCES: Labels = {
    "none": _("none (yet)"),
    "detention_extended": _("ground to extend detention (Directive 2008/115/EC Art. 15(6)(a))"),
    "risk_of_absconding": _("indicator of a risk of absconding (Directive 2008/115/EC Art. 3(7))"),
    "removal_failed": _("removal could not be carried out"),
    "other": _("other consequence"),
}

DETENTION_GROUNDS: Labels = {
    "risk_of_absconding": _("risk of absconding (Directive 2008/115/EC Art. 15(1)(a))"),
    "hampers_return": _(
        "avoids or hampers the preparation of return or removal "
        "(Directive 2008/115/EC Art. 15(1)(b))"
    ),
}

DETENTION_END_REASONS: Labels = {
    "removed": _("removed (the person was returned)"),
    "no_prospect_of_removal": _(
        "no reasonable prospect of removal (Directive 2008/115/EC Art. 15(4))"
    ),
    "maximum_reached": _("maximum period reached (Directive 2008/115/EC Art. 15(5)-(6))"),
    "released_by_court": _("released by a court (Directive 2008/115/EC Art. 15(2))"),
    "alternative": _("alternative to detention"),
    "other": _("other reason"),
}

REINTEGRATION_OUTCOMES: Labels = {
    "accepted": _("accepted by the person"),
    "declined": _("declined by the person"),
    "withdrawn": _("withdrawn"),
}

DOCUMENT_KINDS: Labels = {
    "passport": _("passport"),
    "identity_card": _("identity card"),
    "laissez_passer": _("laissez-passer / emergency travel document"),
    "eu_travel_document": _("EU travel document for return"),
    "residence_permit": _("residence permit"),
    "birth_certificate": _("birth certificate"),
    "driving_licence": _("driving licence"),
    "other": _("other document"),
}

EVIDENCE_KINDS: Labels = {
    "interview": _("identification interview"),
    "consular_interview": _("interview by the consulate or a delegation"),
    "language_analysis": _("language analysis"),
    "declared_identity": _("identity declared by the person"),
    "biometrics": _("biometric data taken"),
    "witness_statement": _("witness statement"),
    "other": _("other evidence"),
}

EVIDENCE_QUALITIES: Labels = {
    "good": pgettext_lazy("quality", "good"),
    "usable": pgettext_lazy("quality", "usable"),
    "poor": pgettext_lazy("quality", "poor"),
}

# ``dossier.Dossier.status``: how far the evidence of nationality for the country goes.
DOSSIER_STATUSES: Labels = {
    "complete": _("complete"),
    "prima_facie": _("prima facie evidence"),
    "incomplete": _("incomplete"),
}

# ``dossier.Item.counts_as``: what one document or piece of evidence is worth for the country.
DOSSIER_COUNTS: Labels = {
    "proof": _("proves nationality"),
    "prima_facie": _("prima facie evidence of nationality"),
    "supporting": _("supports, does not show nationality"),
}

ZONE_STATUSES: Labels = {
    "none": _("no machine-readable zone read"),
    "verified": _("machine-readable zone checked: every check digit valid"),
    "unverified": _("machine-readable zone unverified: check digits failed"),
}

MISSION_KINDS: Labels = {
    "consular_interview": _("consular interview at the consulate"),
    "delegation_mission": _("identification mission of a delegation"),
    "video_interview": _("video interview"),
}

MISSION_STATUSES: Labels = {
    "planned": _("planned"),
    "held": _("held"),
    "cancelled": _("cancelled"),
}

# Where a person is when presented to a mission; "unknown" only in the planning list.
AVAILABILITIES: Labels = {
    "in_detention": _("in detention"),
    "reporting": _("reporting to the authorities"),
    "at_liberty": _("at liberty"),
    "whereabouts_unknown": _("whereabouts unknown"),
    "unknown": _("not recorded"),
}

PRESENTATION_OUTCOMES: Labels = {
    "pending": _("awaiting the outcome"),
    "identified": _("identified"),
    "not_identified": _("not identified"),
    "needs_more_evidence": _("needs more evidence"),
    "did_not_appear": _("did not appear"),
}

# The officer's decision on a possible match (``identification.MatchReview.Decision``).
MATCH_DECISIONS: Labels = {
    "pending": _("waiting for review"),
    "same_person": _("same person"),
    "different_persons": _("different persons"),
    "unsure": _("unsure"),
}

APPEAL_OUTCOMES: Labels = {
    "dismissed": _("dismissed"),
    "granted": _("granted: the contested decision is annulled"),
    "withdrawn": _("withdrawn by the appellant"),
}

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

READMISSION_STATUSES: Labels = {
    "draft": _("draft"),
    "submitted": _("submitted"),
    "acknowledged": _("acknowledged"),
    "accepted": pgettext_lazy("readmission request", "accepted"),
    "tacitly_accepted": _("tacitly accepted"),
    "rejected": _("rejected"),
    "needs_interview": _("needs an interview"),
    "travel_document_requested": _("travel document requested"),
    "travel_document_issued": _("travel document issued"),
    "used": _("used for departure"),
    "expired": pgettext_lazy("readmission request", "expired"),
    "withdrawn": pgettext_lazy("readmission request", "withdrawn"),
}

READMISSION_PROCEDURES: Labels = {
    "normal": _("normal"),
    "accelerated": _("accelerated (border procedure)"),
}

READMISSION_CHANNELS: Labels = {
    "rcms": _("readmission case management system (RCMS)"),
    "diplomatic_mission": _("diplomatic mission"),
    "central_authority": _("central authority"),
}

# The requested state's answer (``readmission.actions.REPLY_OUTCOMES``).
READMISSION_REPLIES: Labels = {
    "accepted": pgettext_lazy("readmission reply", "accepted"),
    "rejected": pgettext_lazy("readmission reply", "rejected"),
    "needs_interview": _("the person must be interviewed first"),
}

INSTRUMENT_KINDS: Labels = {
    "eu_readmission_agreement": _("EU readmission agreement"),
    "eu_arrangement": _("non-binding EU arrangement"),
    "bilateral_agreement": _("bilateral agreement"),
    "implementing_protocol": _("implementing protocol"),
}

OBSTACLE_KINDS: Labels = {
    "reply_overdue": _("reply overdue"),
    "travel_document_overdue": _("travel document overdue"),
}

# The rules of a readmission instrument (``readmission.rules``).
READMISSION_RULES: Labels = {
    "reply_limit": _("Time limit for the reply"),
    "reply_extension": _("Extension of the reply limit"),
    "accelerated_application_limit": _("Accelerated procedure: apply within"),
    "accelerated_reply_limit": _("Accelerated procedure: reply within"),
    "travel_document_issuance": _("Travel document issued within"),
    "travel_document_min_validity": _("Minimum validity of the travel document"),
    "transfer_window": _("Transfer within"),
    "tacit_acceptance": _("No reply in time counts as acceptance"),
    "interview_replaces_evidence": _("An interview where no evidence exists"),
    "prima_facie_copies": _("Copies of documents are prima facie evidence"),
    "expired_proof_is_prima_facie": _("Expired documents are prima facie evidence"),
    "proof_of_nationality": _("Documents that prove nationality"),
    "prima_facie_documents": _("Documents that are prima facie evidence"),
    "prima_facie_evidence": _("Other prima facie evidence"),
    "channel": _("Channel"),
    "start": _("Counting of periods"),
}

PERIOD_STARTS: Labels = {
    "exclusive": _("the day of the event is not counted"),
    "inclusive": _("the day of the event is counted"),
}

RULE_VERIFICATIONS: Labels = {
    "verified": _("verified against the legal text"),
    "secondary": _("secondary source"),
    "unverified": pgettext_lazy("rule", "unverified"),
}


def label(table: Labels, code: str | None) -> str:
    """The translated word for ``code``; a code the table lacks (data older than the code
    that reads it) is shown as it is rather than hidden."""
    if not code:
        return ""
    found = table.get(code)
    return str(found) if found is not None else code


def choices(table: Labels) -> list[tuple[str, Promise]]:
    """The table as form choices, in its own order (translated when rendered)."""
    return list(table.items())


def country_name(country: Any) -> str:
    """The country's name in the language of the page (Dutch or English)."""
    if country is None:
        return ""
    return str(country.name_nl if (get_language() or "").startswith("nl") else country.name_en)
