"""FinBot's API: the contract shapes, the old mobile app's request, ownership, limits."""

import json

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from achievements.models import UserStat
from chat.models import Conversation, Message
from conftest import client_for

from .factories import ConversationFactory, MessageFactory

CHAT = "/api/v1/chat/"
STREAM = "/api/v1/chat/stream"
CONVERSATIONS = "/api/v1/chat/conversations"


def events(response) -> list[tuple[str, dict]]:
    """(event, data) pairs of a server-sent event stream; plain `data:` events are "message"."""
    body = b"".join(response.streaming_content).decode()
    parsed = []
    for frame in body.split("\n\n"):
        if not frame.strip():
            continue
        name, data = "message", None
        for line in frame.split("\n"):
            if line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: "):
                data = json.loads(line[len("data: ") :])
        parsed.append((name, data))
    return parsed


@pytest.mark.usefixtures("knowledge", "offline")
class TestAsk:
    def test_old_mobile_app_sends_only_message_and_reads_reply(self, auth_api):
        response = auth_api.post(CHAT, {"message": "What is compound interest?"}, format="json")
        assert response.status_code == 200, response.content
        body = response.json()
        assert "compound interest" in body["reply"].lower()
        assert set(body) >= {"reply", "conversation_id", "message_id", "suggestions"}
        assert len(body["suggestions"]) == 3

    def test_form_encoded_message_works_too(self, auth_api):
        response = auth_api.post(CHAT, {"message": "What is a budget?"}, format="multipart")
        assert response.status_code == 200, response.content
        assert "budget" in response.json()["reply"].lower()
        form = auth_api.post(CHAT, "message=What+is+a+budget%3F", content_type="application/x-www-form-urlencoded")
        assert form.status_code == 200, form.content
        assert form.json()["reply"]

    def test_path_without_trailing_slash_answers_too(self, auth_api):
        assert auth_api.post("/api/v1/chat", {"message": "What is a budget?"}, format="json").status_code == 200

    def test_reply_and_question_are_stored_in_one_conversation(self, auth_api, learner):
        first = auth_api.post(CHAT, {"message": "What is a budget?"}, format="json").json()
        second = auth_api.post(
            CHAT, {"message": "How do I track my spending?", "conversation_id": first["conversation_id"]}, format="json"
        ).json()
        assert second["conversation_id"] == first["conversation_id"]
        conversation = Conversation.objects.get(user=learner)
        assert conversation.title == "What is a budget?"
        roles = list(conversation.messages.values_list("role", "backend"))
        assert roles == [("user", ""), ("assistant", "offline"), ("user", ""), ("assistant", "offline")]
        reply = Message.objects.get(pk=second["message_id"])
        assert reply.content == second["reply"]
        assert reply.suggestions == second["suggestions"]

    def test_answer_carries_rewards_block(self, auth_api):
        body = auth_api.post(CHAT, {"message": "What is a budget?"}, format="json").json()
        assert set(body["rewards"]) == {"xp", "coins", "level", "level_up", "achievements", "daily_quests"}

    def test_unknown_question_is_answered_honestly_with_topics(self, auth_api):
        body = auth_api.post(CHAT, {"message": "How do I bake chocolate chip cookies?"}, format="json").json()
        assert body["reply"].startswith("I don't know that one yet")
        assert "cookies" in body["reply"]
        assert 1 <= len(body["suggestions"]) <= 3  # the closest (at most two), or three topics to start with
        for topic in body["suggestions"]:
            assert f"“{topic}”" in body["reply"]

    def test_empty_and_too_long_messages_are_refused(self, auth_api):
        assert auth_api.post(CHAT, {"message": "   "}, format="json").status_code == 400
        response = auth_api.post(CHAT, {"message": "a" * 1001}, format="json")
        assert response.status_code == 400
        assert "message" in response.json()
        assert auth_api.post(CHAT, {"message": "a" * 1000}, format="json").status_code == 200
        assert Message.objects.filter(role="user").count() == 1

    def test_history_needs_an_account(self, api):
        assert api.get(CONVERSATIONS).status_code == 401

    def test_a_bad_token_is_401_not_a_guest(self, api):
        api.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
        assert api.post(CHAT, {"message": "hi"}, format="json").status_code == 401
        assert api.post(STREAM, {"message": "hi"}, format="json").status_code == 401
        assert Message.objects.count() == 0

    def test_question_moves_the_chat_questions_stat(self, auth_api, learner):
        auth_api.post(CHAT, {"message": "What is a budget?"}, format="json")
        auth_api.post(CHAT, {"message": "What is inflation?"}, format="json")
        assert UserStat.objects.get(user=learner, metric="chat_questions").value == 2

    def test_card_number_is_redacted_and_explained(self, auth_api, learner):
        body = auth_api.post(CHAT, {"message": "my card is 4111 1111 1111 1111, is it safe?"}, format="json").json()
        assert "card number" in body["reply"]
        assert "never" in body["reply"].lower()
        stored = Message.objects.get(conversation__user=learner, role="user")
        assert "4111" not in stored.content
        assert stored.flagged
        assert "4111" not in Conversation.objects.get(user=learner).title
        assert Message.objects.get(pk=body["message_id"]).backend == "safety"


@pytest.mark.usefixtures("knowledge", "offline")
class TestOwnership:
    def test_someone_elses_conversation_is_404_everywhere(self, auth_api):
        theirs = MessageFactory(conversation__user=UserFactory(username="other")).conversation
        url = f"{CONVERSATIONS}/{theirs.pk}"
        assert auth_api.get(url).status_code == 404
        assert auth_api.delete(url).status_code == 404
        response = auth_api.post(CHAT, {"message": "What is a budget?", "conversation_id": theirs.pk}, format="json")
        assert response.status_code == 404
        assert response.json() == {"detail": "No such conversation."}
        assert Conversation.objects.filter(pk=theirs.pk).exists()
        assert theirs.messages.count() == 1

    def test_own_conversation_is_shown_with_its_messages_and_can_be_deleted(self, auth_api):
        first = auth_api.post(CHAT, {"message": "What is a budget?"}, format="json").json()
        url = f"{CONVERSATIONS}/{first['conversation_id']}"
        detail = auth_api.get(url).json()
        assert [m["role"] for m in detail["messages"]] == ["user", "assistant"]
        assert detail["messages"][1]["content"] == first["reply"]
        assert auth_api.delete(url).status_code == 204
        assert auth_api.get(url).status_code == 404
        assert not Message.objects.exists()

    def test_list_is_own_newest_first_and_paginated(self, auth_api, learner, django_assert_max_num_queries):
        older = ConversationFactory(user=learner, title="older")
        ConversationFactory.create_batch(3, user=UserFactory(username="someone"))
        auth_api.post(CHAT, {"message": "What is a budget?"}, format="json")
        body = auth_api.get(CONVERSATIONS).json()
        assert body["count"] == 2
        assert [c["title"] for c in body["results"]] == ["What is a budget?", "older"]
        assert body["results"][0]["message_count"] == 2
        assert {"next", "previous"} <= set(body)
        assert older.pk in [c["id"] for c in body["results"]]

    def test_list_query_count_is_flat(self, auth_api, learner, django_assert_max_num_queries):
        for _ in range(25):
            MessageFactory.create_batch(2, conversation=ConversationFactory(user=learner))
        with django_assert_max_num_queries(4):
            body = auth_api.get(CONVERSATIONS).json()
        assert body["count"] == 25
        assert len(body["results"]) == 20

    def test_detail_query_count_is_flat(self, auth_api, learner, django_assert_max_num_queries):
        conversation = ConversationFactory(user=learner)
        MessageFactory.create_batch(40, conversation=conversation)
        with django_assert_max_num_queries(4):
            body = auth_api.get(f"{CONVERSATIONS}/{conversation.pk}").json()
        assert len(body["messages"]) == 40


@pytest.mark.usefixtures("knowledge", "offline")
class TestRateLimit:
    def test_questions_over_the_rate_are_429_and_not_stored(self, auth_api, settings):
        settings.CHAT_RATES = ["3/h"]  # an hour: fixed windows, no boundary mid-test
        codes = [auth_api.post(CHAT, {"message": "What is a budget?"}, format="json").status_code for _ in range(3)]
        assert codes == [200, 200, 200]
        refused = auth_api.post(CHAT, {"message": "What is a budget?"}, format="json")
        assert refused.status_code == 429
        assert "detail" in refused.json()
        assert auth_api.post(STREAM, {"message": "What is a budget?"}, format="json").status_code == 429
        assert Message.objects.filter(role="user").count() == 3

    def test_rate_is_per_learner(self, auth_api, settings):
        settings.CHAT_RATES = ["1/h"]
        assert auth_api.post(CHAT, {"message": "What is a budget?"}, format="json").status_code == 200
        other = client_for(UserFactory(username="friend"))
        assert other.post(CHAT, {"message": "What is a budget?"}, format="json").status_code == 200


@pytest.mark.usefixtures("knowledge", "offline")
class TestStream:
    def test_stream_sends_tokens_then_done_with_the_ids(self, auth_api, learner):
        response = auth_api.post(
            STREAM, {"message": "What is compound interest?"}, format="json", HTTP_ACCEPT="text/event-stream"
        )
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/event-stream")
        received = events(response)
        tokens = [data["token"] for name, data in received if name == "message"]
        assert len(tokens) > 5
        name, done = received[-1]
        assert name == "done"
        assert set(done) >= {"conversation_id", "message_id", "suggestions"}
        reply = Message.objects.get(pk=done["message_id"], conversation__user=learner)
        assert reply.content == "".join(tokens).strip()
        assert "compound interest" in reply.content.lower()

    def test_stream_accepts_form_encoded_input(self, auth_api):
        response = auth_api.post(STREAM, {"message": "What is a budget?"}, format="multipart")
        assert events(response)[-1][0] == "done"

    def test_bad_input_before_the_stream_is_a_json_error(self, auth_api):
        response = auth_api.post(STREAM, {"message": ""}, format="json", HTTP_ACCEPT="text/event-stream")
        assert response.status_code == 400
        assert "message" in response.json()

    def test_stream_of_a_card_number_explains_instead(self, auth_api, learner):
        response = auth_api.post(STREAM, {"message": "pay with 4242 4242 4242 4242"}, format="json")
        received = events(response)
        text = "".join(data["token"] for name, data in received if name == "message")
        assert "card number" in text
        assert received[-1][1]["question"] == "pay with [card number removed]"
        assert not Message.objects.filter(content__contains="4242").exists()


@pytest.mark.usefixtures("knowledge", "offline")
def test_export_holds_the_learners_chats(auth_api, learner):
    auth_api.post(CHAT, {"message": "What is a budget?"}, format="json")
    MessageFactory(conversation__user=UserFactory(username="other"), content="not mine")
    export = auth_api.get(reverse("users-me-export")).json()
    conversations = export["chat"]["conversations"]
    assert len(conversations) == 1
    assert [m["role"] for m in conversations[0]["messages"]] == ["user", "assistant"]
    assert "not mine" not in json.dumps(export)
