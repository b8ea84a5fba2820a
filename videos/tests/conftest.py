import pytest

from .factories import VideoFactory


@pytest.fixture
def video(db):
    return VideoFactory(slug="what-is-interest", title="What is interest?", duration_seconds=60, xp_reward=15)
