"""The user's sessions, under ``accounts/sessions/``."""

from django.urls import path

from retour.accounts.sessions import views

urlpatterns = [
    path("", views.session_list, name="session-list"),
    path("<uuid:session_id>/end/", views.end_session, name="session-end"),
    path("end-others/", views.end_other_sessions, name="session-end-others"),
]
