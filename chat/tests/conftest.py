import json
from pathlib import Path

import pytest
from django.conf import settings

from core.content import import_content

DEMO_DIR = Path(settings.BASE_DIR) / "content" / "demo"
KNOWLEDGE_FILE = DEMO_DIR / "knowledge.json"


def load_demo_knowledge() -> None:
    import_content(json.loads(KNOWLEDGE_FILE.read_text()))


@pytest.fixture
def knowledge(db):
    """The 55 demo knowledge articles, loaded the way editors load them."""
    load_demo_knowledge()


@pytest.fixture
def games_and_videos(db):
    """The demo games and videos (both languages), which FinBot links to."""
    for name in ("games.json", "videos.json"):
        import_content(json.loads((DEMO_DIR / name).read_text()))


@pytest.fixture
def llm(settings):
    """A real OpenAI-compatible server on 127.0.0.1, with FinBot's settings pointing at it."""
    from .llm_server import FakeLLM

    with FakeLLM() as server:
        settings.CHAT_API_KEY = "test-key"
        settings.CHAT_BASE_URL = server.base_url
        settings.CHAT_MODEL = "test-model"
        settings.CHAT_TIMEOUT_SECONDS = 2
        settings.CHAT_MAX_RETRIES = 0
        yield server


@pytest.fixture
def offline(settings):
    """FinBot without a model: the offline backend."""
    settings.CHAT_API_KEY = ""
