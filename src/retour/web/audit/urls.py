from django.urls import path

from retour.web.audit import views

urlpatterns = [
    path("", views.audit_start, name="audit"),
    path("persons/<uuid:person_id>/", views.person_access, name="audit-person"),
    path(
        "persons/<uuid:person_id>/access-log.csv", views.person_access_csv,
        name="audit-person-csv",
    ),
]
