"""Import and export content in the admin: a dry run first, then all or nothing; editors only."""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import UserFactory
from achievements.models import ShopItem
from games.models import Game
from games.tests.factories import make_game

pytestmark = pytest.mark.django_db

PAGE = "/admin/raiplay/contentfile/"


def editor():
    user = UserFactory(username="ed", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client):
    client.force_login(editor())
    return client


def upload(client, document, name="content.json"):
    data = document if isinstance(document, bytes) else json.dumps(document).encode()
    return client.post(PAGE, {"file": SimpleUploadedFile(name, data, content_type="application/json")})


GAME = {
    "slug": "budget-basics",
    "title": "Budget basics",
    "type": "minigame",
    "category": "budgeting",
    "questions": [
        {"prompt": "Pick", "kind": "single", "choices": [{"text": "A", "correct": True}, {"text": "B"}]},
    ],
}
SHOP = {"slug": "streak-freeze", "name": "Streak freeze", "kind": "streak_freeze", "cost_coins": 50}


def test_the_dry_run_counts_and_changes_nothing(editor_client):
    make_game(single=1, slug="budget-basics", title="Old title")
    response = upload(editor_client, {"games": [GAME], "shop_items": [SHOP]})
    report = response.context["report"]
    assert response.status_code == 200
    assert dict(report.rows) == {"games": [0, 1, 0], "shop_items": [1, 0, 0]}
    assert Game.objects.get(slug="budget-basics").title == "Old title"
    assert not ShopItem.objects.exists()
    assert 'data-testid="apply"' in response.content.decode()


def test_apply_writes_what_the_dry_run_checked(editor_client):
    digest = upload(editor_client, {"shop_items": [SHOP]}).context["report"].digest
    response = editor_client.post(f"{PAGE}apply/", {"digest": digest}, follow=True)
    assert ShopItem.objects.get().name == "Streak freeze"
    assert "Imported content.json. shop_items: 1 created, 0 updated, 0 unchanged" in response.content.decode()
    # Applied once: the same confirmation again finds nothing waiting.
    editor_client.post(f"{PAGE}apply/", {"digest": digest})
    assert ShopItem.objects.count() == 1


def test_apply_with_another_digest_applies_nothing(editor_client):
    upload(editor_client, {"shop_items": [SHOP]})
    response = editor_client.post(f"{PAGE}apply/", {"digest": "not-the-file"}, follow=True)
    assert not ShopItem.objects.exists()
    assert "upload it again" in response.content.decode()


def test_every_error_names_the_item_field_and_language_and_nothing_can_be_applied(editor_client):
    broken = {**GAME, "title": "", "title_sq": "x" * 500, "questions": [{"prompt": "Pick", "kind": "single"}]}
    response = upload(editor_client, {"games": [broken], "potions": []})
    errors = response.context["report"].errors
    page = response.content.decode()
    assert response.status_code == 400
    assert "games[budget-basics].title (English): this field is required" in errors
    assert any(e.startswith("games[budget-basics].title_sq (Albanian):") for e in errors)
    assert "games[budget-basics].questions[0].choices: Give at least two choices." in errors
    assert any(e.startswith("potions: unknown kind") for e in errors)
    assert 'data-testid="apply"' not in page
    assert "Nothing was changed." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "the file is not valid JSON (line 1, column 2"),
        ("é".encode("latin-1"), "the file is not UTF-8 text"),
        (b"[1, 2]", "the file must hold a JSON object"),
    ],
)
def test_a_file_that_is_not_content_is_explained_not_a_crash(editor_client, data, message):
    response = upload(editor_client, data)
    assert response.status_code == 400
    assert any(e.startswith(message) for e in response.context["report"].errors)


def test_an_upload_without_a_file_asks_for_one(editor_client):
    response = editor_client.post(PAGE, {})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_export_downloads_a_file_the_import_reads_back_unchanged(editor_client):
    make_game(single=1, number=1, slug="budget-basics")
    response = editor_client.get(f"{PAGE}export/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="raiplay-content-')
    document = json.loads(response.content)
    assert [g["slug"] for g in document["games"]] == ["budget-basics"]
    report = upload(editor_client, response.content).context["report"]
    assert dict(report.rows)["games"] == [0, 0, 1]


def test_editors_have_the_import_and_export_permissions():
    user = editor()
    assert user.has_perm("raiplay.import_content") and user.has_perm("raiplay.export_content")


@pytest.mark.parametrize("url", [PAGE, f"{PAGE}export/"])
def test_staff_outside_the_editors_cannot_import_or_export(client, url):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 403
    assert client.post(f"{PAGE}apply/", {"digest": "x"}).status_code == 403


def test_learners_are_sent_to_the_admin_login(client, learner):
    client.force_login(learner)
    assert client.get(PAGE).status_code == 302
    assert upload(client, {"shop_items": [SHOP]}).status_code == 302
    assert not ShopItem.objects.exists()
