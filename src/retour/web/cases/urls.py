from django.urls import path

from retour.web.cases import views_case, views_list

urlpatterns = [
    path("", views_list.case_list, name="case-list"),
    path("<uuid:case_id>/", views_case.case_page, name="case"),
    path("<uuid:case_id>/actions/<slug:action>/", views_case.case_action, name="case-action"),
]
