"""Editors look after FinBot's flagged conversations (mark them handled) and its unanswered questions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = {
    "safetyflag": ("change", "view"),
    "unansweredquestion": ("delete", "view"),
}


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations ran; make chat's now.
    chat = apps.get_app_config("chat")
    chat.models_module = True
    create_permissions(chat, apps=apps, verbosity=0)
    chat.models_module = None
    Permission = apps.get_model("auth", "Permission")
    editors, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Editors")
    codenames = [f"{action}_{model}" for model, actions in EDITOR_PERMISSIONS.items() for action in actions]
    editors.permissions.add(*Permission.objects.filter(content_type__app_label="chat", codename__in=codenames))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model, actions in EDITOR_PERMISSIONS.items() for action in actions]
    for editors in apps.get_model("auth", "Group").objects.filter(name="Editors"):
        editors.permissions.remove(*Permission.objects.filter(content_type__app_label="chat", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0003_guests_flags_unanswered"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
