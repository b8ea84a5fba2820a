"""The Editors group (made by a migration) manages content in the admin, not people."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.models import User
from accounts.tests.factories import UserFactory


@pytest.fixture
def editor(db):
    user = UserFactory(username="ed", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.mark.parametrize(
    "url",
    [
        "/admin/games/game/add/",
        "/admin/videos/video/add/",
        "/admin/achievements/achievement/add/",
        "/admin/achievements/shopitem/add/",
        "/admin/achievements/dailyquesttemplate/add/",
        "/admin/chat/knowledgearticle/add/",
        "/admin/achievements/ledgerentry/",
        "/admin/raiplay/contentfile/",
        "/admin/raiplay/contentfile/export/",
        "/admin/games/queststep/",
    ],
)
def test_editors_manage_content(client, editor, url):
    client.force_login(editor)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/admin/accounts/user/", "/admin/auth/group/", "/admin/accounts/user/add/"])
def test_editors_do_not_manage_people(client, editor, url):
    client.force_login(editor)
    assert client.get(url).status_code == 403


def test_editors_cannot_rewrite_the_ledger(editor):
    assert editor.has_perm("achievements.view_ledgerentry")
    assert not editor.has_perm("achievements.change_ledgerentry")
    assert not editor.has_perm("achievements.add_ledgerentry")


def test_seed_demo_puts_the_editor_account_in_the_group(db):
    call_command("seed_demo", verbosity=0)
    editor = User.objects.get(username="editor")
    assert editor.is_staff and not editor.is_superuser
    assert editor.groups.filter(name="Editors").exists()
    assert editor.has_perm("games.change_game")


def test_the_test_helper_rebuilds_the_editors_group_exactly_as_the_migrations_made_it(db):
    from raiplay.tests.factories import editors_group

    migrated = Group.objects.get(name="Editors")
    made = set(migrated.permissions.values_list("content_type__app_label", "codename"))
    migrated.delete()
    assert set(editors_group().permissions.values_list("content_type__app_label", "codename")) == made
    assert ("raiplay", "import_content") in made and ("raiplay", "export_content") in made


def test_editors_can_import_and_export_but_not_manage_people(editor):
    assert editor.has_perm("raiplay.import_content") and editor.has_perm("raiplay.export_content")
    assert editor.has_perm("games.change_question") and editor.has_perm("games.change_queststep")
    assert not editor.has_perm("accounts.change_user")
    assert not editor.has_perm("auth.change_group")
