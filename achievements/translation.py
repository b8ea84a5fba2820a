"""Which texts of the reward layer exist in both languages (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from core.translations import ENGLISH_REQUIRED

from .models import Achievement, DailyQuestTemplate, ShopItem


@register(Achievement)
class AchievementTexts(TranslationOptions):
    fields = ("title", "description")
    required_languages = ENGLISH_REQUIRED


@register(DailyQuestTemplate)
class DailyQuestTexts(TranslationOptions):
    fields = ("title",)
    required_languages = ENGLISH_REQUIRED


@register(ShopItem)
class ShopItemTexts(TranslationOptions):
    fields = ("name", "description")
    required_languages = ENGLISH_REQUIRED
