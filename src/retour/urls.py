from django.contrib.auth import views as auth_views
from django.urls import include, path

from retour.accounts.admin import site as admin_site
from retour.api.api import api
from retour.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility", views.accessibility, name="accessibility"),
    path("session/keepalive", views.session_keepalive, name="session_keepalive"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", api.urls),
    path("admin/", admin_site.urls),
]
