from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.trailing_slash = "/?"  # DESIGN names both `games/{id}/` and `games/{id}/attempts`
router.register("games", views.GameViewSet, basename="games")
urlpatterns = router.urls
