"""FinBot finds the right article for the questions learners ask (demo knowledge.json)."""

import pytest

from chat import retrieval
from chat.models import KnowledgeArticle

# Each learner question, phrased as a teen would, and the article that must come first.
QUESTIONS = [
    ("what's a budget and why would I need one?", "what-is-a-budget"),
    ("how does the 50 30 20 rule split my money?", "what-is-the-50-30-20-rule"),
    ("how can my savings grow with compound interest?", "what-is-compound-interest"),
    ("why do prices keep going up every year?", "what-is-inflation"),
    ("Should I get a debit card or a credit card?", "debit-card-vs-credit-card"),
    ("what happens if I only pay the minimum on my credit card bill?", "what-is-the-minimum-payment-trap"),
    ("How is my credit score worked out?", "what-is-a-credit-score"),
    ("Is buy now pay later safe to use?", "is-buy-now-pay-later-a-good-idea"),
    ("Is bitcoin a good investment?", "is-crypto-risky"),
    ("I got a weird email asking me to click a link and log in, is it fake?", "how-do-i-spot-a-phishing-message"),
    ("someone offered me cash to let them send money through my account", "what-is-a-money-mule"),
    ("what's the difference between gross and net pay?", "what-is-gross-pay-vs-net-pay"),
    ("why does the government make us pay taxes?", "why-do-we-pay-taxes"),
    ("how do I open a bank account for the first time?", "how-do-i-open-my-first-bank-account"),
    ("how does tapping my card to pay work?", "how-do-contactless-payments-work"),
    ("should I put all my eggs in one basket when investing?", "what-is-diversification"),
    ("my streaming subscriptions are eating my money", "how-do-subscriptions-add-up"),
    ("how can I save up for a new phone?", "how-do-i-save-for-a-new-phone"),
    ("do I need money put aside for emergencies?", "what-is-an-emergency-fund"),
    ("my friends always want to spend money, how do I say no?", "how-do-i-handle-peer-pressure-to-spend"),
]

UNRELATED = [
    "what's the weather like in Paris today?",
    "who won the football world cup?",
    "how do I bake chocolate chip cookies?",
    "asdf qwerty",
]


def _first(question: str) -> str | None:
    hits = retrieval.search_articles(question)
    return hits[0].article.slug if hits else None


@pytest.mark.parametrize(("question", "slug"), QUESTIONS)
def test_question_surfaces_its_article_first(knowledge, question, slug):
    assert KnowledgeArticle.objects.count() == 55
    assert _first(question) == slug


@pytest.mark.parametrize("question", UNRELATED)
def test_unrelated_question_finds_nothing(knowledge, question):
    assert retrieval.search_articles(question) == []


@pytest.mark.postgres
@pytest.mark.parametrize(("question", "slug"), QUESTIONS)
def test_question_surfaces_its_article_first_with_postgres_full_text_search(knowledge, question, slug):
    assert _first(question) == slug


@pytest.mark.postgres
@pytest.mark.parametrize("question", UNRELATED)
def test_unrelated_question_finds_nothing_with_postgres_full_text_search(knowledge, question):
    assert retrieval.search_articles(question) == []


def test_unpublished_articles_are_never_found(knowledge):
    KnowledgeArticle.objects.filter(slug="what-is-a-money-mule").update(published=False)
    assert _first("someone offered me cash to let them send money through my account") != "what-is-a-money-mule"


def test_publishing_changes_take_effect_at_once_even_when_the_count_stays(knowledge):
    from chat import services

    question = "someone offered me cash to let them send money through my account"
    articles = KnowledgeArticle.objects
    services.set_published(articles=articles.filter(slug="what-is-a-bond"), published=False)
    assert _first(question) == "what-is-a-money-mule"
    # One back, one out: as many published as before, so only `updated_at` shows the change.
    services.set_published(articles=articles.filter(slug="what-is-a-bond"), published=True)
    services.set_published(articles=articles.filter(slug="what-is-a-money-mule"), published=False)
    assert _first(question) != "what-is-a-money-mule"
