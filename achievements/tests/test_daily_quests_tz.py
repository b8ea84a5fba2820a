"""Daily quests belong to the learner's local day, not the server's (Europe/Tirane)."""

from datetime import UTC, date, datetime

import pytest

from accounts.tests.factories import UserFactory
from achievements.models import DailyQuest
from conftest import client_for
from core import metrics

from .factories import DailyQuestTemplateFactory
from .reward_helpers import boards_fixture, clock_fixture, play  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def templates(db):
    return [
        DailyQuestTemplateFactory(slug=f"play-{n}", metric=metrics.GAMES_COMPLETED, target=2, xp_reward=10)
        for n in range(3)
    ]


def test_the_quest_date_is_the_learners_local_date(clock, templates):
    # 16:30 UTC on 10 June: 18:30 in Tirane, already 01:30 on 11 June in Tokyo.
    clock.set(datetime(2025, 6, 10, 16, 30, tzinfo=UTC))
    tokyo = UserFactory(timezone="Asia/Tokyo")
    tirane = UserFactory(timezone="Europe/Tirane")

    tokyo_quests = client_for(tokyo).get("/api/v1/quests/daily").json()
    tirane_quests = client_for(tirane).get("/api/v1/quests/daily").json()

    assert {q["date"] for q in tokyo_quests} == {"2025-06-11"}
    assert {q["date"] for q in tirane_quests} == {"2025-06-10"}
    assert len(tokyo_quests) == len(tirane_quests) == 3


def test_a_quest_crossing_midnight_in_tokyo_starts_a_new_day_while_tirane_is_still_on_the_old_one(clock, templates):
    learner = UserFactory(timezone="Asia/Tokyo")
    client = client_for(learner)

    clock.set(datetime(2025, 6, 10, 14, 59, 30, tzinfo=UTC))  # 23:59:30 in Tokyo, 16:59:30 in Tirane
    play(learner)
    before_midnight = client.get("/api/v1/quests/daily").json()

    clock.set(datetime(2025, 6, 10, 15, 0, 30, tzinfo=UTC))  # 00:00:30 on 11 June in Tokyo; Tirane: still 10 June
    after_midnight = client.get("/api/v1/quests/daily").json()
    play(learner)
    later = client.get("/api/v1/quests/daily").json()

    assert {(q["date"], q["progress"]) for q in before_midnight} == {("2025-06-10", 1)}
    assert {(q["date"], q["progress"]) for q in after_midnight} == {("2025-06-11", 0)}
    assert {(q["date"], q["progress"]) for q in later} == {("2025-06-11", 1)}
    # Yesterday's quests keep what was done on them; the new day's play did not touch them.
    old = DailyQuest.objects.filter(user=learner, date=date(2025, 6, 10))
    assert sorted(old.values_list("progress", flat=True)) == [1, 1, 1]


def test_the_same_moment_is_a_different_quest_day_for_tokyo_and_tirane(clock, templates):
    # 23:30 UTC on 10 June: 01:30 on 11 June in Tirane, 08:30 on 11 June in Tokyo: the same day.
    # 21:30 UTC: 23:30 on 10 June in Tirane, 06:30 on 11 June in Tokyo: different days.
    tokyo, tirane = UserFactory(timezone="Asia/Tokyo"), UserFactory(timezone="Europe/Tirane")
    clock.set(datetime(2025, 6, 10, 21, 30, tzinfo=UTC))
    play(tokyo)
    play(tirane)

    assert set(DailyQuest.objects.filter(user=tokyo).values_list("date", flat=True)) == {date(2025, 6, 11)}
    assert set(DailyQuest.objects.filter(user=tirane).values_list("date", flat=True)) == {date(2025, 6, 10)}


def test_completing_a_quest_just_before_local_midnight_rewards_that_day(clock, templates):
    learner = UserFactory(timezone="Asia/Tokyo")
    clock.set(datetime(2025, 6, 10, 14, 59, 0, tzinfo=UTC))  # 23:59 in Tokyo
    play(learner)
    rewards = play(learner)  # second game: each quest (target 2) completes, on 10 June

    completed = DailyQuest.objects.filter(user=learner, completed_at__isnull=False)
    assert sorted(rewards.daily_quests) == sorted(completed.values_list("pk", flat=True))
    assert set(completed.values_list("date", flat=True)) == {date(2025, 6, 10)}
    assert rewards.xp == 10 + 3 * 10
