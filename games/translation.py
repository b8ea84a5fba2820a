"""Which texts of games exist in both languages (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from core.translations import ENGLISH_REQUIRED

from .models import Choice, Game, Question


@register(Game)
class GameTexts(TranslationOptions):
    fields = ("title", "description")
    required_languages = ENGLISH_REQUIRED


@register(Question)
class QuestionTexts(TranslationOptions):
    fields = ("prompt", "explanation")
    required_languages = ENGLISH_REQUIRED


@register(Choice)
class ChoiceTexts(TranslationOptions):
    fields = ("text",)
    required_languages = ENGLISH_REQUIRED
