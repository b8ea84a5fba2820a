"""The Teachers group: its members run classes (staff add people in the admin or with make_teacher)."""

from django.db import migrations

TEACHERS = "Teachers"


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=TEACHERS)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=TEACHERS).delete()


class Migration(migrations.Migration):
    dependencies = [("classrooms", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_group, remove_group)]
