"""Editors import and export content files from the admin (and nobody else, unless given the permission)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ("import_content", "export_content")


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations ran; make them now so the group
    # can hold them on a fresh database.
    raiplay = apps.get_app_config("raiplay")
    raiplay.models_module = True
    create_permissions(raiplay, apps=apps, verbosity=0)
    raiplay.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="raiplay", codename__in=CODENAMES)
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="raiplay", codename__in=CODENAMES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("raiplay", "0003_content_file_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
