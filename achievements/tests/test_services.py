from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.tests.factories import UserFactory
from achievements import selectors, services
from achievements.models import DailyQuest, LedgerEntry, Reason, UserAchievement, UserStat
from achievements.services import InsufficientCoins, grant
from core import metrics
from core.errors import DomainError
from games.services import submit_attempt
from games.tests.factories import QuestFactory, correct_answers, make_game, wrong_answers

from .factories import AchievementFactory, DailyQuestTemplateFactory

pytestmark = pytest.mark.django_db


def stat(user, metric):
    row = UserStat.objects.filter(user=user, metric=metric).first()
    return row.value if row else 0


def pass_game(user, game):
    return submit_attempt(user=user, game=game, answers=correct_answers(game))


def new_game(**fields):
    return make_game(single=1, **{"xp_reward": 50, "coin_reward": 10, **fields})


# ---- the ledger -------------------------------------------------------------------


def test_grant_records_one_entry_and_moves_the_counters(learner):
    result = grant(user=learner, key="k1", reason=Reason.GAME, xp=30, coins=7, note="why")
    learner.refresh_from_db()
    assert (learner.xp, learner.coins) == (30, 7)
    entry = LedgerEntry.objects.get()
    assert (entry.user, entry.xp, entry.coins, entry.reason, entry.key, entry.note) == (
        learner,
        30,
        7,
        "game",
        "k1",
        "why",
    )
    assert result.entry == entry


def test_same_key_twice_grants_once(learner):
    assert grant(user=learner, key="same", reason=Reason.GAME, xp=30, coins=7) is not None
    assert grant(user=learner, key="same", reason=Reason.GAME, xp=30, coins=7) is None
    learner.refresh_from_db()
    assert (learner.xp, learner.coins) == (30, 7)
    assert LedgerEntry.objects.count() == 1


def test_grant_records_its_source(learner):
    game = new_game()
    grant(user=learner, key="src", reason=Reason.GAME, xp=1, source=game)
    entry = LedgerEntry.objects.get()
    assert (entry.source_type, entry.source_id) == ("games.game", str(game.pk))


def test_spending_below_zero_is_refused_and_nothing_is_written(learner):
    grant(user=learner, key="earn", reason=Reason.GAME, coins=10)
    with pytest.raises(InsufficientCoins):
        grant(user=learner, key="spend", reason=Reason.SHOP, coins=-11)
    learner.refresh_from_db()
    assert learner.coins == 10
    assert list(LedgerEntry.objects.values_list("key", flat=True)) == ["earn"]


def test_spending_exactly_the_balance_is_allowed(learner):
    grant(user=learner, key="earn", reason=Reason.GAME, coins=10)
    grant(user=learner, key="spend", reason=Reason.SHOP, coins=-10)
    learner.refresh_from_db()
    assert learner.coins == 0


def test_xp_below_zero_is_refused(learner):
    with pytest.raises(DomainError):
        grant(user=learner, key="minus", reason=Reason.ADJUSTMENT, xp=-1)
    assert LedgerEntry.objects.count() == 0


def test_grant_keeps_progress_stats(learner):
    grant(user=learner, key="a", reason=Reason.GAME, xp=150, coins=12)
    grant(user=learner, key="b", reason=Reason.SHOP, coins=-5)
    assert stat(learner, metrics.XP_TOTAL) == 150
    assert stat(learner, metrics.LEVEL) == 2
    assert stat(learner, metrics.STREAK_DAYS) == 1
    assert stat(learner, metrics.COINS_EARNED) == 12  # spending does not lower what was earned


def stamp(user, metric):
    return UserStat.objects.get(user=user, metric=metric).updated_at


def test_the_xp_stat_carries_the_time_of_the_last_xp_entry_and_coins_alone_leave_it(learner, monkeypatch):
    from django.utils import timezone

    start = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: start)
    first = grant(user=learner, key="a", reason=Reason.GAME, xp=20, coins=5)
    assert stamp(learner, metrics.XP_TOTAL) == first.entry.created_at
    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(minutes=5))
    grant(user=learner, key="b", reason=Reason.ADJUSTMENT, coins=3, note="coins only")
    assert stamp(learner, metrics.XP_TOTAL) == first.entry.created_at  # same XP: reached then
    assert stamp(learner, metrics.LEVEL) == start  # unchanged values keep their time
    assert stamp(learner, metrics.COINS_EARNED) == start + timedelta(minutes=5)  # an increment moves it
    later = grant(user=learner, key="c", reason=Reason.GAME, xp=1)
    assert stamp(learner, metrics.XP_TOTAL) == later.entry.created_at
    assert stat(learner, metrics.XP_TOTAL) == 21
    assert stat(learner, metrics.COINS_EARNED) == 8


def test_stats_of_one_action_are_set_raised_and_added_in_one_statement(learner, monkeypatch):
    from django.utils import timezone

    start = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: start)
    UserStat.objects.bulk_create(
        [
            UserStat(user=learner, metric="game:high", value=5),
            UserStat(user=learner, metric="game:low", value=1),
            UserStat(user=learner, metric="games_completed", value=2),
        ]
    )
    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(minutes=1))
    with transaction.atomic():
        action = services.begin(learner)
        action.write("game:high", services.RAISE, 3)  # below: kept, and so is its time
        action.write("game:low", services.RAISE, 4)  # above: raised
        action.write("game:new", services.RAISE, 1)
        action.write("games_completed", services.ADD, 1)
        action.write("games_completed", services.ADD, 2)
        with CaptureQueriesContext(connection) as queries:
            services._flush(action)
    assert len(queries) == 1
    assert (stat(learner, "game:high"), stamp(learner, "game:high")) == (5, start)
    assert (stat(learner, "game:low"), stamp(learner, "game:low")) == (4, start + timedelta(minutes=1))
    assert stat(learner, "game:new") == 1
    assert (stat(learner, "games_completed"), stamp(learner, "games_completed")) == (5, start + timedelta(minutes=1))


def test_adjustment_needs_a_reason_and_is_a_new_entry(learner):
    with pytest.raises(DomainError):
        services.adjust(user=learner, xp=5, coins=0, note="  ")
    entry = services.adjust(user=learner, xp=5, coins=3, note="Bug refund")
    learner.refresh_from_db()
    assert (entry.reason, entry.note, learner.xp, learner.coins) == (Reason.ADJUSTMENT, "Bug refund", 5, 3)


# ---- rewards of an event ------------------------------------------------------------


def test_level_up_is_flagged_in_the_rewards(learner):
    game = new_game(xp_reward=100)
    rewards = pass_game(learner, game).rewards
    assert (rewards.level, rewards.level_up) == (2, True)


def test_no_level_up_when_the_level_stays(learner):
    rewards = pass_game(learner, new_game(xp_reward=99)).rewards
    assert (rewards.level, rewards.level_up) == (1, False)


def test_a_pass_moves_the_game_stats(learner):
    quest = make_game(single=1, factory=QuestFactory, category="saving")
    pass_game(learner, quest)
    assert stat(learner, metrics.GAMES_COMPLETED) == 1
    assert stat(learner, metrics.QUESTS_COMPLETED) == 1
    assert stat(learner, "games_completed:saving") == 1
    assert stat(learner, f"game:{quest.slug}") == 1
    pass_game(learner, quest)  # a second pass counts nothing
    assert stat(learner, metrics.GAMES_COMPLETED) == 1


# ---- achievements -----------------------------------------------------------------


def test_achievement_unlocks_the_moment_the_threshold_is_met(learner):
    badge = AchievementFactory(metric="games_completed", threshold=2, xp_reward=20, coin_reward=5)
    first = pass_game(learner, new_game())
    assert first.rewards.achievements == []
    assert not UserAchievement.objects.exists()
    second = pass_game(learner, new_game())
    assert second.rewards.achievements == [{"slug": badge.slug, "title": badge.title}]
    assert second.rewards.xp == 50 + 20 and second.rewards.coins == 10 + 5
    learner.refresh_from_db()
    assert learner.xp == 50 + 50 + 20
    assert UserAchievement.objects.get().achievement == badge


def test_achievement_grants_its_reward_once(learner):
    badge = AchievementFactory(metric="games_completed", threshold=1, xp_reward=20)
    pass_game(learner, new_game())
    later = pass_game(learner, new_game())
    assert later.rewards.achievements == []
    assert LedgerEntry.objects.filter(reason=Reason.ACHIEVEMENT).count() == 1
    assert LedgerEntry.objects.get(reason=Reason.ACHIEVEMENT).key == f"{learner.pk}:achievement:{badge.pk}"
    learner.refresh_from_db()
    assert learner.xp == 50 + 50 + 20


def test_achievement_for_a_category_or_a_game(learner):
    game = new_game(category="credit")
    by_category = AchievementFactory(metric="games_completed:credit", threshold=1)
    by_game = AchievementFactory(metric=f"game:{game.slug}", threshold=1)
    AchievementFactory(metric="games_completed:saving", threshold=1)
    rewards = pass_game(learner, game).rewards
    assert {a["slug"] for a in rewards.achievements} == {by_category.slug, by_game.slug}


def test_achievement_xp_that_crosses_an_xp_threshold_unlocks_that_one_too(learner):
    first = AchievementFactory(metric="games_completed", threshold=1, xp_reward=60, position=1)
    chained = AchievementFactory(metric="xp_total", threshold=100, xp_reward=5, position=2)
    rewards = pass_game(learner, new_game(xp_reward=50)).rewards  # 50 + 60 = 110 >= 100
    assert [a["slug"] for a in rewards.achievements] == [first.slug, chained.slug]
    learner.refresh_from_db()
    assert learner.xp == 50 + 60 + 5
    assert rewards.xp == 115
    assert rewards.level == 2 and rewards.level_up


def test_level_achievement_unlocks_on_a_level_up(learner):
    badge = AchievementFactory(metric="level", threshold=2)
    assert pass_game(learner, new_game(xp_reward=100)).rewards.achievements == [
        {"slug": badge.slug, "title": badge.title}
    ]


def test_inactive_achievement_is_never_awarded(learner):
    AchievementFactory(metric="games_completed", threshold=1, is_active=False)
    assert pass_game(learner, new_game()).rewards.achievements == []
    assert not UserAchievement.objects.exists()


def test_achievement_created_after_the_learner_qualified_is_caught_up_on_the_next_event(learner):
    pass_game(learner, new_game())
    badge = AchievementFactory(metric="games_completed", threshold=1, xp_reward=10)
    # The rule engine looks at every active rule on each event, not only the metrics it moved.
    rewards = pass_game(learner, new_game()).rewards
    assert {"slug": badge.slug, "title": badge.title} in rewards.achievements
    learner.refresh_from_db()
    assert learner.xp == 50 + 50 + 10


def test_award_achievements_command_catches_up_learners_who_already_qualify(learner):
    other = UserFactory()
    pass_game(learner, new_game())
    badge = AchievementFactory(metric="games_completed", threshold=1, xp_reward=10)
    call_command("award_achievements", stdout=(out := _Out()))
    assert "1 achievement(s) awarded" in out.text
    assert list(UserAchievement.objects.values_list("user", "achievement")) == [(learner.pk, badge.pk)]
    learner.refresh_from_db()
    assert learner.xp == 60
    call_command("award_achievements", stdout=(again := _Out()))
    assert "0 achievement(s) awarded" in again.text
    assert not UserAchievement.objects.filter(user=other).exists()


def test_secret_achievements_are_hidden_until_earned(learner):
    public = AchievementFactory(metric="games_completed", threshold=5)
    secret = AchievementFactory(metric="games_completed", threshold=1, is_secret=True)
    assert [p.achievement for p in selectors.achievements_for(user=learner)] == [public]
    pass_game(learner, new_game())
    shown = {p.achievement: p for p in selectors.achievements_for(user=learner)}
    assert set(shown) == {public, secret}
    assert shown[secret].earned
    assert (shown[public].current, shown[public].target, shown[public].earned) == (1, 5, False)


def test_achievements_for_an_anonymous_visitor_show_no_progress():
    AchievementFactory(metric="games_completed", threshold=3)
    AchievementFactory(metric="games_completed", threshold=1, is_secret=True)
    items = selectors.achievements_for(user=AnonymousUser())
    assert [(i.current, i.earned) for i in items] == [(0, False)]


# ---- daily quests -----------------------------------------------------------------


def test_three_daily_quests_per_learner_per_day_the_same_on_every_call(learner):
    DailyQuestTemplateFactory.create_batch(8)
    first = selectors.todays_daily_quests(user=learner)
    second = selectors.todays_daily_quests(user=learner)
    assert len(first) == 3
    assert [q.template_id for q in first] == [q.template_id for q in second]
    assert not DailyQuest.objects.filter(user=learner).exists()  # reading writes nothing


def test_the_first_activity_of_the_day_creates_the_quests_the_learner_was_shown(learner):
    DailyQuestTemplateFactory.create_batch(8)
    shown = [q.template_id for q in selectors.todays_daily_quests(user=learner)]

    created = services.ensure_daily_quests(user=learner, day=selectors.today_for(learner))

    assert sorted(q.template_id for q in created) == sorted(shown)
    assert [q.template_id for q in selectors.todays_daily_quests(user=learner)] == shown


def test_daily_choice_is_deterministic_and_varies_across_learners_and_days():
    templates = DailyQuestTemplateFactory.create_batch(8)
    day = date(2025, 3, 10)
    assert selectors.daily_templates_for(user_id=1, day=day) == selectors.daily_templates_for(user_id=1, day=day)
    picks = {
        tuple(t.slug for t in selectors.daily_templates_for(user_id=user_id, day=day + timedelta(days=offset)))
        for user_id in range(1, 6)
        for offset in range(5)
    }
    assert len(picks) > 1  # not everyone gets the same three every day
    assert all(len(set(p)) == 3 and set(p) <= {t.slug for t in templates} for p in picks)


def test_inactive_templates_are_never_chosen(learner):
    DailyQuestTemplateFactory.create_batch(3, active=False)
    active = DailyQuestTemplateFactory.create_batch(3)
    assert {q.template for q in selectors.todays_daily_quests(user=learner)} == set(active)


def test_daily_quest_progresses_with_events_and_completes_once_with_its_reward(learner):
    template = DailyQuestTemplateFactory(metric="games_completed", target=2, xp_reward=15, coin_reward=5)
    first = pass_game(learner, new_game())
    quest = DailyQuest.objects.get(user=learner, template=template)
    assert quest.progress == 1 and quest.completed_at is None
    assert first.rewards.daily_quests == []
    second = pass_game(learner, new_game())
    quest.refresh_from_db()
    assert quest.progress == 2 and quest.completed_at is not None
    assert second.rewards.daily_quests == [quest.pk]
    assert (second.rewards.xp, second.rewards.coins) == (50 + 15, 10 + 5)
    third = pass_game(learner, new_game())
    quest.refresh_from_db()
    assert quest.progress == 2
    assert third.rewards.daily_quests == [] and third.rewards.xp == 50
    assert LedgerEntry.objects.filter(reason=Reason.DAILY_QUEST).count() == 1
    learner.refresh_from_db()
    assert learner.xp == 3 * 50 + 15


def test_replaying_a_passed_game_moves_todays_daily_quest_but_no_lifetime_stat(learner):
    # A learner who has passed every game must still be able to "play a game" today.
    game = new_game(category="saving")
    pass_game(learner, game)
    template = DailyQuestTemplateFactory(metric="games_completed", target=1, xp_reward=15, coin_reward=5)
    saving = DailyQuestTemplateFactory(metric="games_completed:saving", target=2, xp_reward=0, coin_reward=0)
    DailyQuest.objects.filter(user=learner).delete()  # today's three are dealt from the new templates
    rewards = pass_game(learner, game).rewards
    quest = DailyQuest.objects.get(user=learner, template=template)
    assert quest.completed_at is not None
    assert rewards.daily_quests == [quest.pk]
    assert (rewards.xp, rewards.coins) == (15, 5)  # the daily quest's reward, never the game's again
    assert DailyQuest.objects.get(user=learner, template=saving).progress == 1
    assert stat(learner, metrics.GAMES_COMPLETED) == 1
    assert stat(learner, "games_completed:saving") == 1
    assert LedgerEntry.objects.filter(reason=Reason.GAME).count() == 1
    learner.refresh_from_db()
    assert learner.xp == 50 + 15


def test_a_failed_replay_moves_no_daily_quest(learner):
    game = new_game()
    pass_game(learner, game)
    template = DailyQuestTemplateFactory(metric="games_completed", target=1)
    DailyQuest.objects.filter(user=learner).delete()
    submit_attempt(user=learner, game=game, answers=wrong_answers(game))
    assert not DailyQuest.objects.filter(template=template, progress__gt=0).exists()


def test_xp_daily_quest_counts_activity_xp(learner):
    template = DailyQuestTemplateFactory(metric="xp_total", target=80, xp_reward=10, coin_reward=0)
    pass_game(learner, new_game(xp_reward=50))
    assert DailyQuest.objects.get(template=template).progress == 50
    rewards = pass_game(learner, new_game(xp_reward=50)).rewards
    quest = DailyQuest.objects.get(template=template)
    assert quest.progress == 80 and quest.completed_at is not None
    assert quest.pk in rewards.daily_quests


def test_a_failed_play_moves_no_daily_quest(learner):
    DailyQuestTemplateFactory(metric="games_completed", target=1)
    game = new_game()
    submit_attempt(user=learner, game=game, answers=wrong_answers(game))
    assert not DailyQuest.objects.filter(progress__gt=0).exists()


# ---- check_ledger -----------------------------------------------------------------


class _Out:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_check_ledger_is_clean_after_real_play(learner):
    AchievementFactory(metric="games_completed", threshold=1, xp_reward=20, coin_reward=3)
    DailyQuestTemplateFactory(metric="games_completed", target=1)
    pass_game(learner, new_game())
    out = _Out()
    call_command("check_ledger", stdout=out)
    assert "Ledger OK" in out.text


def test_check_ledger_exits_1_and_names_the_learner_whose_xp_was_corrupted(learner):
    honest = UserFactory(username="honest")
    pass_game(learner, new_game(xp_reward=50))
    pass_game(honest, new_game(xp_reward=50))
    User.objects.filter(pk=learner.pk).update(xp=999)
    err = _Out()
    with pytest.raises(CommandError) as error:
        call_command("check_ledger", stderr=err)
    assert error.value.returncode == 1
    assert f"learner (id {learner.pk}): xp 999 vs ledger 50" in err.text
    assert "honest" not in err.text


def test_check_ledger_catches_coins_that_disagree(learner):
    grant(user=learner, key="x", reason=Reason.GAME, coins=5)
    User.objects.filter(pk=learner.pk).update(coins=4)
    with pytest.raises(CommandError):
        call_command("check_ledger", stderr=_Out())
    assert [row["id"] for row in selectors.ledger_mismatches()] == [learner.pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_learners_row_is_locked_only_inside_a_transaction(learner):
    """lock_user's SQL is compiled once (core.prepared); it still refuses, as Django does, to take
    a lock that autocommit would release at once."""
    from django.db.transaction import TransactionManagementError

    with transaction.atomic():
        assert services.lock_user(learner).pk == learner.pk  # compiled here, inside a transaction
        with CaptureQueriesContext(connection) as queries:
            services.lock_user(learner)
        assert "FOR UPDATE" in queries.captured_queries[0]["sql"]
    with pytest.raises(TransactionManagementError):
        services.lock_user(learner)
    User.objects.filter(pk=learner.pk).delete()
    with transaction.atomic(), pytest.raises(User.DoesNotExist):
        services.lock_user(learner)
