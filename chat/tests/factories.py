"""Knowledge articles, conversations and messages."""

import factory

from accounts.tests.factories import UserFactory
from chat.models import Conversation, KnowledgeArticle, Message


class KnowledgeArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgeArticle

    slug = factory.Sequence(lambda n: f"article-{n}")
    title = factory.Sequence(lambda n: f"Article {n}?")
    body = "An answer in a few sentences. It is short. It is kind."
    tags = factory.LazyFunction(lambda: ["budgeting"])
    published = True


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    user = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Chat {n}")


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    role = Message.Role.USER
    content = factory.Sequence(lambda n: f"Question {n}?")
