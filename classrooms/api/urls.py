from django.urls import path

from . import views

urlpatterns = [
    path("classes/", views.classes, name="classes-list"),
    path("classes/join", views.join, name="classes-join"),
    path("classes/<int:pk>", views.classroom, name="classes-detail"),
    path("classes/<int:pk>/code", views.new_code, name="classes-code"),
    path("classes/<int:pk>/leave", views.leave, name="classes-leave"),
    path("classes/<int:pk>/members", views.members, name="classes-members"),
    path("classes/<int:pk>/members/<int:user_id>", views.remove_member, name="classes-member"),
    path("classes/<int:pk>/assignments", views.assignments, name="classes-assignments"),
    path("classes/<int:pk>/assignments/<int:assignment_id>", views.assignment, name="classes-assignment"),
    path("classes/<int:pk>/progress", views.ProgressView.as_view(), name="classes-progress"),
    path("classes/<int:pk>/leaderboard", views.leaderboard, name="classes-leaderboard"),
]
