"""Messages that need a person get a caring reply with where to find help, reach no model, and are flagged."""

import pytest
from django.utils import translation

from chat import care, services
from chat.models import Message, SafetyFlag

from .test_api import CHAT, STREAM, events


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("i lost all my savings gambling and i want to kill myself", care.SELF_HARM),
        ("sometimes i think about hurting myself", care.SELF_HARM),
        ("dua te vras veten, nuk kam me shprese", care.SELF_HARM),
        ("my stepdad hits me when he is drunk", care.ABUSE),
        ("babai me rreh kur pi", care.ABUSE),
        ("he says he will share my photos if i dont pay him 100 euro", care.THREAT),
        ("someone wants nudes or they'll post my pics", care.THREAT),
        ("nje djale po me kercenon qe do i publikoje fotot", care.THREAT),
        ("i owe my friend 200 and i cant pay it back, im scared", care.DEBT),
        ("kam borxh 20 mije lek dhe nuk ia kthej dot", care.DEBT),
        ("i keep betting on football and losing my pocket money", care.GAMBLING),
        ("kam humbur shume para ne baste", care.GAMBLING),
    ],
)
def test_messages_that_need_a_person_are_recognised(text, reason):
    assert care.reasons(text)[0] == reason


@pytest.mark.parametrize(
    "text",
    [
        "is there good debt and bad debt?",
        "is inflation a threat to my savings?",
        "nuk e paguaj dot kete telefon, si te kursej?",
        "how do i kill time while saving for a phone",
        "what happens if i cant pay my credit card bill in full this month",
        "sa kushton nje bileta per ndeshjen",
        "Pse thonë mos e vër gjithçka në një bast të vetëm?",
        "A mund të postoj foto të kartelës së re në Instagram story?",
        "my friend took a short-term loan and can't pay it back, what happens",
        "Pse thonë që kreditë me fajde janë të rrezikshme?",
        "are loan sharks illegal?",
    ],
)
def test_ordinary_money_questions_are_left_alone(text):
    assert care.reasons(text) == []


@pytest.mark.usefixtures("knowledge", "offline")
class TestCaringReply:
    def test_self_harm_gets_the_helpline_and_a_trusted_adult_and_is_flagged(self, learner):
        answer = services.ask(user=learner, text="I lost my savings betting and I want to kill myself")
        reply = answer.reply
        assert reply.backend == "care"
        assert "116 111" in reply.content and "trusted adult" in reply.content and "112" in reply.content
        assert reply.suggestions == [] and reply.links == []  # no money articles pushed at them
        flag = SafetyFlag.objects.get()
        assert flag.reason == "self_harm" and flag.message == answer.question.message and not flag.handled
        assert flag.text == "I lost my savings betting and I want to kill myself"

    def test_a_threat_points_to_the_police(self, learner):
        reply = services.ask(user=learner, text="a guy is threatening to leak my photos unless i pay").reply
        assert "129" in reply.content and "police" in reply.content and "116 111" in reply.content
        assert SafetyFlag.objects.get().reason == "threat"

    def test_the_flag_holds_the_redacted_text_only(self, learner):
        services.ask(user=learner, text="he has my card 4111 1111 1111 1111 and says he will share my photos")
        flag = SafetyFlag.objects.get()
        assert "4111" not in flag.text and "[card number removed]" in flag.text
        assert "4111" not in Message.objects.get(role="user").content

    def test_albanian_gets_the_reply_in_albanian(self, learner):
        reply = services.ask(user=learner, text="kam borxhe te medha dhe nuk i kthej dot").reply
        with translation.override("sq"):
            expected = care.caring_reply(care.DEBT)
        assert reply.content == expected
        assert "116 111" in reply.content and "Owing money" not in reply.content

    def test_it_is_streamed_the_same(self, auth_api):
        received = events(auth_api.post(STREAM, {"message": "my mum beats me"}, format="json"))
        text = "".join(data["token"] for name, data in received if name == "message")
        assert "116 111" in text and received[-1][0] == "done"
        assert SafetyFlag.objects.get().reason == "abuse"


@pytest.mark.usefixtures("knowledge")
def test_no_model_hears_a_message_that_needs_a_person(learner, llm, auth_api):
    body = auth_api.post(CHAT, {"message": "i want to end my life"}, format="json").json()
    assert "116 111" in body["reply"]
    assert llm.requests == []
    assert Message.objects.get(role="assistant").backend == "care"
