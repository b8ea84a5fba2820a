"""The Editors group: content editors manage games, videos, rewards and FinBot's knowledge — not people."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MANAGE = ("add", "change", "delete", "view")
EDITOR_PERMISSIONS = {
    ("games", "game"): MANAGE,
    ("games", "question"): MANAGE,
    ("games", "choice"): MANAGE,
    ("games", "queststep"): MANAGE,
    ("games", "attempt"): ("view",),
    ("videos", "video"): MANAGE,
    ("achievements", "achievement"): MANAGE,
    ("achievements", "dailyquesttemplate"): MANAGE,
    ("achievements", "shopitem"): MANAGE,
    ("achievements", "redemption"): ("view",),
    ("achievements", "ledgerentry"): ("view",),
    ("achievements", "insights"): ("view",),
    ("chat", "knowledgearticle"): MANAGE,
}


def create_editors(apps, schema_editor):
    # Permissions are normally made after all migrations ran; make them now so the
    # group can hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    codenames = [
        (app, f"{action}_{model}") for (app, model), actions in EDITOR_PERMISSIONS.items() for action in actions
    ]
    permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in codenames
    ]
    editors.permissions.add(*permissions)


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("games", "0001_initial"),
        ("videos", "0001_initial"),
        ("achievements", "0002_insights_proxy"),
        ("chat", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
