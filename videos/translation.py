"""Which texts of videos exist in both languages (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from core.translations import ENGLISH_REQUIRED

from .models import Video


@register(Video)
class VideoTexts(TranslationOptions):
    fields = ("title", "description", "tags")
    required_languages = ENGLISH_REQUIRED
