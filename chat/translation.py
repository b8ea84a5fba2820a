"""Which texts of FinBot's knowledge exist in both languages (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from core.translations import ENGLISH_REQUIRED

from .models import KnowledgeArticle


@register(KnowledgeArticle)
class ArticleTexts(TranslationOptions):
    fields = ("title", "body", "tags", "questions")
    required_languages = ENGLISH_REQUIRED
