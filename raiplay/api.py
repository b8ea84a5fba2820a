"""The v1 API: each app's routes under one prefix."""

from typing import cast

from django.conf import settings
from django.urls import include, path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import health

urlpatterns = [
    path("health/", health.health, name="health"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI injects its own <style> element: the one page allowed inline styles.
    path(
        "docs/",
        csp_override({**cast("dict[str, list[str]]", settings.SECURE_CSP), "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="docs",
    ),
    path("", include("accounts.api.urls")),
    path("", include("achievements.api.urls")),
    path("", include("games.api.urls")),
    path("", include("videos.api.urls")),
    path("", include("chat.api.urls")),
    path("", include("classrooms.api.urls")),
    path("", include("raiplay.export_urls")),
]
