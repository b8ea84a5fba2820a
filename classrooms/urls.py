from django.urls import path

from . import views

urlpatterns = [
    path("classes/", views.index, name="classes"),
    path("classes/new/", views.create, name="class-create"),
    path("classes/join/", views.join, name="class-join"),
    path("classes/<int:pk>/", views.detail, name="class-detail"),
    path("classes/<int:pk>/rename/", views.rename, name="class-rename"),
    path("classes/<int:pk>/archive/", views.archive, name="class-archive"),
    path("classes/<int:pk>/code/", views.new_code, name="class-code"),
    path("classes/<int:pk>/leave/", views.leave, name="class-leave"),
    path("classes/<int:pk>/members/<int:user_id>/remove/", views.remove_member, name="class-remove-member"),
    path("classes/<int:pk>/assignments/", views.add_assignment, name="class-add-assignment"),
    path(
        "classes/<int:pk>/assignments/<int:assignment_id>/delete/",
        views.delete_assignment,
        name="class-delete-assignment",
    ),
    path("classes/<int:pk>/progress.csv", views.progress_csv, name="class-progress-csv"),
]
