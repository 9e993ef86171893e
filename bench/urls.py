"""The app's URLs plus a bare JSON view: the baseline the public endpoints are measured against."""

from django.http import JsonResponse
from django.urls import path

from congvu.urls import handler400, handler403, handler404, handler500  # noqa: F401 (the app's error pages)
from congvu.urls import urlpatterns as app_urlpatterns


def bare(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [path("bench/bare", bare), *app_urlpatterns]
