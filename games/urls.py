from django.urls import path

from . import views

urlpatterns = [
    path("quests/", views.quest_map, name="quest-map"),
    path("games/", views.library, name="game-library"),
    path("games/<slug:slug>/", views.play, name="game-play"),
    path("games/<slug:slug>/preview/", views.preview, name="game-preview"),
    path("games/<slug:slug>/finish/", views.finish, name="game-finish"),
    path("games/<slug:slug>/results/<int:attempt_id>/", views.results, name="game-results"),
]
