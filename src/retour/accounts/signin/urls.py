"""The sign-in steps, included under ``accounts/`` beside Django's sign-out."""

from django.urls import path

from retour.accounts.signin import views

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("login/code/", views.code, name="signin-code"),
    path("login/authenticator/", views.enrol, name="signin-enrol"),
    path("confirm/", views.confirm, name="signin-confirm"),
    path("methods/", views.methods, name="signin-methods"),
]
