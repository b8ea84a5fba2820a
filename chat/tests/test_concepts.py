"""How a teenager's English question is read before it is ranked (chat/concepts.py)."""

import pytest

from chat import concepts, textsearch


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("my card went to -50", "overdraft"),
        ("prices keep going up every year", "inflation"),
        ("klarna for trainers?", "pay later"),
        ("can my mate use my bank account to get paid", "money mule"),
        ("how much should i charge for babysitting", "side hustle"),
        ("is icloud eating my money", "subscriptions"),
    ],
)
def test_a_way_of_putting_a_topic_reads_as_the_topic(question, topic):
    assert topic in concepts.rewrite(question)


@pytest.mark.parametrize(
    ("question", "not_about"),
    [
        ("why do share prices go up and down", "inflation"),  # a share's price is not the cost of living
        ("see you on the bank holiday", "bank"),
        ("i stayed for the end credits", "credit"),
        ("how do i charge my airpods", "charge"),
    ],
)
def test_a_money_word_in_another_sense_is_not_read_as_money(question, not_about):
    assert not_about not in concepts.rewrite(question)


def test_the_phrase_replaces_its_words_so_names_do_not_weigh_as_unknown_words():
    assert "einstein" not in concepts.rewrite("einstein said interest was the 8th wonder")


@pytest.mark.parametrize(
    ("question", "about_money"),
    [
        ("can dogs eat chocolate", False),
        ("how do i charge my airpods case", False),
        ("is vat the same everywhere", True),
        ("my account went to -5", True),  # through its topic: an overdraft
    ],
)
def test_only_questions_about_money_are_on_topic(question, about_money):
    terms = textsearch.terms(concepts.rewrite(question))
    assert bool(set(terms) & textsearch.ENGLISH.domain) is about_money
