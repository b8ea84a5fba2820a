"""core.rows writes what the serializers it stands in for would, key for key and value for value."""

import threading

from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from accounts.api.serializers import MeSerializer
from achievements.api.serializers import AchievementSerializer
from achievements.tests.factories import AchievementFactory
from core.rows import Rows, rows_in, rows_of
from games import selectors as games
from games.api.serializers import GameSerializer
from games.models import UserGame
from games.tests.factories import GameFactory, QuestFactory
from videos import selectors as videos
from videos import services as video_services
from videos.api.serializers import VideoSerializer
from videos.tests.factories import VideoFactory


def test_game_rows_equal_the_serializer(learner):
    quest, game = QuestFactory(position=1), GameFactory()
    QuestFactory(position=2)
    UserGame.objects.create(user=learner, game=quest, best_score=90, completed_at="2026-01-01T00:00Z")
    listed = games.games_for(user=learner)
    assert rows_of(GameSerializer).many(listed) == GameSerializer(listed, many=True).data
    assert {row["slug"] for row in rows_of(GameSerializer).many(listed)} >= {quest.slug, game.slug}


def test_video_rows_equal_the_serializer_with_the_request(learner):
    video = VideoFactory()
    video_services.like_video(user=learner, video=video)
    request = APIRequestFactory().get("/api/v1/videos/")
    listed = list(videos.videos_for(user=learner))
    context = {"request": request}
    rows = Rows(VideoSerializer, context=context).many(listed)
    assert rows == VideoSerializer(listed, many=True, context=context).data
    assert rows[0]["url"].startswith("http://testserver/") and rows[0]["likes"] == 1


def test_rows_in_a_thread_serve_each_request_with_its_own_context(learner, settings):
    settings.ALLOWED_HOSTS = [".example"]
    VideoFactory()
    listed = list(videos.videos_for(user=learner))
    seen = {}

    def serve(host: str) -> None:
        request = APIRequestFactory().get("/api/v1/videos/", HTTP_HOST=host)
        seen[host] = rows_in(VideoSerializer, {"request": request}).many(listed)[0]["url"]

    serve("one.example")
    serve("two.example")  # the same thread, its fields already bound
    other = threading.Thread(target=serve, args=("three.example",))
    other.start()
    other.join()
    assert [url.split("/")[2] for url in seen.values()] == ["one.example", "two.example", "three.example"]


def test_the_profile_row_equals_the_serializer(learner):
    assert rows_of(MeSerializer).row(learner) == MeSerializer(learner).data


def test_achievement_rows_equal_the_serializer(db):
    achievement = AchievementFactory(description="")
    assert rows_of(AchievementSerializer).row(achievement) == AchievementSerializer(achievement).data


class _Optional(serializers.Serializer):
    name = serializers.CharField()
    nickname = serializers.CharField(required=False)
    note = serializers.CharField(allow_null=True)


class _Thing:
    def __init__(self, **fields):
        self.__dict__.update(fields)


def test_a_missing_optional_field_is_left_out_and_none_stays_none():
    thing = _Thing(name="a", note=None)
    assert Rows(_Optional).row(thing) == _Optional(thing).data == {"name": "a", "note": None}
    assert Rows(_Optional).many(None) == []


def test_catalogue_rows_keep_their_plain_part_by_language_and_contents_never_stale(learner):
    from django.utils import translation

    game = GameFactory(title="Budget basics", title_sq="Bazat e buxhetit")
    rows = Rows(GameSerializer, catalogue=True)
    listed = games.games_for(user=learner)

    assert rows.many(listed) == GameSerializer(listed, many=True).data
    assert rows.many(games.games_for(user=learner)) == GameSerializer(listed, many=True).data
    assert len(rows.kept) == 1  # one catalogue row, written once
    with translation.override("sq"):
        albanian = rows.many(games.games_for(user=learner))
    assert albanian[0]["title"] == "Bazat e buxhetit" and len(rows.kept) == 2

    game.title_en, game.xp_reward = "Budgets", 70  # an editor's change: a new key, not the kept row
    game.save()
    edited = rows.many(games.games_for(user=learner))[0]
    assert (edited["title"], edited["xp_reward"]) == ("Budgets", 70)


def test_catalogue_rows_still_write_each_learners_own_fields(learner):
    from accounts.tests.factories import UserFactory

    quest = QuestFactory(position=1)
    UserGame.objects.create(user=learner, game=quest, best_score=90, completed_at="2026-01-01T00:00Z")
    rows = rows_of(GameSerializer, catalogue=True)

    mine = rows.many(games.games_for(user=learner))[0]
    theirs = rows.many(games.games_for(user=UserFactory()))[0]

    assert (mine["completed"], mine["best_score"]) == (True, 90)
    assert (theirs["completed"], theirs["best_score"]) == (False, None)
    assert {k: v for k, v in mine.items() if k not in {"completed", "best_score", "locked"}} == {
        k: v for k, v in theirs.items() if k not in {"completed", "best_score", "locked"}
    }


def test_a_catalogue_row_with_a_json_column_is_kept_by_its_contents(learner):
    video = VideoFactory(tags=["saving"])
    context = {"request": APIRequestFactory().get("/api/v1/videos/")}
    rows = Rows(VideoSerializer, context=context, catalogue=True)

    assert rows.many(list(videos.videos_for(user=learner)))[0]["tags"] == ["saving"]
    video.tags = ["saving", "budget"]
    video.save()
    listed = list(videos.videos_for(user=learner))
    assert rows.many(listed) == VideoSerializer(listed, many=True, context=context).data
    assert rows.many(listed)[0]["tags"] == ["saving", "budget"] and len(rows.kept) == 2


def test_a_learners_own_row_is_not_kept(learner):
    rows = Rows(MeSerializer, catalogue=False)
    assert rows.row(learner) == MeSerializer(learner).data and not rows.columns and not rows.kept


def test_daily_quest_rows_equal_the_serializer(learner):
    from achievements import selectors as rewards
    from achievements.api.serializers import DailyQuestSerializer
    from achievements.tests.factories import DailyQuestTemplateFactory

    DailyQuestTemplateFactory.create_batch(3)
    quests = rewards.todays_daily_quests(user=learner)

    assert quests and rows_of(DailyQuestSerializer).many(quests) == DailyQuestSerializer(quests, many=True).data


def test_a_kept_date_and_time_follows_the_active_time_zone(learner):
    from django.utils import timezone

    VideoFactory()
    context = {"request": APIRequestFactory().get("/api/v1/videos/")}
    rows = Rows(VideoSerializer, context=context, catalogue=True)
    listed = list(videos.videos_for(user=learner))

    shown = {}
    for zone in ("UTC", "Europe/Tirane", "UTC"):
        with timezone.override(zone):
            shown[zone] = rows.many(listed)[0]["created_at"]
            assert rows.many(listed) == VideoSerializer(listed, many=True, context=context).data
    assert shown["UTC"] != shown["Europe/Tirane"] and len(rows.kept) == 2


def test_kept_video_urls_follow_the_requests_origin_and_the_rows_contents(learner, settings):
    settings.ALLOWED_HOSTS = [".example"]
    video = VideoFactory(url="/static/demo/videos/a.mp4", thumbnail="/static/demo/videos/a.jpg")
    rows = Rows(VideoSerializer, catalogue=True)

    def served(host: str, scheme: str = "http") -> dict:
        request = APIRequestFactory().get("/api/v1/videos/", HTTP_HOST=host, secure=scheme == "https")
        rows.serializer._context = {"request": request}  # as rows_in sets each request's
        listed = list(videos.videos_for(user=learner))
        written = rows.many(listed)
        assert written == VideoSerializer(listed, many=True, context={"request": request}).data
        return written[0]

    assert served("one.example")["url"] == "http://one.example/static/demo/videos/a.mp4"
    assert served("two.example", "https")["thumbnail"] == "https://two.example/static/demo/videos/a.jpg"
    assert served("one.example")["url"] == "http://one.example/static/demo/videos/a.mp4"
    assert len(rows.kept) == 2  # one row, kept once per origin

    video.url = "https://cdn.example/b.mp4"  # an editor's change: a new key, not the kept URL
    video.save()
    assert served("one.example")["url"] == "https://cdn.example/b.mp4"
