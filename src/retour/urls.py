from django.contrib.auth import views as auth_views
from django.urls import include, path

from retour.accounts.admin import site as admin_site
from retour.api.api import api
from retour.web import views

# The pages, one include per area (``retour.web.<area>.urls``); an area whose pages hang off
# another's records (a case's documents, a person's dossier) is included at the root and
# spells its paths out in full.
urlpatterns = [
    path("", include("retour.web.home.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility", views.accessibility, name="accessibility"),
    path("session/keepalive", views.session_keepalive, name="session_keepalive"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("retour.accounts.signin.urls")),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/sessions/", include("retour.accounts.sessions.urls")),
    path("cases/", include("retour.web.cases.urls")),
    path("", include("retour.web.people.urls")),
    path("", include("retour.web.identification.urls")),
    path("", include("retour.web.readmission.urls")),
    path("audit/", include("retour.web.audit.urls")),
    path("statistics/", include("retour.web.statistics.urls")),
    path("outbox/", include("retour.web.outbox.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin_site.urls),
]
