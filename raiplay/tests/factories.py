"""Editors: staff in the `Editors` group, with the permissions its migrations give it."""

from importlib import import_module

from django.contrib.auth.models import Group, Permission

from accounts.tests.factories import UserFactory


def editors_group() -> Group:
    """The Editors group as the migrations make it (a transactional test's flush removes it)."""
    group, _ = Group.objects.get_or_create(name="Editors")
    if group.permissions.exists():
        return group
    first = import_module("raiplay.migrations.0001_editors_group")
    later = import_module("raiplay.migrations.0004_editors_import_and_export_content")
    finbot = import_module("chat.migrations.0004_editors_see_flags_and_unanswered")
    wanted = [
        ("raiplay" if model == "insights" else app, f"{action}_{model}")  # 0002 moved insights to raiplay
        for (app, model), actions in first.EDITOR_PERMISSIONS.items()
        for action in actions
    ]
    wanted += [("raiplay", codename) for codename in later.CODENAMES]
    wanted += [
        ("chat", f"{action}_{model}") for model, actions in finbot.EDITOR_PERMISSIONS.items() for action in actions
    ]
    for app, codename in wanted:
        group.permissions.add(Permission.objects.get(content_type__app_label=app, codename=codename))
    return group


def make_editor(**fields):
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(editors_group())
    return user
