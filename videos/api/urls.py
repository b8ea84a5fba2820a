from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.trailing_slash = "/?"  # DESIGN names both `videos/` and `videos/{id}/save`
router.register("videos", views.VideoViewSet, basename="videos")
urlpatterns = router.urls
