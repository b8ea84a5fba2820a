"""Knowledge articles in content files and in the admin."""

import io
import json

import pytest
from django.core.management import call_command

from accounts.tests.factories import UserFactory
from chat.models import KnowledgeArticle
from core.content import ContentError, export_content, import_content

from .conftest import KNOWLEDGE_FILE
from .factories import KnowledgeArticleFactory, MessageFactory


def test_demo_knowledge_imports_and_exports_unchanged(knowledge):
    exported = export_content()["knowledge"]
    assert len(exported) == 55
    assert set(exported[0]) == {
        "slug",
        "title",
        "title_sq",
        "body",
        "body_sq",
        "tags",
        "tags_sq",
        "questions",
        "questions_sq",
        "published",
    }
    summary = import_content({"knowledge": exported})
    assert summary["knowledge"] == {"unchanged": 55}
    original = {a["slug"]: a for a in json.loads(KNOWLEDGE_FILE.read_text())["knowledge"]}
    for article in exported:
        assert article["body"] == original[article["slug"]]["body"]
        assert article["tags"] == original[article["slug"]]["tags"]


def test_import_updates_by_slug_and_can_unpublish(knowledge):
    import_content(
        {"knowledge": [{"slug": "what-is-a-budget", "title": "What is a budget?", "body": "New.", "published": False}]}
    )
    article = KnowledgeArticle.objects.get(slug="what-is-a-budget")
    assert (article.body, article.published) == ("New.", False)


def test_bad_items_are_named_and_nothing_changes(db):
    with pytest.raises(ContentError) as error:
        import_content(
            {
                "knowledge": [
                    {"slug": "ok", "title": "Fine?", "body": "Fine."},
                    {"slug": "bad-tags", "title": "Tags?", "body": "x", "tags": "budgeting"},
                    {"slug": "no-body", "title": "Body?"},
                ]
            }
        )
    messages = "\n".join(error.value.errors)
    assert "knowledge[bad-tags].tags" in messages
    assert "knowledge[no-body].body" in messages
    assert not KnowledgeArticle.objects.exists()


def test_seed_demo_loads_the_knowledge(db):
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    assert KnowledgeArticle.objects.filter(published=True).count() == 55


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


def test_admin_lists_articles_by_tag_and_search(admin_client, knowledge):
    response = admin_client.get("/admin/chat/knowledgearticle/", {"tag": "crypto"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Is crypto risky?" in html
    assert "What is a budget?" not in html
    found = admin_client.get("/admin/chat/knowledgearticle/", {"q": "phishing"}).content.decode()
    assert "How do I spot a phishing message?" in found


def test_admin_edits_both_languages_tags_as_words_and_questions_as_lines(admin_client, db):
    article = KnowledgeArticleFactory(tags=["saving"])
    page = admin_client.get(f"/admin/chat/knowledgearticle/{article.pk}/change/").content.decode()
    assert 'value="saving"' in page
    response = admin_client.post(
        f"/admin/chat/knowledgearticle/{article.pk}/change/",
        {
            "title_en": article.title,
            "title_sq": "Si të kursej?",
            "slug": article.slug,
            "body_en": "Body.",
            "body_sq": "Teksti.",
            "tags_en": "Saving, interest, ",
            "tags_sq": "kursim",
            "questions_en": "how do i save\n\nhow do i save\nsaving tips",
            "questions_sq": "si te kursej",
            "published": "on",
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.tags == ["saving", "interest"]
    assert (article.title_sq, article.body_sq, article.tags_sq) == ("Si të kursej?", "Teksti.", ["kursim"])
    assert (article.questions_en, article.questions_sq) == (["how do i save", "saving tips"], ["si te kursej"])


def test_admin_shows_conversations_read_only(admin_client):
    message = MessageFactory(content="What is a budget?")
    url = f"/admin/chat/conversation/{message.conversation.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "What is a budget?" in page.content.decode()
    assert admin_client.post(url, {"title": "changed"}).status_code == 403
    assert admin_client.get("/admin/chat/conversation/add/").status_code == 403
    message.conversation.refresh_from_db()
    assert message.conversation.title != "changed"
