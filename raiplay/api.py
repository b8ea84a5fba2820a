"""The v1 API: each app's routes under one prefix."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import health

urlpatterns = [
    path("health/", health.health, name="health"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("", include("accounts.api.urls")),
    path("", include("achievements.api.urls")),
    path("", include("games.api.urls")),
    path("", include("videos.api.urls")),
    path("", include("chat.api.urls")),
    path("", include("raiplay.export_urls")),
]
