"""Included at the root: a vulnerability is recorded from one of the person's cases."""

from django.urls import path

from retour.web.people import health, views

urlpatterns = [
    path("people/new/", views.new_person, name="person-new"),
    path("people/<uuid:person_id>/cases/new/", views.new_case, name="person-new-case"),
    path(
        "cases/<uuid:case_id>/vulnerabilities/new/", views.record_vulnerability,
        name="case-vulnerability",
    ),
    path("cases/<uuid:case_id>/health/", health.health_reason, name="case-health"),
]
