"""Content texts in two languages (django-modeltranslation): helpers shared by the apps."""

from django.db import migrations, models
from django.db.models import F, Q
from modeltranslation.translator import translator

SECOND_LANGUAGE = "sq"
LANGUAGE_NAMES = {"en": "English", "sq": "Albanian"}
# For TranslationOptions.required_languages: a text the model requires is required in
# English (the fallback); the Albanian one may stay empty until an editor writes it.
ENGLISH_REQUIRED = ("en",)


def translated_fields(model: type[models.Model]) -> list[str]:
    """The texts of a model that exist in both languages (its modeltranslation fields)."""
    return list(translator.get_options_for_model(model).all_fields)


def _blank(model: type[models.Model], name: str) -> Q:
    empty = [] if isinstance(model._meta.get_field(name), models.JSONField) else ""
    return Q(**{f"{name}__isnull": True}) | Q(**{name: empty})


def lacks_second_language(model: type[models.Model], name: str) -> Q:
    """Rows whose English `name` is written and whose Albanian one is not (it falls back)."""
    return ~_blank(model, f"{name}_en") & _blank(model, f"{name}_{SECOND_LANGUAGE}")


def missing_second_language(model: type[models.Model]) -> Q:
    """Rows with at least one text written in English only."""
    q = Q(pk__in=[])
    for name in translated_fields(model):
        q |= lacks_second_language(model, name)
    return q


def keep_texts_as_english(app_label: str, texts: dict[str, tuple[str, ...]]) -> migrations.RunPython:
    """A migration step: the texts written before translations existed become the English ones."""

    def forwards(apps, schema_editor):
        for model_name, fields in texts.items():
            apps.get_model(app_label, model_name).objects.update(**{f"{name}_en": F(name) for name in fields})

    return migrations.RunPython(forwards, migrations.RunPython.noop)
