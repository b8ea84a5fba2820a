from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include("raiplay.api")),
    path("", include("accounts.urls")),
    path("", include("games.urls")),
    path("", include("videos.urls")),
    path("", include("achievements.urls")),
    path("", include("chat.urls")),
    path("", include("classrooms.urls")),
]
# JSON under /api/, the branded pages elsewhere (core.handlers).
handler400 = "core.handlers.bad_request"
handler403 = "core.handlers.permission_denied"
handler404 = "core.handlers.page_not_found"
handler500 = "core.handlers.server_error"

if settings.BENCH_MODE:  # `make bench`: the bare-framework floor every route is compared with
    from . import bench

    urlpatterns.insert(0, path("bench/floor/", bench.floor, name="bench-floor"))

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
