"""Included at the root: a request is drafted from a case; the scorecard has its own list."""

from django.urls import path

from retour.web.readmission import views_requests, views_scorecard

urlpatterns = [
    path("readmission/", views_requests.request_list, name="readmission-requests"),
    path("readmission/<int:request_id>/", views_requests.request_page,
         name="readmission-request"),
    path("readmission/<int:request_id>/steps/<slug:action>/", views_requests.take_step,
         name="readmission-step"),
    path("cases/<uuid:case_id>/readmission/new/", views_requests.draft_request,
         name="case-readmission-new"),
    path("scorecard/", views_scorecard.scorecard, name="scorecard"),
    path("scorecard/scorecard.csv", views_scorecard.scorecard_csv, name="scorecard-csv"),
    path("scorecard/<str:country>/", views_scorecard.country_scorecard,
         name="scorecard-country"),
    path("scorecard/<str:country>/scorecard.csv", views_scorecard.country_scorecard_csv,
         name="scorecard-country-csv"),
    path("scorecard/<str:country>/cases/", views_scorecard.cases_behind_figure,
         name="scorecard-cases"),
]
