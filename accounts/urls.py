from django.urls import path

from . import views

urlpatterns = [
    path("settings/", views.settings_page, name="settings"),
    path("settings/delete/", views.delete_account, name="delete-account"),
    path("settings/guardian/", views.guardian_settings, name="guardian-settings"),
    path("consent/<str:token>/", views.consent_page, name="consent"),
    path("i18n/setlang/", views.set_language, name="set_language"),  # Django's, and it saves a learner's choice
]
