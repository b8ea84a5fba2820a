"""FinBot's backends: `openai` when CHAT_API_KEY is set, `offline` (retrieval only) otherwise."""

from django.conf import settings

from .base import Backend


def get_backend() -> Backend:
    if settings.CHAT_API_KEY:
        from .openai_api import OpenAIBackend

        return OpenAIBackend()
    from .offline import OfflineBackend

    return OfflineBackend()
