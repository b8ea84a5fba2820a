"""URLs for the Sentry test's child process: one view that crashes."""

from django.urls import path


def crash(request):
    raise RuntimeError("the crash Sentry should hear about")


urlpatterns = [path("api/v1/crash/", crash)]
