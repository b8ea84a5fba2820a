"""The offline backend answers from the editors' articles and links the platform's games and videos."""

import pytest

from chat import retrieval, services
from chat.backends.offline import OfflineBackend, compose, pieces
from core.content import import_content
from games.tests.factories import GameFactory

pytestmark = pytest.mark.usefixtures("knowledge", "offline")


def test_answer_is_built_from_the_best_article(learner):
    answer = services.ask(user=learner, text="how can my savings grow with compound interest?")
    text = answer.reply.content
    assert text.startswith("Compound interest")  # the article's own sentences answer it
    assert "“What is compound interest?”" not in text  # no "here's the short version of …" opener
    assert "Want to dig deeper? Ask me:" in text
    assert answer.reply.backend == "offline"
    assert len(answer.reply.suggestions) == 3
    assert "What is compound interest?" not in answer.reply.suggestions


def test_sentences_that_answer_the_question_are_quoted(learner):
    context = retrieval.context_for("what happens if I only pay the minimum on my credit card?")
    assert context.articles[0].slug == "what-is-the-minimum-payment-trap"
    quoted = " ".join(context.sentences)
    assert "minimum" in quoted.lower()
    assert len(context.sentences) <= 3


def test_related_published_game_is_linked():
    game = GameFactory(slug="budget-basics", title="Budget basics", category="budgeting")
    GameFactory(slug="secret-budget", title="Budget secrets", category="budgeting", is_published=False)
    GameFactory(slug="crypto-myths", title="Crypto myths", category="crypto")
    context = retrieval.context_for("what is a budget?")
    assert [link.as_dict() for link in context.games] == [
        {"kind": "game", "title": "Budget basics", "url": game.get_absolute_url()}
    ]
    assert "🎮 Practise it: play “Budget basics”." in compose("what is a budget?", context)


def test_unrelated_game_is_not_linked():
    GameFactory(slug="crypto-myths", title="Crypto myths", description="Bitcoin and coins.", category="crypto")
    assert retrieval.context_for("what is a budget?").games == []


def test_related_video_is_linked():
    import_content(
        {
            "videos": [
                {
                    "slug": "what-is-compound-interest",
                    "title": "What is compound interest?",
                    "description": "When your interest starts earning interest, your savings snowball.",
                    "url": "/static/demo/videos/what-is-compound-interest.mp4",
                    "duration_seconds": 8,
                    "category": "saving",
                    "tags": ["saving", "interest"],
                    "xp_reward": 10,
                },
                {
                    "slug": "spot-a-scam",
                    "title": "Spot a scam",
                    "description": "Phishing messages and fake shops.",
                    "url": "/static/demo/videos/spot-a-scam.mp4",
                    "duration_seconds": 8,
                    "category": "safety",
                    "tags": ["scams"],
                    "xp_reward": 10,
                },
            ]
        }
    )
    context = retrieval.context_for("how does compound interest work?")
    assert [link.title for link in context.videos] == ["What is compound interest?"]
    assert context.videos[0].url.startswith("/videos/")


def test_unknown_question_is_honest_and_offers_three_topics():
    context = retrieval.context_for("who won the football world cup?")
    assert context.articles == []
    text = compose("who won the football world cup?", context)
    assert text.startswith("I don't know that one yet")
    assert "football world cup" in text
    assert len(context.suggestions) == 3
    assert all(f"“{topic}”" in text for topic in context.suggestions)


def test_greeting_gets_a_greeting():
    context = retrieval.context_for("hi there!")
    text = compose("hi there!", context)
    assert text.startswith("Hi! 👋 I'm FinBot.")
    assert len(context.suggestions) == 3


def test_stream_pieces_make_the_same_reply():
    context = retrieval.context_for("What is inflation?")
    backend = OfflineBackend()
    streamed = list(backend.stream("What is inflation?", [], context))
    assert len(streamed) > 10
    assert "".join(streamed) == backend.reply("What is inflation?", [], context).text
    assert "".join(pieces("a  b\nc")) == "a  b\nc"


def test_starter_questions_are_editor_titles():
    assert retrieval.starter_questions() == [
        "What is a budget?",
        "What is compound interest?",
        "How do I spot a phishing message?",
        "What's the difference between a debit card and a credit card?",
    ]
