"""The registries apps fill in ready(): nothing of ours may be left out of an export or a content file."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model

from core import content, export


def _our_apps():
    """Installed apps that live in this repository (not Django's or a library's)."""
    root = Path(settings.BASE_DIR).resolve()
    return [
        config
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(root) and "site-packages" not in Path(config.path).parts
    ]


def _holds_learner_data(config) -> bool:
    user_model = get_user_model()
    for model in config.get_models():
        if model._meta.proxy:
            continue
        if model is user_model:
            return True
        if any(f.is_relation and f.related_model is user_model for f in model._meta.get_fields() if f.concrete):
            return True
    return False


# core keeps replies for retried requests 24 hours (IdempotencyKey): a transport record, not
# the learner's data; it is erased with the account.
NOT_LEARNER_DATA = {"core"}


def test_every_app_with_learner_data_registers_an_export_section():
    with_data = {config.label for config in _our_apps() if _holds_learner_data(config)} - NOT_LEARNER_DATA
    registered = {section.app for section in export.sections()}

    assert with_data, "the check found no app with learner data at all"
    missing = with_data - registered
    assert missing == set(), f"{missing} keep learner rows but add nothing to the data export"


def test_the_export_sections_are_named_as_the_export_documents_them():
    assert {section.name for section in export.sections()} == {
        "account",
        "games",
        "videos",
        "rewards",
        "chat",
        "classes",
    }


def test_content_kinds_come_in_import_order_games_before_what_names_them():
    keys = [kind.key for kind in content.kinds()]

    assert keys == ["games", "videos", "achievements", "daily_quest_templates", "shop_items", "knowledge"]
