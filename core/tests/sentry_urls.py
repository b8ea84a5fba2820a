"""URLs for the Sentry test's child process: a view that crashes, also under a route holding a secret."""

from django.urls import path


def crash(request):
    raise RuntimeError("the crash Sentry should hear about")


urlpatterns = [path("api/v1/crash/", crash), path("consent/<str:token>/crash/", crash)]
