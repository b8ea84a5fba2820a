"""The learner's everyday reads run a constant number of queries, however many rows there are.

Each read is counted on a small world and again after it grew tenfold (more content, more of
the learner's own rows); the two counts must be equal and under a ceiling.
"""

from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from achievements import services as rewards
from achievements.models import UserAchievement, UserStat
from achievements.selectors import today_for
from achievements.tests.factories import AchievementFactory, DailyQuestTemplateFactory
from achievements.tests.reward_helpers import earn
from classrooms.tests.factories import AssignmentFactory, ClassroomFactory, MembershipFactory
from conftest import client_for
from games.models import UserGame
from games.tests.factories import GameFactory, QuestFactory
from videos import services as videos
from videos.tests.factories import VideoFactory, VideoLikeFactory, VideoViewFactory

SMALL, LARGE = 2, 20


def queries(client, path: str) -> int:
    client.get(path)  # warm: what a worker caches once (content types, the site) is not a per-request cost
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured)


def assert_flat(client, path: str, grow: Callable[[int], None], ceiling: int, *, paged: bool = False) -> None:
    """`paged`: a page-numbered list, whose count is a query only once it fills a page (core.pagination)."""
    grow(SMALL)
    small = queries(client, path)
    grow(LARGE - SMALL)
    large = queries(client, path)
    assert small + paged == large <= ceiling, (path, small, large)


@pytest.fixture
def api(learner):
    return client_for(learner)


def test_storyline_is_flat(api, learner):
    def grow(n):
        for index in range(n):
            quest = QuestFactory()
            UserGame.objects.create(user=learner, game=quest, best_score=90, completed_at="2026-01-01T00:00Z")
            if index % 2:
                QuestFactory()

    assert_flat(api, "/api/v1/games/quests/storyline", grow, ceiling=2)  # the learner, the steps with their rows


@pytest.mark.parametrize(
    ("path", "ceiling"),
    [
        ("/api/v1/games/", 3),  # the learner, their rows, the games (the quest line among them)
        ("/api/v1/games/?completed=false&type=quest", 4),  # and the quest line, which the filters may cut
    ],
)
def test_games_list_is_flat(api, learner, path, ceiling):
    def grow(n):
        for index in range(n):
            game = QuestFactory() if index % 3 == 0 else GameFactory()
            UserGame.objects.create(user=learner, game=game, best_score=70)

    assert_flat(api, path, grow, ceiling=ceiling)


def test_achievements_are_flat(api, learner):
    def grow(n):
        for index in range(n):
            achievement = AchievementFactory(metric=f"metric-{index}-{n}", threshold=5)
            UserStat.objects.create(user=learner, metric=achievement.metric, value=index % 5)
            if index % 2:
                UserAchievement.objects.create(user=learner, achievement=achievement)

    assert_flat(api, "/api/v1/achievements/", grow, ceiling=2)  # the learner, the achievements with their progress


def test_videos_list_is_flat_and_reads_the_kept_like_counter(api, learner):
    def grow(n):
        for index in range(n):
            video = VideoFactory()
            VideoLikeFactory.create_batch(3, video=video)
            VideoViewFactory(user=learner, video=video, position_seconds=index)
            if index % 2:
                videos.save_video(user=learner, video=video)
                videos.like_video(user=learner, video=video)

    assert settings.REST_FRAMEWORK["PAGE_SIZE"] == LARGE
    # The learner, then the first page read one row past a page (core.pagination.ReadAhead):
    # a library of exactly a page needs no count.
    assert_flat(api, "/api/v1/videos/", grow, ceiling=2)
    assert {item["likes"] for item in api.get("/api/v1/videos/").json()["results"]} == {3, 4}
    grow(1)  # one past a page: now the count is asked
    assert queries(api, "/api/v1/videos/") == 3
    body = api.get("/api/v1/videos/").json()
    assert (body["count"], len(body["results"]), body["next"] is not None) == (LARGE + 1, LARGE, True)
    assert len(api.get("/api/v1/videos/?page=2").json()["results"]) == 1


def test_me_is_flat_as_the_learners_history_grows(api, learner):
    def grow(n):
        for index in range(n):
            earn(learner, 10, coins=1)
            UserGame.objects.create(user=learner, game=GameFactory(), best_score=index)
        rewards.award_achievements(user=learner)

    AchievementFactory.create_batch(3, metric="xp_total", threshold=1)
    assert_flat(api, "/api/v1/users/me", grow, ceiling=2)  # the learner; the email check and is_teacher together


@pytest.mark.parametrize("stored", [False, True], ids=["before-the-first-activity", "stored"])
def test_daily_quests_are_flat(api, learner, stored):
    def grow(n):
        DailyQuestTemplateFactory.create_batch(n)
        earn(learner, 5)

    if stored:
        DailyQuestTemplateFactory.create_batch(3)
        rewards.ensure_daily_quests(user=learner, day=today_for(learner))
    # The learner, then today's quests (or the templates to choose from) with the review check.
    assert_flat(api, "/api/v1/quests/daily", grow, ceiling=2)
    body = api.get("/api/v1/quests/daily").json()
    assert len(body) == 3 and all((item["id"] is not None) == stored for item in body)


def test_dashboard_is_flat(learner):
    client = Client()
    client.force_login(learner)
    classroom = ClassroomFactory()
    MembershipFactory(classroom=classroom, user=learner)

    def grow(n):
        for _ in range(n):
            quest = QuestFactory()
            UserGame.objects.create(user=learner, game=quest, best_score=80, completed_at="2026-01-01T00:00Z")
            AssignmentFactory(classroom=classroom, game=GameFactory())
            AssignmentFactory(classroom=classroom, video=VideoFactory())
            DailyQuestTemplateFactory()
            earn(learner, 5)

    learner.birth_year = 2000  # no age question on the page: the same page each time
    learner.save()
    assert_flat(client, "/", grow, ceiling=7)  # session, learner, next quest, quests with the due count, classes


def test_visitors_reads_are_flat(db):
    visitor = Client()

    def grow(n):
        for _ in range(n):
            QuestFactory()
            VideoLikeFactory(video=VideoFactory(), user=UserFactory())
            AchievementFactory()

    grow(SMALL)
    small = [
        queries(visitor, path)
        for path in ("/api/v1/games/quests/storyline", "/api/v1/videos/", "/api/v1/achievements/")
    ]
    grow(LARGE - SMALL)
    large = [
        queries(visitor, path)
        for path in ("/api/v1/games/quests/storyline", "/api/v1/videos/", "/api/v1/achievements/")
    ]
    assert small == [1, 1, 1]  # the page of videos, shorter than a page, is its own count
    assert large == [1, 2, 1]  # a full page of videos is counted
