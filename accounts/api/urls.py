from django.urls import path

from . import views

urlpatterns = [
    path("auth/signup", views.SignupView.as_view(), name="auth-signup"),
    path("auth/login", views.LoginView.as_view(), name="auth-login"),
    path("auth/refresh", views.RefreshView.as_view(), name="auth-refresh"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-all", views.LogoutAllView.as_view(), name="auth-logout-all"),
    path("auth/google", views.GoogleView.as_view(), name="auth-google"),
    path("users/me", views.MeView.as_view(), name="users-me"),
    path("users/me/guardian", views.GuardianView.as_view(), name="users-me-guardian"),
]
