"""Included at the root: documents are recorded from a case, the dossier and its evidence hang
off the person, missions and possible matches have lists of their own."""

from django.urls import path

from retour.web.identification import (
    views_documents,
    views_dossier,
    views_matches,
    views_missions,
)

urlpatterns = [
    path(
        "cases/<uuid:case_id>/documents/new/", views_documents.record_document,
        name="case-document",
    ),
    path(
        "cases/<uuid:case_id>/documents/zone/", views_documents.read_zone,
        name="case-document-zone",
    ),
    path("people/<uuid:person_id>/identification/", views_dossier.dossier_page,
         name="person-dossier"),
    path("people/<uuid:person_id>/identification/evidence/new/",
         views_dossier.record_evidence, name="person-evidence"),
    path("missions/", views_missions.mission_list, name="missions"),
    path("missions/new/", views_missions.new_mission, name="mission-new"),
    path("missions/<uuid:mission_id>/", views_missions.mission_page, name="mission"),
    path("missions/<uuid:mission_id>/presentations/new/", views_missions.present,
         name="mission-present"),
    path(
        "missions/<uuid:mission_id>/presentations/<uuid:presentation_id>/outcome/",
        views_missions.record_outcome, name="mission-outcome",
    ),
    path("missions/<uuid:mission_id>/cancel/", views_missions.cancel, name="mission-cancel"),
    path("matches/", views_matches.match_queue, name="matches"),
    path("matches/<uuid:review_id>/", views_matches.match_review, name="match"),
]
