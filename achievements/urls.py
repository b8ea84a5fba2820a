from django.urls import path

from . import views

urlpatterns = [
    path("achievements/", views.achievements_page, name="achievements"),
    path("leaderboard/", views.leaderboard_page, name="leaderboard"),
    path("shop/", views.shop_page, name="shop"),
    path("shop/<int:pk>/redeem/", views.redeem_page, name="shop-redeem"),
    path("shop/codes/", views.codes_page, name="shop-codes"),
    path("shop/codes/<str:code>/", views.code_page, name="shop-code"),
    path("review/", views.review_page, name="review"),
    path("profile/", views.profile_page, name="profile"),
    path("u/<str:username>/", views.public_profile_page, name="public-profile"),
]
