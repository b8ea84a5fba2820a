"""The old mobile app asks FinBot without an account: answered as a guest, stored without a user, rate-limited."""

import pytest
import requests

from chat.models import Conversation, Message, SafetyFlag

from .test_api import CHAT, STREAM, events

pytestmark = pytest.mark.usefixtures("knowledge", "offline")


def test_the_old_app_gets_a_reply_over_real_http(live_server):
    response = requests.post(f"{live_server.url}{CHAT}", data={"message": "what is compound interest"}, timeout=10)
    assert response.status_code == 200
    assert response.json()["reply"].startswith("Compound interest")
    conversation = Conversation.objects.get()
    assert conversation.user is None
    assert list(conversation.messages.values_list("role", flat=True)) == ["user", "assistant"]


def test_a_guest_earns_nothing_and_cannot_continue_a_conversation(api):
    body = api.post(CHAT, {"message": "What is a budget?"}, format="json").json()
    assert body["rewards"]["xp"] == 0 and body["rewards"]["level"] == 0
    again = api.post(CHAT, {"message": "and saving?", "conversation_id": body["conversation_id"]}, format="json")
    assert again.status_code == 404 and "detail" in again.json()
    assert Message.objects.count() == 2  # nothing stored for the refused one


def test_a_guest_cannot_reach_a_learners_conversation(api, auth_api):
    mine = auth_api.post(CHAT, {"message": "What is a budget?"}, format="json").json()["conversation_id"]
    response = api.post(CHAT, {"message": "hi", "conversation_id": mine}, format="json")
    assert response.status_code == 404
    assert Conversation.objects.get(pk=mine).messages.count() == 2


def test_a_streamed_answer_works_for_guests(api):
    received = events(api.post(STREAM, {"message": "how does a credit card work"}, format="json"))
    assert received[-1][0] == "done"
    assert Conversation.objects.get().user is None


def test_guests_get_the_same_safety_rules(api, llm):
    body = api.post(CHAT, {"message": "my pin is 4321"}, format="json").json()
    assert "[PIN removed]" in body["question"]
    assert api.post(CHAT, {"message": "someone is blackmailing me with my photos"}, format="json").status_code == 200
    assert SafetyFlag.objects.get().reason == "threat"
    assert llm.requests == []


def test_guests_are_limited_per_client_address(api, settings):
    settings.GUEST_CHAT_RATE = "2/h"  # an hour: fixed windows, no boundary mid-test
    for _ in range(2):
        assert (
            api.post(CHAT, {"message": "What is a budget?"}, format="json", REMOTE_ADDR="10.0.0.1").status_code == 200
        )
    refused = api.post(CHAT, {"message": "What is a budget?"}, format="json", REMOTE_ADDR="10.0.0.1")
    assert refused.status_code == 429 and "detail" in refused.json()
    assert api.post(CHAT, {"message": "What is a budget?"}, format="json", REMOTE_ADDR="10.0.0.2").status_code == 200
    assert Message.objects.filter(role="user").count() == 3


@pytest.mark.parametrize(
    ("message", "status"),
    [("", 400), ("   \n\t ", 400), ("x" * 10_000, 400), ("😂😂😂", 200), ("🤑 💸 ❓", 200)],
)
def test_bad_input_is_a_clear_400_or_an_answer(api, message, status):
    response = api.post(CHAT, {"message": message}, format="json")
    assert response.status_code == status
    if status == 400:
        assert "detail" in response.json() and Message.objects.count() == 0
    else:
        assert response.json()["reply"]
