"""The /chat/ page: history, the no-JavaScript form, ownership, escaping."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from chat.models import Conversation, Message

from .factories import ConversationFactory, MessageFactory

pytestmark = pytest.mark.usefixtures("knowledge", "offline")


@pytest.fixture
def web(client, learner):
    client.force_login(learner)
    return client


def test_sign_in_is_required(client):
    response = client.get("/chat/")
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_empty_page_offers_starter_questions(web):
    response = web.get("/chat/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "No chats yet" in html
    assert 'name="message" value="What is a budget?"' in html
    assert 'data-stream-url="/api/v1/chat/stream"' in html
    assert "js/chat.js" in html and "css/chat.css" in html


def test_form_without_javascript_asks_and_shows_the_answer(web, learner):
    response = web.post("/chat/", {"message": "What is a budget?"})
    conversation = Conversation.objects.get(user=learner)
    assert response.status_code == 302
    assert response["Location"] == f"/chat/{conversation.pk}/#latest"
    page = web.get(f"/chat/{conversation.pk}/").content.decode()
    assert "What is a budget?" in page
    assert "A budget is simply a plan for your money." in page  # the answer, from the article
    assert f'<a href="/chat/{conversation.pk}/" aria-current="page">' in page  # in the list of chats
    follow_up = web.post(f"/chat/{conversation.pk}/", {"message": "How do I track my spending?"})
    assert follow_up.status_code == 302
    assert conversation.messages.count() == 4


def test_follow_up_suggestions_of_the_last_reply_become_buttons(web, learner):
    web.post("/chat/", {"message": "What is compound interest?"})
    conversation = Conversation.objects.get(user=learner)
    reply = conversation.messages.get(role="assistant")
    html = web.get(f"/chat/{conversation.pk}/").content.decode()
    assert len(reply.suggestions) == 3
    for question in reply.suggestions:
        assert f'name="message" value="{question}"'.replace("'", "&#x27;") in html


def test_too_long_message_is_refused_on_the_page(web):
    response = web.post("/chat/", {"message": "x" * 1001})
    assert response.status_code == 400
    assert not Message.objects.exists()


def test_rate_limit_on_the_page_is_429(web, settings):
    settings.CHAT_RATES = ["1/h"]
    assert web.post("/chat/", {"message": "What is a budget?"}).status_code == 302
    response = web.post("/chat/", {"message": "What is a budget?"})
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()


def test_someone_elses_conversation_is_404(web):
    theirs = MessageFactory(conversation__user=UserFactory(username="other")).conversation
    assert web.get(f"/chat/{theirs.pk}/").status_code == 404
    assert web.post(f"/chat/{theirs.pk}/", {"message": "hi"}).status_code == 404
    assert web.post(f"/chat/{theirs.pk}/delete/").status_code == 404
    assert theirs.messages.count() == 1


def test_messages_are_escaped_never_rendered_as_html(web, learner):
    conversation = ConversationFactory(user=learner, title="<b>title</b>")
    MessageFactory(conversation=conversation, content='<script>alert("x")</script><img src=x onerror=alert(1)>')
    MessageFactory(conversation=conversation, role="assistant", content="<a href='javascript:alert(1)'>hi</a>")
    html = web.get(f"/chat/{conversation.pk}/").content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<a href='javascript" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;title&lt;/b&gt;" in html


def test_delete_removes_the_conversation(web, learner):
    conversation = MessageFactory(conversation__user=learner).conversation
    response = web.post(f"/chat/{conversation.pk}/delete/")
    assert response.status_code == 302
    assert not Conversation.objects.filter(pk=conversation.pk).exists()


def test_page_query_count_is_flat(web, learner, django_assert_max_num_queries):
    conversations = [ConversationFactory(user=learner) for _ in range(40)]
    MessageFactory.create_batch(30, conversation=conversations[0])
    with django_assert_max_num_queries(8):
        response = web.get(f"/chat/{conversations[0].pk}/")
    assert response.status_code == 200
    assert response.content.decode().count('class="bubble') == 30
