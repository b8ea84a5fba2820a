"""The reward API's contract: achievements, badges, daily quests, activity, public profiles."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from achievements import services
from achievements.api.serializers import AchievementSerializer, DailyQuestSerializer
from achievements.models import Achievement, DailyQuest, DailyQuestTemplate, Reason, UserAchievement
from achievements.selectors import today_for
from conftest import client_for

from .factories import AchievementFactory, DailyQuestTemplateFactory
from .reward_helpers import boards_fixture, earn, play  # noqa: F401

pytestmark = pytest.mark.django_db


# ---- achievements ------------------------------------------------------------------------


def test_achievements_show_earned_and_progress_for_the_learner(learner, auth_api):
    first = AchievementFactory(slug="first-game", title="First game", metric="games_completed", threshold=1)
    five = AchievementFactory(slug="five-games", title="Five games", metric="games_completed", threshold=5)
    play(learner, games=2)

    body = auth_api.get("/api/v1/achievements/").json()

    by_slug = {a["slug"]: a for a in body}
    assert by_slug["first-game"]["earned"] is True
    assert by_slug["first-game"]["earned_at"] is not None
    assert by_slug["first-game"]["progress"] == {"current": 1, "target": 1}
    assert by_slug["five-games"]["earned"] is False
    assert by_slug["five-games"]["earned_at"] is None
    assert by_slug["five-games"]["progress"] == {"current": 2, "target": 5}
    assert {"id", "title", "description", "icon", "metric", "threshold", "xp_reward", "coin_reward"} <= set(
        by_slug["five-games"]
    )
    assert first.pk != five.pk


@pytest.mark.parametrize("language", ["en", "sq"])
def test_each_achievement_is_drfs_own_serializer_output_then_the_learners_progress(learner, auth_api, language):
    AchievementFactory(
        slug="first-game", title_en="First game", title_sq="Loja e parë", metric="games_completed", threshold=1
    )
    AchievementFactory(slug="five-games", metric="games_completed", threshold=5)
    play(learner, games=2)

    body = auth_api.get(f"/api/v1/achievements/?lang={language}").json()

    with translation.override(language):
        catalogue = {a.slug: AchievementSerializer(a).data for a in Achievement.objects.filter(is_active=True)}
    for item in body:
        own = {key: item.pop(key) for key in ("earned", "earned_at", "progress")}
        assert item == catalogue[item["slug"]]
        assert own["earned"] == (own["earned_at"] is not None)
    assert {item["slug"]: item["title"] for item in body}["first-game"] == {"en": "First game", "sq": "Loja e parë"}[
        language
    ]


def test_secret_achievements_appear_only_once_earned(learner, auth_api):
    AchievementFactory(slug="hidden-gem", metric="games_completed", threshold=2, is_secret=True)
    AchievementFactory(slug="visible", metric="games_completed", threshold=10)

    before = [a["slug"] for a in auth_api.get("/api/v1/achievements/").json()]
    play(learner, games=2)
    after = {a["slug"]: a for a in auth_api.get("/api/v1/achievements/").json()}

    assert before == ["visible"]
    assert after["hidden-gem"]["earned"] is True
    assert after["hidden-gem"]["is_secret"] is True


def test_achievements_for_a_visitor_show_no_progress(api, db):
    AchievementFactory(slug="a", threshold=3)
    AchievementFactory(slug="secret", is_secret=True)

    body = api.get("/api/v1/achievements/").json()

    assert [(a["slug"], a["earned"], a["progress"]) for a in body] == [("a", False, {"current": 0, "target": 3})]


def test_inactive_achievements_are_not_listed(auth_api):
    AchievementFactory(slug="retired", is_active=False)
    assert auth_api.get("/api/v1/achievements/").json() == []


def test_achievements_query_count_is_flat(learner, auth_api, django_assert_max_num_queries):
    for batch in (2, 25):
        AchievementFactory.create_batch(batch, metric="games_completed", threshold=50)
        with django_assert_max_num_queries(4):  # the learner, stats, earned, achievements
            assert auth_api.get("/api/v1/achievements/").status_code == 200


# ---- badges ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/users/badges", "/api/v1/users/me/badges"])
def test_badges_list_the_learners_earned_achievements_newest_first(learner, auth_api, path):
    AchievementFactory(slug="one", title="One", icon="🥇", metric="games_completed", threshold=1)
    AchievementFactory(slug="three", title="Three", metric="games_completed", threshold=3)
    AchievementFactory(slug="far", metric="games_completed", threshold=99)
    play(learner)
    play(learner, games=2)
    other = UserFactory()
    play(other, games=5)

    body = auth_api.get(path).json()

    assert [b["slug"] for b in body] == ["three", "one"]
    assert set(body[1]) == {"slug", "title", "description", "icon", "earned_at"}
    assert body[1]["icon"] == "🥇"


@pytest.mark.parametrize("path", ["/api/v1/users/badges", "/api/v1/users/me/badges"])
def test_badges_need_a_signed_in_learner(api, path):
    assert api.get(path).status_code == 401


def test_badges_query_count_is_flat(learner, auth_api, django_assert_max_num_queries):
    for batch in (2, 20):
        AchievementFactory.create_batch(batch, metric="xp_total", threshold=1)
        earn(learner, 5)
        services.award_achievements(user=learner)
        earned = UserAchievement.objects.filter(user=learner).count()
        with django_assert_max_num_queries(2):  # the learner, the badges with their achievements
            body = auth_api.get("/api/v1/users/badges").json()
        assert len(body) == earned


# ---- daily quests -------------------------------------------------------------------------


def test_daily_quests_returns_three_with_progress(learner, auth_api):
    for slug in ("a", "b", "c", "d"):
        DailyQuestTemplateFactory(slug=slug, metric="games_completed", target=2, xp_reward=15, coin_reward=5)

    before = auth_api.get("/api/v1/quests/daily").json()
    written_by_the_read = DailyQuest.objects.count()
    play(learner)
    after = auth_api.get("/api/v1/quests/daily").json()

    assert len(before) == 3
    assert written_by_the_read == 0  # a read writes nothing: the first activity creates them
    assert [q["id"] for q in before] == [None, None, None]
    assert [q["slug"] for q in after] == [q["slug"] for q in before]  # the same three all day
    assert all(isinstance(q["id"], int) for q in after)
    assert all(q["progress"] == 0 and q["completed"] is False for q in before)
    assert all(q["progress"] == 1 and q["target"] == 2 and q["completed"] is False for q in after)
    assert set(after[0]) == {
        "id",
        "date",
        "slug",
        "title",
        "metric",
        "progress",
        "target",
        "xp_reward",
        "coin_reward",
        "completed",
        "completed_at",
    }


def test_completing_a_daily_quest_is_reported_and_rewarded(learner, auth_api):
    DailyQuestTemplateFactory(slug="play-one", metric="games_completed", target=1, xp_reward=15, coin_reward=5)

    rewards = play(learner, xp=10)
    body = auth_api.get("/api/v1/quests/daily").json()

    assert body[0]["completed"] is True
    assert body[0]["progress"] == 1
    assert rewards.daily_quests == [body[0]["id"]]
    assert (rewards.xp, rewards.coins) == (25, 5)
    learner.refresh_from_db()
    assert (learner.xp, learner.coins) == (25, 5)


def test_daily_quests_need_a_signed_in_learner(api):
    assert api.get("/api/v1/quests/daily").status_code == 401


def test_daily_quests_query_count_does_not_grow_with_templates(db):
    counts = []
    for batch in (3, 30):
        DailyQuestTemplateFactory.create_batch(batch)
        client = client_for(UserFactory())
        for _first_look_then_again in range(2):
            with CaptureQueriesContext(connection) as queries:
                assert len(client.get("/api/v1/quests/daily").json()) == 3
            counts.append(len(queries))
    assert counts[:2] == counts[2:]
    assert counts[1] <= 4  # once chosen: the learner, today's quests with their templates (+ a savepoint)


# ---- activity and public profiles ------------------------------------------------------------


def test_activity_is_the_learners_ledger_newest_first(learner, auth_api):
    earn(learner, 10, note="first")
    earn(learner, 0, coins=7, reason=Reason.ADJUSTMENT, note="second")
    earn(UserFactory(), 99, note="someone else")

    body = auth_api.get("/api/v1/users/me/activity").json()

    assert body["count"] == 2
    assert [(e["note"], e["xp"], e["coins"]) for e in body["results"]] == [("second", 0, 7), ("first", 10, 0)]
    assert set(body["results"][0]) == {"id", "xp", "coins", "reason", "source_type", "source_id", "note", "created_at"}


def test_public_profile_has_badges_and_no_email(api, db):
    ana = UserFactory(username="ana", display_name="Ana", email="ana@example.com")
    AchievementFactory(slug="first", title="First", metric="games_completed", threshold=1)
    play(ana, xp=120)

    body = api.get(f"/api/v1/users/{ana.pk}").json()

    assert body == {
        "id": ana.pk,
        "username": "ana",
        "display_name": "Ana",
        "avatar_url": "",
        "level": 2,
        "xp": 120,
        "streak_count": 1,
        "badges": [
            {
                "slug": "first",
                "title": "First",
                "description": "Do the thing.",
                "icon": "🏅",
                "earned_at": body["badges"][0]["earned_at"],
            }
        ],
    }
    assert "email" not in str(body)


def test_public_profile_of_an_inactive_learner_is_404(api, db):
    gone = UserFactory(is_active=False)
    assert api.get(f"/api/v1/users/{gone.pk}").status_code == 404


def test_the_data_export_carries_the_learners_rewards(learner, auth_api):
    AchievementFactory(slug="first", metric="games_completed", threshold=1)
    play(learner, xp=30)
    earn(UserFactory(), 99, note="someone else")

    section = auth_api.get("/api/v1/users/me/export").json()["rewards"]

    assert [(e["xp"], e["reason"]) for e in section["ledger"]] == [(30, "game")]
    assert section["stats"]["games_completed"] == 1
    assert [a["achievement__slug"] for a in section["achievements"]] == ["first"]
    assert section["redemptions"] == []


def test_public_profile_streak_reads_zero_once_it_is_broken(api):
    user = UserFactory(streak_count=4, longest_streak=4, last_active_date=timezone.localdate() - timedelta(days=5))
    assert api.get(f"/api/v1/users/{user.pk}").json()["streak_count"] == 0


def test_stored_daily_quests_read_as_their_rows(learner, auth_api):
    DailyQuestTemplateFactory.create_batch(4, target=2)
    services.ensure_daily_quests(user=learner, day=today_for(learner))
    first = DailyQuest.objects.filter(user=learner).order_by("pk").first()
    DailyQuest.objects.filter(pk=first.pk).update(progress=2, completed_at=timezone.now())
    # A template retired today still shows in the learner's quests for today.
    DailyQuestTemplate.objects.filter(pk=first.template_id).update(active=False)
    rows = DailyQuest.objects.filter(user=learner, date=today_for(learner)).select_related("template").order_by("pk")
    assert auth_api.get("/api/v1/quests/daily").json() == DailyQuestSerializer(rows, many=True).data
    assert len(rows) == 3
