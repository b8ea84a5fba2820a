"""Which language FinBot answers in (chat/language.py)."""

import pytest
from django.utils import translation

from accounts.tests.factories import UserFactory
from chat import language


@pytest.mark.parametrize(
    "text",
    [
        "si te kursej per nje biciklete",
        "cfare eshte buxheti",
        "Çfarë është inflacioni?",
        "a eshte bitcoin i sigurt",
        "pse me hoqi banka para nga llogaria",
        "s'kam para per fundjaven",
        "buxheti?",  # one word, but only Albanian has it
        "kursime",
        "tung",
        "PIN-i im është 1234",
    ],
)
def test_albanian_is_recognised_with_or_without_diacritics(text):
    assert language.detect(text) == "sq"


@pytest.mark.parametrize(
    "text",
    [
        "What is a budget?",
        "what's the difference between gross and net pay?",
        "I'm saving for a phone",
        "how much should I save per month",
        "Is AI good for investing?",
        "what is buxheti",  # English around one Albanian word
        "asdf qwerty and stuff",
    ],
)
def test_english_is_recognised(text):
    assert language.detect(text) == "en"


@pytest.mark.parametrize("text", ["ETF?", "ok", "hi", "thanks!", "😊", "1234", "bitcoin"])
def test_too_short_or_unclear_is_undecided(text):
    assert language.detect(text) is None


def test_word_lists_do_not_overlap():
    assert not language.ALBANIAN_WORDS & language.ENGLISH_WORDS


@pytest.mark.django_db
def test_unclear_question_falls_back_to_the_learners_language():
    assert language.reply_language("ETF?", user=UserFactory(username="arta", language="sq")) == "sq"
    assert language.reply_language("ETF?", user=UserFactory(username="ben", language="en")) == "en"


@pytest.mark.django_db
def test_without_a_chosen_language_the_request_language_decides():
    learner = UserFactory(username="dea", language="")
    with translation.override("sq"):
        assert language.reply_language("ok", user=learner) == "sq"
    with translation.override("en-us"):
        assert language.learner_language(learner) == "en"
    with translation.override("de"):
        assert language.learner_language(learner) == "en"  # unsupported: the default


@pytest.mark.django_db
def test_a_plain_question_wins_over_the_learners_language():
    albanian_learner = UserFactory(username="arta", language="sq")
    english_learner = UserFactory(username="ben", language="en")
    assert language.reply_language("How do I open a bank account?", user=albanian_learner) == "en"
    assert language.reply_language("si ta hap nje llogari ne banke?", user=english_learner) == "sq"


def test_links_name_the_reply_language_unless_both_are_the_default():
    assert language.link_language(reply="sq", learner="sq") == "sq"
    assert language.link_language(reply="sq", learner="en") == "sq"
    assert language.link_language(reply="en", learner="sq") == "en"
    assert language.link_language(reply="en", learner="en") is None
