from django.urls import path

from . import views

urlpatterns = [
    path("videos/", views.feed, name="videos"),
    path("videos/saved/", views.saved, name="videos-saved"),
    path("videos/<int:pk>/save/", views.save, name="video-save"),
    path("videos/<int:pk>/like/", views.like, name="video-like"),
    path("videos/<slug:slug>/", views.detail, name="video-detail"),
]
