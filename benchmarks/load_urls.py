"""Retour's pages and a bare JSON view, for ``benchmarks/load.py`` (``load_settings``)."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from retour.urls import urlpatterns as retour_urlpatterns


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


urlpatterns = [path("bench/bare", bare), *retour_urlpatterns]
