"""The insights page against a known data set, and its query count as the data grows."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from achievements.models import LedgerEntry
from achievements.tests.factories import ShopItemFactory
from achievements.tests.reward_helpers import earn
from games.services import submit_attempt
from games.tests.factories import correct_answers, make_game, wrong_answers
from raiplay import insights

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="boss", is_staff=True))
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def back_date(user, days: int) -> None:
    LedgerEntry.objects.filter(user=user).update(created_at=timezone.now() - timedelta(days=days))


def test_active_learners_over_7_and_30_days_and_per_day(staff_client):
    today, ten_days_ago, long_ago = UserFactory(), UserFactory(), UserFactory()
    UserFactory()  # never active
    for user in (today, ten_days_ago, long_ago):
        earn(user, 10)
    back_date(ten_days_ago, 10)
    back_date(long_ago, 45)
    earn(today, 5)  # twice today: still one learner that day
    staff = UserFactory(is_staff=True)
    earn(staff, 10)  # staff are not learners

    overview = insights.overview()
    per_day = dict(insights.daily_active())

    assert (overview.learners, overview.active_learners, overview.active_learners_30) == (4, 1, 2)
    assert len(per_day) == 30
    assert per_day[timezone.localdate()] == 1
    assert per_day[timezone.localdate() - timedelta(days=10)] == 1
    assert sum(per_day.values()) == 2
    page = text(staff_client.get("/admin/raiplay/insights/"))
    assert 'data-testid="active-learners">1<' in page
    assert 'data-testid="active-learners-30">2<' in page
    assert '<title id="activity-title">Active learners per day, last 30 days</title>' in page
    assert page.count("<rect x=") == 2  # one bar per day with activity


def test_the_hardest_questions_need_20_answers_and_link_to_their_admin_page(
    staff_client, django_capture_on_commit_callbacks
):
    game = make_game(single=2, title="Budget basics")
    easy, hard = game.questions.order_by("position")
    learners = UserFactory.create_batch(20)
    with django_capture_on_commit_callbacks(execute=True):  # the counters move once an attempt commits
        for index, learner in enumerate(learners):
            answers = correct_answers(game)
            if index >= 5:  # 5 of 20 get the hard one right
                answers = [answers[0], wrong_answers(game)[1]]
            submit_attempt(user=learner, game=game, answers=answers)
        quiet = make_game(single=1, title="Barely played")
        submit_attempt(user=learners[0], game=quiet, answers=wrong_answers(quiet))  # 1 answer: not enough

    rows = insights.hardest_questions()
    page = text(staff_client.get("/admin/raiplay/insights/"))

    assert [(r.prompt, r.correct_rate, r.answers) for r in rows] == [(hard.prompt, 25, 20), (easy.prompt, 100, 20)]
    assert rows[0].url == f"/admin/games/question/{hard.pk}/change/"
    assert f'<a href="/admin/games/question/{hard.pk}/change/">{hard.prompt}</a>' in page
    assert "Barely played" not in [r.game for r in rows]


def test_completions_and_pass_rate_per_game_show_a_bar(staff_client):
    game = make_game(single=1, title="Budget basics")
    a, b = UserFactory(), UserFactory()
    submit_attempt(user=a, game=game, answers=wrong_answers(game))
    submit_attempt(user=a, game=game, answers=correct_answers(game))
    submit_attempt(user=b, game=game, answers=correct_answers(game))
    row = next(r for r in insights.game_rows() if r.id == game.pk)
    page = text(staff_client.get("/admin/raiplay/insights/"))
    assert (row.completions, row.attempts, row.passed, row.pass_rate) == (2, 3, 2, 67)
    assert (
        f'data-testid="game-{game.pk}"><td>Budget basics</td><td>minigame</td><td>2</td><td>3</td><td>67%</td>' in page
    )
    assert '<rect class="fill" width="67"' in page


def test_shop_items_running_low_emptiest_first(staff_client):
    ShopItemFactory(name="Hoodie", stock=3)
    ShopItemFactory(name="Sticker", stock=0)
    ShopItemFactory(name="Plenty", stock=50)
    ShopItemFactory(name="Unlimited", stock=None)
    ShopItemFactory(name="Retired", stock=1, active=False)
    assert [(item.name, item.stock) for item in insights.low_stock()] == [("Sticker", 0), ("Hoodie", 3)]
    page = text(staff_client.get("/admin/raiplay/insights/"))
    assert page.index("Sticker") < page.index("Hoodie")
    assert "Plenty" not in page.split("Shop items running low")[1].split("</table>")[0]


def grow(step: int) -> None:
    """More of everything the page counts: learners active on several days, games played, stock."""
    for _ in range(step):
        learner = UserFactory()
        game = make_game(single=1, number=1)
        submit_attempt(user=learner, game=game, answers=correct_answers(game))
        earn(learner, 5)
        back_date(learner, step)
        ShopItemFactory(stock=1)


def test_insights_query_count_is_the_same_however_much_data(staff_client, django_assert_num_queries):
    grow(1)
    # session and user, the numbers, one count per translated kind, FinBot's unanswered and flagged (3)
    with django_assert_num_queries(26) as first:
        assert staff_client.get("/admin/raiplay/insights/").status_code == 200
    grow(15)
    with django_assert_num_queries(len(first.captured_queries)):
        page = text(staff_client.get("/admin/raiplay/insights/"))
    assert page.count('data-testid="low-stock"') == 16
