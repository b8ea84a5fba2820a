"""FinBot finds the right article for the questions learners ask, and knows when it does not know.

The evaluation sets (`chat/eval_sets/`, `manage.py finbot_eval`) are the measure: teen-typed
questions in English and Albanian against the demo articles, on whichever database the
suite runs (one ranking in Python on every database: CI runs PostgreSQL, a laptop
SQLite). The product's target holds on both main sets: 95 % top-1 and no off-topic
question answered. The held-out sets are not tuned against; they only must not fall
below where they stand.
"""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chat import evaluation, retrieval, services
from chat.models import KnowledgeArticle

# The product's target on the main sets (finbot_eval's); wrong answers are capped as well.
TARGET = 0.95
WRONG = {"en": 5, "sq": 4}
# Where the held-out sets stand (en 86.7 %, sq 76.0 %), less one question's slack.
HOLDOUT_FLOORS = {"en": 0.84, "sq": 0.72}
# Answered, or the right article among the two offered when FinBot does not know.
FOUND_OR_OFFERED = 0.9


@pytest.mark.parametrize("language", evaluation.LANGUAGES)
def test_the_evaluation_set_meets_the_target(knowledge, language):
    score = evaluation.evaluate(language)
    assert score.questions >= {"en": 150, "sq": 60}[language]
    assert score.top1 >= TARGET, [miss for miss in score.misses if miss.expected]
    assert score.wrong <= WRONG[language]
    assert score.off_topic_answered == 0, [miss for miss in score.misses if not miss.expected]
    assert (score.right + score.suggested) / score.questions >= FOUND_OR_OFFERED


@pytest.mark.parametrize("language", evaluation.LANGUAGES)
def test_the_held_out_sets_hold_their_level(knowledge, language):
    score = evaluation.evaluate(language, holdout=True)
    assert score.top1 >= HOLDOUT_FLOORS[language], [miss for miss in score.misses if miss.expected]


def test_every_set_question_names_a_demo_article_and_none_is_an_articles_own(knowledge):
    slugs = set(KnowledgeArticle.objects.values_list("slug", flat=True))
    own = {
        text.lower().strip(" ?")
        for title_en, title_sq, asked_en, asked_sq in KnowledgeArticle.objects.values_list(
            "title_en", "title_sq", "questions_en", "questions_sq"
        )
        for text in [title_en, title_sq, *asked_en, *asked_sq]
    }
    for language in evaluation.LANGUAGES:
        for holdout in (False, True):
            questions = evaluation.load(language, holdout=holdout)["questions"]
            assert {item["slug"] for item in questions} <= slugs
            assert not [item["q"] for item in questions if item["q"].lower().strip(" ?") in own]


def test_finbot_eval_prints_the_table_and_the_misses_and_fails_below_the_target(knowledge, capsys):
    with pytest.raises(CommandError, match="Below the target"):
        call_command("finbot_eval", "--language", "en", "--target", "1.0")
    out = capsys.readouterr().out
    assert "en main" in out and "en holdout" in out and "top-1" in out
    assert "wanted " in out  # the misses, each with what it found


def test_finbot_eval_passes_when_the_target_is_met(knowledge, capsys):
    call_command(
        "finbot_eval", "--language", "sq", "--no-holdout", "--target", "0.5", "--max-off-topic", "10", "--quiet"
    )
    out = capsys.readouterr().out
    assert "meets the target" in out and "wanted " not in out


@pytest.mark.parametrize(
    ("question", "slug"),
    [
        ("how does the 50 30 20 rule split my money?", "what-is-the-50-30-20-rule"),
        ("whats the diffrence between a debit and credit card", "debit-card-vs-credit-card"),  # typos
        ("is bitcoin a good investment?", "is-crypto-risky"),  # a brand for the article's word
        ("is a new hoodie a need or a want", "what-is-the-difference-between-needs-and-wants"),  # not stop words
        # The topic in other words (chat/concepts.py).
        ("my account says -20 after i bought lunch, how", "what-is-an-overdraft"),
        ("a bus ticket was 1 euro five years ago and now its 1.50, why", "what-is-inflation"),
        ("a stranger online wants to send money to my account and i send it on, is that ok", "what-is-a-money-mule"),
        ("my bank charged me 3 for a new card", "what-bank-fees-should-i-watch-out-for"),
    ],
)
def test_question_surfaces_its_article_first(knowledge, question, slug):
    assert retrieval.search_articles(question)[0].article.slug == slug


@pytest.mark.parametrize(
    "question",
    [
        "who won the football world cup?",
        "asdf qwerty",
        "whats a good free stock photo site",
        "😂😂😂",
        # No money word: a word an article shares is not enough.
        "how do i teach my dog a new trick",
        # A money word in another sense.
        "what's the share button on the xbox controller for",
        "when is the next bank holiday",
    ],
)
def test_unrelated_question_gets_no_answer(knowledge, question):
    assert retrieval.search_articles(question) == []


def test_a_number_alone_does_not_pick_the_article(knowledge):
    found = retrieval.search("i get 20 a week, what should i do with my pocket money")
    assert found.answers[0].article.slug == "how-should-i-manage-my-pocket-money"


def test_without_an_answer_the_closest_two_are_offered_and_never_quoted(knowledge):
    context = retrieval.context_for("why does my bank want a selfie")
    assert context.articles == [] and context.near_misses
    assert len(context.suggestions) <= 2
    from chat.backends.offline import compose

    text = compose("why does my bank want a selfie", context)
    assert text.startswith("I don't know that one yet")
    assert "The closest I know about" in text


def test_unpublished_articles_are_never_found(knowledge):
    question = "someone offered me cash to let them send money through my account"
    assert retrieval.search_articles(question)[0].article.slug == "what-is-a-money-mule"
    KnowledgeArticle.objects.filter(slug="what-is-a-money-mule").update(published=False)
    assert [hit.article.slug for hit in retrieval.search_articles(question)][:1] != ["what-is-a-money-mule"]


def test_publishing_changes_take_effect_at_once_even_when_the_count_stays(knowledge):
    question = "someone offered me cash to let them send money through my account"
    articles = KnowledgeArticle.objects
    services.set_published(articles=articles.filter(slug="what-is-a-bond"), published=False)
    assert retrieval.search_articles(question)[0].article.slug == "what-is-a-money-mule"
    # One back, one out: as many published as before, so only `updated_at` shows the change.
    services.set_published(articles=articles.filter(slug="what-is-a-bond"), published=True)
    services.set_published(articles=articles.filter(slug="what-is-a-money-mule"), published=False)
    assert [hit.article.slug for hit in retrieval.search_articles(question)][:1] != ["what-is-a-money-mule"]


@pytest.mark.parametrize(
    ("off_topic", "on_topic", "slug"),
    [
        (
            "si ta hap nje llogari ne snapchat",
            "si ta hap llogarine e pare ne banke",
            "how-do-i-open-my-first-bank-account",
        ),
        ("sa pike me duhen per levelin tjeter ne loje", "si i rris piket e kreditit", "what-is-a-credit-score"),
    ],
)
def test_a_word_about_money_only_beside_money_needs_a_money_word(knowledge, off_topic, on_topic, slug):
    assert retrieval.search(off_topic, language="sq").answers == []
    assert retrieval.search(on_topic, language="sq").answers[0].article.slug == slug
