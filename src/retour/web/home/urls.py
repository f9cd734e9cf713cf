from django.urls import path

from retour.web.home import views

urlpatterns = [
    path("", views.home, name="home"),
]
