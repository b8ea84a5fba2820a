"""Learner pages of the game layer: badges, leaderboard, shop, codes, profiles, and the includes."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.template import engines
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from achievements import leaderboards, selectors, services
from achievements.models import LedgerEntry, Reason, Redemption, ShopItem
from core import fragments
from core.rewards import Rewards

from .factories import AchievementFactory, DailyQuestTemplateFactory, ShopItemFactory
from .reward_helpers import boards_fixture, clock_fixture, earn, play  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# ---- sign-in -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/achievements/", "/shop/", "/shop/codes/", "/profile/", "/shop/codes/RP-X/"])
def test_private_pages_send_visitors_to_log_in(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_redeeming_needs_a_signed_in_learner(client, db):
    item = ShopItemFactory()
    response = client.post(f"/shop/{item.pk}/redeem/")
    assert response.status_code == 302
    assert not Redemption.objects.exists()


def test_leaderboard_and_public_profiles_are_open_to_visitors(client, db):
    ana = UserFactory(username="ana")
    assert client.get("/leaderboard/").status_code == 200
    assert client.get(f"/u/{ana.username}/").status_code == 200


# ---- badges --------------------------------------------------------------------------------


def test_achievements_page_shows_earned_badges_and_progress_toward_locked_ones(signed_in, learner):
    AchievementFactory(title="First game", icon="🥇", metric="games_completed", threshold=1)
    AchievementFactory(title="Ten games", metric="games_completed", threshold=10)
    AchievementFactory(title="Sneaky", metric="games_completed", threshold=50, is_secret=True)
    play(learner, games=3)

    page = text(signed_in.get("/achievements/"))

    earned = page[page.index('data-testid="earned-badges"') : page.index('data-testid="locked-badges"')]
    locked = page[page.index('data-testid="locked-badges"') :]
    assert "First game" in earned
    assert "Ten games" in locked
    assert 'aria-valuenow="3"' in locked
    assert 'aria-valuemax="10"' in locked
    assert "width: 30%" in locked
    assert "Sneaky" not in page


def test_a_badge_earned_since_the_last_look_is_celebrated_once(signed_in, learner, clock):
    AchievementFactory(title="First game", metric="games_completed", threshold=1)
    signed_in.get("/achievements/")  # nothing new yet
    clock.tick(minutes=5)
    play(learner)
    clock.tick(minutes=5)

    first = text(signed_in.get("/achievements/"))
    second = text(signed_in.get("/achievements/"))

    assert 'data-testid="rewards-banner"' in first
    assert "Badge unlocked: <strong>First game</strong>" in first
    assert 'data-testid="rewards-banner"' not in second


def test_achievements_page_query_count_is_flat(signed_in, learner, django_assert_max_num_queries):
    for batch in (2, 30):
        AchievementFactory.create_batch(batch, metric="games_completed", threshold=5)
        with django_assert_max_num_queries(8):
            assert signed_in.get("/achievements/").status_code == 200


# ---- leaderboard ---------------------------------------------------------------------------


def test_leaderboard_page_shows_the_week_by_default_and_my_rank(signed_in, learner, clock):
    rival = UserFactory(username="rival", display_name="Rival", email="rival@example.com")
    earn(rival, 200)
    clock.tick(seconds=1)
    earn(learner, 100)

    page = text(signed_in.get("/leaderboard/"))

    assert 'href="?period=week" aria-current="true"' in page
    assert "You are <strong>#2</strong> with 100 XP." in page
    assert "Rival" in page
    assert "@example.com" not in page
    assert 'class="me" aria-current="true"' in page


def test_leaderboard_page_switches_to_all_time(signed_in, learner, clock):
    old = UserFactory(username="old-timer", display_name="Old timer")
    clock.set(timezone.now() - timedelta(days=10))
    earn(old, 900)
    clock.tick(days=10)
    earn(learner, 50)

    week = text(signed_in.get("/leaderboard/?period=week"))
    all_time = text(signed_in.get("/leaderboard/?period=all"))

    assert "Old timer" not in week
    assert "Old timer" in all_time
    assert "You are <strong>#2</strong> with 50 XP." in all_time
    assert signed_in.get("/leaderboard/?period=year").status_code == 200  # unknown: the week


def test_leaderboard_page_leaves_hidden_learners_out_and_says_when_i_am_hidden(client, clock):
    shy = UserFactory(username="shy", display_name="Shy", show_on_leaderboard=False)
    earn(shy, 500)
    earn(UserFactory(display_name="Visible"), 10)
    client.force_login(shy)

    page = text(client.get("/leaderboard/"))

    assert "Visible" in page
    assert ">Shy<" not in page
    assert "You are hidden from leaderboards." in page


def test_leaderboard_page_adds_the_window_around_me_when_i_am_outside_the_top(signed_in, learner, clock):
    for index in range(55):
        clock.tick(seconds=1)
        earn(UserFactory(username=f"p{index:02d}"), 1000 - index)
    earn(learner, 1)

    response = signed_in.get("/leaderboard/")
    page = text(response)

    assert "You are <strong>#56</strong>" in page
    around = page[page.index('data-testid="around-me"') :]
    assert around.count("<tr") == 1 + 6  # header + five above and me
    assert "p50" in around  # rank 51, just below the top 50
    assert len(response.context["board"].results) == 50


@pytest.mark.redis
def test_leaderboard_page_with_redis_reads_the_top_and_my_window_once(
    signed_in, learner, clock, django_capture_on_commit_callbacks
):
    leaderboards.rebuild()  # empty sets, marked ready: the grants below keep them current
    counts = []
    for batch in (52, 8):
        with django_capture_on_commit_callbacks(execute=True):
            for index in range(batch):
                clock.tick(seconds=1)
                earn(UserFactory(), 1000 - index)
            if batch == 52:
                earn(learner, 1)
        with CaptureQueriesContext(connection) as queries:
            response = signed_in.get("/leaderboard/")
        counts.append(len(queries))
    page = text(response)

    assert "You are <strong>#61</strong>" in page
    around = page[page.index('data-testid="around-me"') :]
    assert around.count("<tr") == 1 + 6  # header + five above and me
    assert len(response.context["board"].results) == 50
    assert counts[0] == counts[1]
    names = [q["sql"] for q in queries.captured_queries if "accounts_user" in q["sql"]]
    assert sum(" IN (" in sql or "= ANY(" in sql for sql in names) == 1  # the page's names, in one query


def test_leaderboard_page_for_a_visitor_has_no_rank(client, clock):
    earn(UserFactory(display_name="Someone"), 10)
    page = text(client.get("/leaderboard/"))
    assert "Someone" in page
    assert "to see your own rank." in page


def test_leaderboard_page_query_count_is_flat(settings, client, clock):
    settings.REDIS_URL = ""
    leader, trailer = UserFactory(), UserFactory()
    earn(leader, 10_000)  # always in the top 50
    earn(trailer, 1)  # outside the top 50 once the crowd arrives: the around-me window too
    counts = {leader: [], trailer: []}
    for batch in (55, 60):
        for user in UserFactory.create_batch(batch):
            clock.tick(seconds=1)
            earn(user, 100)
        for who in counts:
            client.force_login(who)
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/leaderboard/").status_code == 200
            counts[who].append(len(queries))
    assert counts[leader][0] == counts[leader][1]
    assert counts[trailer][0] == counts[trailer][1]
    assert counts[trailer][1] <= counts[leader][1] + 4  # the window: my rank again, the rows, the people


def test_board_rows_are_rendered_once_and_never_stale():
    """{% board_rows %} keeps each rendered row by its values: a changed row is a new render."""
    fragments.forget()
    row = leaderboards.Row(4, 7, "ana", "Ana <b>", "", 3, 1200)
    table = "{% load board_tags %}{% board_rows rows me_id %}"
    render = lambda rows, me_id=None: re.sub(  # noqa: E731
        r"\s+", " ", engines["django"].from_string(table).render({"rows": rows, "me_id": me_id})
    )

    first = render([row])
    assert render([row]) == first
    assert fragments.counts().hits == 1  # the same row, not rendered again

    assert "Ana &lt;b&gt;" in first and "Ana <b>" not in first  # escaped by the row template
    assert 'href="/u/ana/"' in first and "L3" in first
    assert '<td class="xp">1200</td>' in first
    assert 'class="me"' not in first
    assert 'class="me" aria-current="true"' in render([row], me_id=7)  # the viewer's row is another key
    assert '<td class="xp">1300</td>' in render([leaderboards.Row(4, 7, "ana", "Ana <b>", "", 3, 1300)])
    with translation.override("sq"):
        albanian = render([row], me_id=7)
    assert "N3" in albanian and ">ti<" in albanian


# ---- shop ----------------------------------------------------------------------------------


def test_shop_shows_the_balance_items_and_a_confirm_step(signed_in, learner):
    earn(learner, coins=120, reason=Reason.ADJUSTMENT)
    ShopItemFactory(slug="cinema", name="Cinema ticket", cost_coins=100, stock=4)
    ShopItemFactory(slug="hoodie", name="Hoodie", cost_coins=400)
    ShopItemFactory(slug="gone", name="Gone", cost_coins=10, stock=0)

    page = text(signed_in.get("/shop/"))

    assert "You have <strong>120</strong> coins." in page
    cinema = page[page.index('data-testid="shop-item-cinema"') : page.index('data-testid="shop-item-hoodie"')]
    assert "<details" in cinema
    assert "Spend <strong>100</strong> coins on “Cinema ticket”?" in cinema
    assert "You will have 20 left." in cinema
    assert "4 left" in cinema
    hoodie = page[page.index('data-testid="shop-item-hoodie"') :]
    assert "you need 280 more" in hoodie
    assert "Sold out" in page[page.index('data-testid="shop-item-gone"') :]


def test_redeeming_on_the_page_shows_the_code_and_the_new_balance(signed_in, learner):
    earn(learner, coins=120, reason=Reason.ADJUSTMENT)
    item = ShopItemFactory(name="Cinema ticket", cost_coins=100, stock=4)

    response = signed_in.post(f"/shop/{item.pk}/redeem/", follow=True)

    redemption = Redemption.objects.get(user=learner)
    page = text(response)
    assert response.redirect_chain == [(f"/shop/codes/{redemption.code}/", 302)]
    assert f'data-testid="redemption-code">{redemption.code}<' in page
    assert "Your balance: <strong>20</strong> coins" in page
    assert "Redeemed: Cinema ticket!" in page
    assert "100 coins spent" in page
    item.refresh_from_db()
    assert item.stock == 3
    # The celebration is once; the code stays.
    again = text(signed_in.get(f"/shop/codes/{redemption.code}/"))
    assert "Redeemed: Cinema ticket!" not in again
    assert redemption.code in again


def test_redeeming_without_enough_coins_is_a_409_page_and_nothing_changes(signed_in, learner):
    earn(learner, coins=30, reason=Reason.ADJUSTMENT)
    item = ShopItemFactory(name="Cinema ticket", cost_coins=100, stock=4)

    response = signed_in.post(f"/shop/{item.pk}/redeem/")

    assert response.status_code == 409
    assert "You need 100 coins for “Cinema ticket” and have 30." in text(response)
    learner.refresh_from_db()
    item.refresh_from_db()
    assert (learner.coins, item.stock, Redemption.objects.count()) == (30, 4, 0)


def test_redeeming_a_sold_out_item_is_a_409_page(signed_in, learner):
    earn(learner, coins=300, reason=Reason.ADJUSTMENT)
    item = ShopItemFactory(name="Hoodie", cost_coins=100, stock=0)

    response = signed_in.post(f"/shop/{item.pk}/redeem/")

    assert response.status_code == 409
    assert "Sorry, “Hoodie” is sold out." in text(response)
    assert not LedgerEntry.objects.filter(reason=Reason.SHOP).exists()


def test_redeeming_an_inactive_item_on_the_page_is_404_and_get_is_refused(signed_in, learner):
    earn(learner, coins=300, reason=Reason.ADJUSTMENT)
    retired = ShopItemFactory(active=False)
    live = ShopItemFactory()
    assert signed_in.post(f"/shop/{retired.pk}/redeem/").status_code == 404
    assert signed_in.get(f"/shop/{live.pk}/redeem/").status_code == 405
    assert not Redemption.objects.exists()


def test_a_streak_freeze_bought_on_the_page_is_in_place(signed_in, learner):
    earn(learner, coins=60, reason=Reason.ADJUSTMENT)
    freeze = ShopItemFactory(kind=ShopItem.Kind.STREAK_FREEZE, name="Streak freeze", cost_coins=50)

    page = text(signed_in.post(f"/shop/{freeze.pk}/redeem/", follow=True))

    assert "you hold 1 streak freeze." in page
    learner.refresh_from_db()
    assert learner.streak_freezes == 1


def test_codes_page_lists_only_my_codes_and_another_learners_code_is_404(signed_in, learner, client):
    earn(learner, coins=100, reason=Reason.ADJUSTMENT)
    other = UserFactory()
    earn(other, coins=100, reason=Reason.ADJUSTMENT)
    item = ShopItemFactory(name="Sticker", cost_coins=10)
    mine = services.redeem_item(user=learner, item=item)
    theirs = services.redeem_item(user=other, item=item)

    page = text(signed_in.get("/shop/codes/"))

    assert mine.code in page
    assert theirs.code not in page
    assert signed_in.get(f"/shop/codes/{theirs.code}/").status_code == 404
    assert mine.code in text(signed_in.get("/shop/"))  # the shop lists recent codes too


def test_shop_and_codes_query_counts_are_flat(signed_in, learner, django_assert_max_num_queries):
    earn(learner, coins=10_000, reason=Reason.ADJUSTMENT)
    for batch in (2, 25):
        for item in ShopItemFactory.create_batch(batch, cost_coins=1):
            services.redeem_item(user=learner, item=item)
        with django_assert_max_num_queries(6):
            assert signed_in.get("/shop/").status_code == 200
        with django_assert_max_num_queries(6):
            assert signed_in.get("/shop/codes/").status_code == 200


# ---- profiles ------------------------------------------------------------------------------


def test_profile_shows_level_xp_bar_streak_badges_and_an_accessible_xp_chart(signed_in, learner):
    AchievementFactory(title="First game", metric="games_completed", threshold=1)
    play(learner, xp=40)
    play(learner, xp=80)
    # Data setup: the first play three days ago (the streak stays today's, 1 day).
    first = LedgerEntry.objects.filter(user=learner, xp=40)
    first.update(created_at=first.get().created_at - timedelta(days=3))

    response = signed_in.get("/profile/")
    page = text(response)

    assert "Level 2" in page
    assert 'role="progressbar"' in page
    assert 'data-testid="streak">1 day<' in page
    assert "First game" in page[page.index('data-testid="profile-badges"') :]
    chart = page[page.index('<figure class="xp-chart">') :]
    svg = chart[chart.index("<svg") : chart.index("</svg>")]
    assert 'role="img"' in svg
    assert "<title" in svg
    assert "120 XP in total over 2 active days; best day" in svg
    assert svg.count("<rect") == 2
    assert "Show the numbers" in page
    assert [bar.value for bar in response.context["chart"].bars][-4:] == [40, 0, 0, 80]


def test_profile_query_count_is_flat_as_activity_grows(signed_in, learner, clock, django_assert_max_num_queries):
    for batch in (2, 40):
        for _ in range(batch):
            clock.tick(hours=-11)
            earn(learner, 5)
        AchievementFactory.create_batch(3, metric="xp_total", threshold=1)
        services.award_achievements(user=learner)
        with django_assert_max_num_queries(8):
            assert signed_in.get("/profile/").status_code == 200


def test_profile_streak_is_the_one_that_still_counts_today(signed_in, learner):
    learner.streak_count, learner.longest_streak = 6, 6
    learner.last_active_date = timezone.localdate() - timedelta(days=5)
    learner.save()

    page = text(signed_in.get("/profile/"))

    assert 'data-testid="streak">0 days<' in page  # the stored 6 can no longer go on
    assert "6 days" in page  # the longest streak is kept


def test_public_profile_shows_badges_and_level_never_the_email(client, db):
    ana = UserFactory(username="ana", display_name="Ana", email="ana-secret@example.com")
    AchievementFactory(title="First game", metric="games_completed", threshold=1)
    play(ana, xp=150)

    page = text(client.get("/u/ana/"))

    assert "<h1>Ana</h1>" in page
    assert 'data-testid="level">2<' in page
    assert "First game" in page
    assert "ana-secret" not in page
    assert "example.com" not in page


def test_public_profile_of_an_unknown_or_inactive_learner_is_404(client, db):
    UserFactory(username="gone", is_active=False)
    assert client.get("/u/gone/").status_code == 404
    assert client.get("/u/nobody/").status_code == 404


# ---- includes for the dashboard and game results ------------------------------------------


def daily_list(quests) -> str:
    template = engines["django"].from_string("{% load rewards_tags %}{% daily_quest_list quests %}")
    return template.render({"quests": quests})


def test_daily_quests_include_shows_each_quest_with_its_progress(learner):
    for slug in ("a", "b", "c"):
        DailyQuestTemplateFactory(slug=slug, title=f"Quest {slug}", metric="games_completed", target=2)
    play(learner)
    quests = selectors.todays_daily_quests(user=learner)

    html = re.sub(r"\s+", " ", daily_list(quests))

    assert html.count('class="daily-quest"') == 3
    assert html.count('aria-valuenow="1"') == 3
    assert "width: 50%" in html
    assert "Quest a" in html


def test_daily_quests_include_marks_completed_ones_and_handles_none(learner):
    DailyQuestTemplateFactory(title="Play one", metric="games_completed", target=1)
    play(learner)
    done = re.sub(
        r"\s+",
        " ",
        daily_list(selectors.todays_daily_quests(user=learner)),
    )
    empty = daily_list([])
    assert 'class="daily-quest done"' in done
    assert "Completed:" in done
    assert "No daily quests today" in empty


def test_rewards_banner_include_renders_the_api_rewards_shape():
    rewards = Rewards(
        xp=120,
        coins=15,
        level=3,
        streak=2,
        level_up=True,
        achievements=[{"slug": "s", "title": "Saver"}],
        daily_quests=[4, 5],
    ).as_dict()

    html = re.sub(r"\s+", " ", render_to_string("achievements/_rewards_banner.html", {"rewards": rewards}))

    assert 'role="status"' in html
    assert "Badge unlocked: <strong>Saver</strong>" in html
    assert "Level up! You reached level 3." in html
    assert "+120 XP" in html
    assert "+15 coins" in html
    assert "2 daily quests completed" in html


def test_rewards_banner_include_is_empty_when_nothing_was_earned():
    nothing = Rewards(level=1, streak=0).as_dict()
    assert render_to_string("achievements/_rewards_banner.html", {"rewards": nothing}).strip() == ""
    assert render_to_string("achievements/_rewards_banner.html", {}).strip() == ""
