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
    views_readmission,
    views_report,
    views_scorecard,
    views_statistics,
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
    path("missions/<uuid:mission_id>/cancel/", views_missions.cancel, name="mission-cancel"),
    path("readmission/", views_readmission.request_list, name="readmission-requests"),
    path("readmission/<int:request_id>/", views_readmission.request_page,
         name="readmission-request"),
    path("readmission/<int:request_id>/steps/<slug:action>/", views_readmission.take_step,
         name="readmission-step"),
    path("cases/<uuid:case_id>/readmission/new/", views_readmission.draft_request,
         name="case-readmission-new"),
    path("matches/", views_matches.match_queue, name="matches"),
    path("matches/<uuid:review_id>/", views_matches.match_review, name="match"),
    path("audit/", views_audit.audit_start, name="audit"),
    path("audit/persons/<uuid:person_id>/", views_audit.person_access, name="audit-person"),
    path(
        "audit/persons/<uuid:person_id>/access-log.csv", views_audit.person_access_csv,
        name="audit-person-csv",
    ),
    path("scorecard/", views_scorecard.scorecard, name="scorecard"),
    path("scorecard/scorecard.csv", views_scorecard.scorecard_csv, name="scorecard-csv"),
    path("scorecard/<str:country>/", views_scorecard.country_scorecard,
         name="scorecard-country"),
    path("scorecard/<str:country>/scorecard.csv", views_scorecard.country_scorecard_csv,
         name="scorecard-country-csv"),
    path("scorecard/<str:country>/cases/", views_scorecard.cases_behind_figure,
         name="scorecard-cases"),
    path("statistics/", views_statistics.statistics_index, name="statistics-index"),
    *(
        route
        for slug in views_statistics.DASHBOARDS
        for route in (
            path(f"statistics/{slug}/", views_statistics.dashboard_page, {"slug": slug},
                 name=f"statistics-{slug}"),
            path(f"statistics/{slug}.csv", views_statistics.dashboard_csv, {"slug": slug},
                 name=f"statistics-{slug}-csv"),
        )
    ),
    path("statistics/report/<str:period>/", views_report.report_page, name="statistics-report"),
    path("statistics/report/<str:period>/report.pdf", views_report.report_pdf,
         name="statistics-report-pdf"),
    path("outbox/", include("retour.web.outbox.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin_site.urls),
]
