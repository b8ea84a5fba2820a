"""Editor-made rules of the game layer: achievements, daily quest templates, shop items."""

import factory

from achievements.models import Achievement, DailyQuestTemplate, ShopItem


class AchievementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Achievement

    slug = factory.Sequence(lambda n: f"achievement-{n}")
    title = factory.Sequence(lambda n: f"Achievement {n}")
    description = "Do the thing."
    metric = "games_completed"
    threshold = 1
    xp_reward = 0
    coin_reward = 0
    is_secret = False
    is_active = True


class DailyQuestTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DailyQuestTemplate

    slug = factory.Sequence(lambda n: f"daily-{n}")
    title = factory.Sequence(lambda n: f"Daily quest {n}")
    metric = "games_completed"
    target = 1
    xp_reward = 15
    coin_reward = 5
    active = True


class ShopItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShopItem

    slug = factory.Sequence(lambda n: f"item-{n}")
    name = factory.Sequence(lambda n: f"Item {n}")
    kind = ShopItem.Kind.VOUCHER
    cost_coins = 50
    stock = None
    active = True
