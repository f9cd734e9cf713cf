from django.urls import path

from retour.web.outbox import views

urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<slug:name>/", views.outbox_subscriber, name="outbox-subscriber"),
    path("<slug:name>/replay/", views.outbox_replay, name="outbox-replay"),
    path("<slug:name>/skip/", views.outbox_skip, name="outbox-skip"),
]
