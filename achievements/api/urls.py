from django.urls import path

from . import views

urlpatterns = [
    path("users/leaderboard", views.leaderboard, name="users-leaderboard"),
    path("users/badges", views.BadgesView.as_view(), name="users-badges"),
    path("users/me/badges", views.BadgesView.as_view(), name="users-me-badges"),
    path("users/me/activity", views.ActivityView.as_view(), name="users-me-activity"),
    path("users/<int:pk>", views.PublicProfileView.as_view(), name="users-detail"),
    path("achievements/", views.achievements, name="achievements-list"),
    path("quests/daily", views.daily_quests, name="quests-daily"),
    path("shop/items", views.ShopItemsView.as_view(), name="shop-items"),
    path("shop/items/<int:pk>/redeem", views.redeem, name="shop-redeem"),
    path("review/", views.ReviewView.as_view(), name="review-list"),
    path("review/answers", views.review_answer, name="review-answers"),
    path("shop/redemptions", views.RedemptionsView.as_view(), name="shop-redemptions"),
]
