from django.urls import path

from . import export

urlpatterns = [path("users/me/export", export.ExportView.as_view(), name="users-me-export")]
