"""The insights proxy moves from achievements to raiplay; the Editors keep seeing it."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

def move_permission(apps, schema_editor):
    raiplay = apps.get_app_config("raiplay")
    raiplay.models_module = True
    create_permissions(raiplay, apps=apps, verbosity=0)
    raiplay.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    view = Permission.objects.get(content_type__app_label="raiplay", codename="view_insights")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.add(view)
    # The old proxy's permissions and content type would linger as stale rows.
    ContentType.objects.filter(app_label="achievements", model="insights").delete()

class Migration(migrations.Migration):

    dependencies = [
        ("achievements", "0003_delete_insights"),
        ("raiplay", "0001_editors_group"),
    ]

    operations = [
        migrations.CreateModel(
            name="Insights",
            fields=[],
            options={
                "verbose_name": "insights dashboard",
                "verbose_name_plural": "insights dashboard",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("achievements.ledgerentry",),
        ),
        migrations.RunPython(move_permission, migrations.RunPython.noop),
    ]
