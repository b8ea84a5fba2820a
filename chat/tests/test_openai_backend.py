"""FinBot through a real OpenAI-compatible HTTP server on 127.0.0.1 (chat/tests/llm_server.py)."""

import pytest

from chat.backends import get_backend
from chat.backends.openai_api import OpenAIBackend
from chat.models import Message

from .test_api import CHAT, STREAM, events

pytestmark = pytest.mark.usefixtures("knowledge")


def test_key_selects_the_openai_backend(llm, settings):
    assert isinstance(get_backend(), OpenAIBackend)
    settings.CHAT_API_KEY = ""
    assert get_backend().name == "offline"


def test_plain_reply_comes_from_the_model(auth_api, llm, learner):
    response = auth_api.post(CHAT, {"message": "How can I save for a new phone?"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["reply"] == llm.answer
    reply = Message.objects.get(pk=body["message_id"])
    assert (reply.backend, reply.tokens, reply.content) == ("openai", 12, llm.answer)
    sent = llm.requests[0]
    assert sent["model"] == "test-model"
    assert not sent.get("stream")
    assert llm.headers[0]["authorization"] == "Bearer test-key"
    system, question = sent["messages"][0], sent["messages"][-1]
    assert system["role"] == "system"
    assert "FinBot" in system["content"] and "teenagers" in system["content"]
    assert "How do I save for a new phone?" in system["content"]  # the retrieved article as context
    assert question == {"role": "user", "content": "How can I save for a new phone?"}


def test_streamed_reply_arrives_in_pieces(auth_api, llm):
    response = auth_api.post(STREAM, {"message": "What is a budget?"}, format="json", HTTP_ACCEPT="text/event-stream")
    received = events(response)
    tokens = [data["token"] for name, data in received if name == "message"]
    assert len(tokens) == len(llm.answer.split(" "))
    assert "".join(tokens) == llm.answer
    name, done = received[-1]
    assert name == "done"
    reply = Message.objects.get(pk=done["message_id"])
    assert (reply.content, reply.backend) == (llm.answer, "openai")
    assert llm.requests[0]["stream"] is True


def test_history_sends_the_last_turns_of_the_conversation(auth_api, llm):
    first = auth_api.post(CHAT, {"message": "What is a budget?"}, format="json").json()
    for n in range(6):
        auth_api.post(CHAT, {"message": f"Follow-up {n}", "conversation_id": first["conversation_id"]}, format="json")
    sent = llm.requests[-1]["messages"]
    assert sent[-1] == {"role": "user", "content": "Follow-up 5"}
    history = sent[1:-1]
    assert len(history) == 10
    assert history[-1] == {"role": "assistant", "content": llm.answer}
    assert {"role": "user", "content": "What is a budget?"} not in history  # older than ten turns


def test_upstream_error_is_502_and_the_question_is_kept(auth_api, llm, learner):
    llm.mode = "error"
    response = auth_api.post(CHAT, {"message": "What is a budget?"}, format="json")
    assert response.status_code == 502
    assert "saved" in response.json()["detail"]
    stored = Message.objects.get(conversation__user=learner)
    assert (stored.role, stored.content, stored.status) == ("user", "What is a budget?", "failed")
    assert len(llm.requests) == 1  # max_retries 0


def test_timeout_is_504_and_the_question_is_kept(auth_api, llm, learner, settings):
    settings.CHAT_TIMEOUT_SECONDS = 0.3
    llm.mode, llm.delay = "slow", 3
    response = auth_api.post(CHAT, {"message": "What is inflation?"}, format="json")
    assert response.status_code == 504
    assert "detail" in response.json()
    stored = Message.objects.get(conversation__user=learner)
    assert (stored.role, stored.content, stored.status) == ("user", "What is inflation?", "failed")
    assert not Message.objects.filter(role="assistant").exists()


def test_stream_failure_is_an_error_event_and_the_question_is_kept(auth_api, llm, learner):
    llm.mode = "error"
    response = auth_api.post(STREAM, {"message": "What is a budget?"}, format="json")
    assert response.status_code == 200
    name, data = events(response)[-1]
    assert name == "error"
    assert data["status"] == 502
    assert data["detail"]
    assert Message.objects.get(conversation__user=learner).content == "What is a budget?"


def test_stream_timeout_is_an_error_event_with_504(auth_api, llm, settings):
    settings.CHAT_TIMEOUT_SECONDS = 0.3
    llm.mode, llm.delay = "slow", 3
    name, data = events(auth_api.post(STREAM, {"message": "What is a budget?"}, format="json"))[-1]
    assert (name, data["status"]) == ("error", 504)


def test_private_data_never_reaches_the_model(auth_api, llm, learner):
    body = auth_api.post(CHAT, {"message": "my pin is 4321, what now?"}, format="json").json()
    assert "PIN" in body["reply"]
    assert llm.requests == []
    assert Message.objects.get(conversation__user=learner, role="user").content == "my pin is [PIN removed], what now?"
    # Later turns send the history, which holds the redacted text only.
    auth_api.post(CHAT, {"message": "What is a budget?", "conversation_id": body["conversation_id"]}, format="json")
    assert "4321" not in str(llm.requests[0])


@pytest.mark.parametrize(
    "message",
    ["call me on 069 212 3456 about saving", "my email is ana@example.com", "my ID is J05101999A, is it safe?"],
)
def test_contact_details_and_id_numbers_never_reach_the_model(auth_api, llm, message):
    body = auth_api.post(CHAT, {"message": message}, format="json").json()
    assert body["reply"].startswith("Hold on!")
    assert llm.requests == []


def test_the_model_gets_the_retrieved_articles_for_the_question(auth_api, llm):
    auth_api.post(CHAT, {"message": "how does compound interest make my savings grow"}, format="json")
    system = llm.requests[0]["messages"][0]["content"]
    assert "### What is compound interest?" in system
    assert "interest on your interest" in system


def test_a_guest_is_answered_by_the_model_too(api, llm):
    body = api.post(CHAT, {"message": "What is a budget?"}, format="json").json()
    assert body["reply"] == llm.answer
    assert [m["role"] for m in llm.requests[0]["messages"]] == ["system", "user"]  # no one else's turns
