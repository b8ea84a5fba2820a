"""Achievements, daily quest templates and shop items in content files (see core.content)."""

from core.content import ContentKind

from .models import Achievement, DailyQuestTemplate, ShopItem


class AchievementKind(ContentKind):
    key = "achievements"
    model = Achievement
    required = ("slug", "title", "metric", "threshold")
    translated = ("title", "description")
    fields = {
        name: name
        for name in (
            "slug",
            "title",
            "description",
            "icon",
            "metric",
            "threshold",
            "xp_reward",
            "coin_reward",
            "is_secret",
            "is_active",
            "position",
        )
    }


class DailyQuestTemplateKind(ContentKind):
    key = "daily_quest_templates"
    model = DailyQuestTemplate
    required = ("slug", "title", "metric", "target")
    translated = ("title",)
    fields = {name: name for name in ("slug", "title", "metric", "target", "xp_reward", "coin_reward", "active")}


class ShopItemKind(ContentKind):
    key = "shop_items"
    model = ShopItem
    required = ("slug", "name", "kind", "cost_coins")
    translated = ("name", "description")
    fields = {name: name for name in ("slug", "name", "description", "image", "kind", "cost_coins", "stock", "active")}


KINDS = [AchievementKind(), DailyQuestTemplateKind(), ShopItemKind()]
