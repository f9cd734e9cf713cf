from django.contrib.auth import views as auth_views
from django.urls import include, path

from retour.accounts.admin import site as admin_site
from retour.api.api import api
from retour.web import (
    views,
    views_audit,
    views_case,
    views_cases,
    views_documents,
    views_home,
    views_identification,
    views_matches,
    views_missions,
    views_people,
)

urlpatterns = [
    path("", views_home.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility", views.accessibility, name="accessibility"),
    path("session/keepalive", views.session_keepalive, name="session_keepalive"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("cases/", views_cases.case_list, name="case-list"),
    path("cases/<uuid:case_id>/", views_case.case_page, name="case"),
    path("cases/<uuid:case_id>/actions/<slug:action>/", views_case.case_action, name="case-action"),
    path(
        "cases/<uuid:case_id>/vulnerabilities/new/", views_people.record_vulnerability,
        name="case-vulnerability",
    ),
    path(
        "cases/<uuid:case_id>/documents/new/", views_documents.record_document,
        name="case-document",
    ),
    path(
        "cases/<uuid:case_id>/documents/zone/", views_documents.read_zone,
        name="case-document-zone",
    ),
    path("people/new/", views_people.new_person, name="person-new"),
    path("people/<uuid:person_id>/cases/new/", views_people.new_case, name="person-new-case"),
    path("people/<uuid:person_id>/identification/", views_identification.dossier_page,
         name="person-dossier"),
    path("people/<uuid:person_id>/identification/evidence/new/",
         views_identification.record_evidence, name="person-evidence"),
    path("missions/", views_missions.mission_list, name="missions"),
    path("missions/new/", views_missions.new_mission, name="mission-new"),
    path("missions/<uuid:mission_id>/", views_missions.mission_page, name="mission"),
    path("missions/<uuid:mission_id>/presentations/new/", views_missions.present,
         name="mission-present"),
    path(
        "missions/<uuid:mission_id>/presentations/<uuid:presentation_id>/outcome/",
        views_missions.record_outcome, name="mission-outcome",
    ),
    path("matches/", views_matches.match_queue, name="matches"),
    path("matches/<uuid:review_id>/", views_matches.match_review, name="match"),
    path("audit/", views_audit.audit_start, name="audit"),
    path("audit/persons/<uuid:person_id>/", views_audit.person_access, name="audit-person"),
    path(
        "audit/persons/<uuid:person_id>/access-log.csv", views_audit.person_access_csv,
        name="audit-person-csv",
    ),
    path("api/v1/", api.urls),
    path("admin/", admin_site.urls),
]
