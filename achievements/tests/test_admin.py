"""Editors' screens: content is editable, records are read-only, adjustments and the dashboard work."""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.tests.factories import UserFactory
from achievements import services
from achievements.models import Achievement, LedgerEntry, Reason, Redemption, ShopItem
from games.services import submit_attempt
from games.tests.factories import correct_answers, make_game, wrong_answers
from raiplay import insights
from videos.tests.factories import VideoFactory, VideoViewFactory

from .factories import DailyQuestTemplateFactory, ShopItemFactory
from .reward_helpers import boards_fixture, earn  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# ---- content is editable -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/admin/achievements/achievement/",
        "/admin/achievements/achievement/add/",
        "/admin/achievements/dailyquesttemplate/",
        "/admin/achievements/dailyquesttemplate/add/",
        "/admin/achievements/shopitem/",
        "/admin/achievements/shopitem/add/",
        "/admin/achievements/redemption/",
        "/admin/achievements/ledgerentry/",
        "/admin/achievements/ledgerentry/adjust/",
        "/admin/raiplay/insights/",
    ],
)
def test_admin_screens_open_for_a_superuser(admin_client, path):
    assert admin_client.get(path).status_code == 200


def test_an_editor_can_change_a_shop_items_stock(admin_client):
    item = ShopItemFactory(slug="hoodie", name="Hoodie", cost_coins=400, stock=2)

    response = admin_client.post(
        f"/admin/achievements/shopitem/{item.pk}/change/",
        {
            "slug": "hoodie",
            "name_en": "Hoodie",
            "name_sq": "Bluzë me kapuç",
            "description_en": "",
            "description_sq": "",
            "image": "",
            "kind": "voucher",
            "cost_coins": 400,
            "stock": 25,
            "active": "on",
        },
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.stock == 25
    assert (item.name_en, item.name_sq) == ("Hoodie", "Bluzë me kapuç")


def test_an_achievement_with_an_unknown_metric_is_refused(admin_client):
    response = admin_client.post(
        "/admin/achievements/achievement/add/",
        {"slug": "typo", "title": "Typo", "icon": "🏅", "metric": "gamez", "threshold": 1, "xp_reward": 0},
    )
    assert response.status_code == 200
    assert "Unknown metric" in text(response)
    assert not Achievement.objects.filter(slug="typo").exists()


def test_a_daily_quest_template_can_be_switched_off_from_the_list(admin_client):
    template = DailyQuestTemplateFactory()

    response = admin_client.post(
        "/admin/achievements/dailyquesttemplate/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(template.pk),
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    template.refresh_from_db()
    assert template.active is False


# ---- records are read-only -----------------------------------------------------------------


def test_redemptions_are_searchable_by_code_and_read_only(admin_client):
    buyer = UserFactory()
    earn(buyer, coins=100, reason=Reason.ADJUSTMENT)
    item = ShopItemFactory(cost_coins=10)
    wanted = services.redeem_item(user=buyer, item=item)
    other = services.redeem_item(user=buyer, item=item)

    found = text(admin_client.get("/admin/achievements/redemption/", {"q": wanted.code}))
    change = admin_client.post(f"/admin/achievements/redemption/{wanted.pk}/change/", {"coins": 0})
    delete = admin_client.post(f"/admin/achievements/redemption/{wanted.pk}/delete/", {"post": "yes"})

    assert wanted.code in found
    assert other.code not in found
    assert change.status_code == 403
    assert delete.status_code == 403
    assert Redemption.objects.get(pk=wanted.pk).coins == 10
    assert admin_client.get("/admin/achievements/redemption/add/").status_code == 403


def test_ledger_entries_cannot_be_added_edited_or_deleted(admin_client):
    learner = UserFactory()
    entry = earn(learner, 10).entry

    assert admin_client.get("/admin/achievements/ledgerentry/add/").status_code == 403
    assert admin_client.post(f"/admin/achievements/ledgerentry/{entry.pk}/change/", {"xp": 999}).status_code == 403
    assert admin_client.post(f"/admin/achievements/ledgerentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert LedgerEntry.objects.get(pk=entry.pk).xp == 10


# ---- adjustments -----------------------------------------------------------------------------


def test_an_adjustment_is_a_new_entry_and_the_ledger_stays_clean(admin_client):
    learner = UserFactory(username="ana")
    original = earn(learner, 50, coins=20).entry

    response = admin_client.post(
        "/admin/achievements/ledgerentry/adjust/", {"user": "ana", "xp": -10, "coins": 15, "note": "Bug refund"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/achievements/ledgerentry/"
    adjustment = LedgerEntry.objects.get(user=learner, reason=Reason.ADJUSTMENT)
    assert (adjustment.xp, adjustment.coins, adjustment.note) == (-10, 15, "Bug refund")
    assert LedgerEntry.objects.get(pk=original.pk).xp == 50  # the past is untouched
    learner.refresh_from_db()
    assert (learner.xp, learner.coins) == (40, 35)
    call_command("check_ledger")  # exits 1 (CommandError) if any balance disagrees


def test_an_adjustment_below_zero_coins_is_refused_and_nothing_changes(admin_client):
    learner = UserFactory(username="ana")
    earn(learner, 0, coins=5, reason=Reason.ADJUSTMENT)

    response = admin_client.post(
        "/admin/achievements/ledgerentry/adjust/", {"user": "ana", "xp": 0, "coins": -6, "note": "Oops"}
    )

    assert response.status_code == 200
    assert "below zero" in text(response)
    learner.refresh_from_db()
    assert learner.coins == 5
    assert LedgerEntry.objects.filter(user=learner).count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"user": "nobody", "xp": 5, "coins": 0, "note": "x"}, "No learner with this username."),
        ({"user": "ana", "xp": 0, "coins": 0, "note": "Nothing"}, "must change XP or coins"),
        ({"user": "ana", "xp": 5, "coins": 0, "note": "   "}, "This field is required."),
    ],
)
def test_a_bad_adjustment_is_explained_and_records_nothing(admin_client, data, message):
    UserFactory(username="ana")
    response = admin_client.post("/admin/achievements/ledgerentry/adjust/", data)
    assert response.status_code == 200
    assert message in text(response)
    assert not LedgerEntry.objects.exists()


def test_only_someone_allowed_to_add_entries_may_adjust(client):
    editor = UserFactory(username="editor", is_staff=True)
    learner = UserFactory(username="ana")
    client.force_login(editor)

    response = client.post(
        "/admin/achievements/ledgerentry/adjust/", {"user": "ana", "xp": 500, "coins": 500, "note": "for me"}
    )

    assert response.status_code == 302
    learner.refresh_from_db()
    assert (learner.xp, learner.coins) == (0, 0)
    assert not LedgerEntry.objects.exists()


# ---- the dashboard ---------------------------------------------------------------------------


def test_the_admin_index_links_to_the_insights_dashboard(admin_client):
    page = text(admin_client.get("/admin/"))
    assert 'href="/admin/raiplay/insights/"' in page
    assert "Insights dashboard" in page


def test_insights_count_learners_active_learners_and_game_results(admin_client):
    active, idle = UserFactory(), UserFactory()
    UserFactory(is_active=False)
    game = make_game(single=2, title="Budget basics")
    untouched = make_game(single=1, title="Nobody played me")
    submit_attempt(user=active, game=game, answers=wrong_answers(game))
    submit_attempt(user=active, game=game, answers=correct_answers(game))
    submit_attempt(user=idle, game=game, answers=wrong_answers(game))
    LedgerEntry.objects.filter(user=idle).update(created_at="2020-01-01T00:00:00Z")

    overview = insights.overview()
    page = text(admin_client.get("/admin/raiplay/insights/"))

    assert overview.learners == 2  # active learners' accounts; the staff viewer and the deactivated are not counted
    assert overview.active_learners == 1
    row = next(g for g in overview.games if g.title == "Budget basics")
    assert (row.completions, row.attempts, row.passed, row.pass_rate) == (1, 3, 1, 33)
    assert next(g for g in overview.games if g.title == "Nobody played me").pass_rate is None
    assert (
        f'data-testid="game-{game.pk}"><td>Budget basics</td><td>minigame</td><td>1</td><td>3</td><td>33%</td>' in page
    )
    assert (
        f'data-testid="game-{untouched.pk}"><td>Nobody played me</td><td>minigame</td><td>0</td><td>0</td><td>—</td>'
        in page
    )
    assert 'data-testid="learners">2<' in page
    assert 'data-testid="active-learners">1<' in page


def test_insights_show_top_videos_most_completed_first(admin_client):
    assert "No video has been watched yet." in text(admin_client.get("/admin/raiplay/insights/"))
    popular, started = VideoFactory(title="Popular clip"), VideoFactory(title="Started clip")
    for _ in range(2):
        VideoViewFactory(video=popular, completed_at=timezone.now())
    VideoViewFactory(video=started)
    page = text(admin_client.get("/admin/raiplay/insights/"))
    assert [(row.title, row.views, row.completions) for row in insights.video_rows()] == [
        ("Popular clip", 2, 2),
        ("Started clip", 1, 0),
    ]
    assert page.index("Popular clip") < page.index("Started clip")


def test_insights_query_count_is_flat_as_games_grow(admin_client, django_assert_max_num_queries):
    for batch in (1, 12):
        for _ in range(batch):
            make_game(single=1)
        # 18 for the numbers, charts and tables, one count per translated kind for "Albanian texts",
        # three for FinBot's unanswered questions and flagged conversations.
        with django_assert_max_num_queries(24):
            assert admin_client.get("/admin/raiplay/insights/").status_code == 200


def test_a_staff_member_without_rights_still_cannot_change_content_through_the_dashboard(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/raiplay/insights/").status_code == 200
    assert client.get("/admin/achievements/shopitem/").status_code == 403
    assert admin_client_cannot_write(client)


def admin_client_cannot_write(client) -> bool:
    response = client.post("/admin/achievements/shopitem/add/", {"slug": "x", "name": "X", "cost_coins": 1})
    return response.status_code == 403 and not ShopItem.objects.exists()


def test_insights_count_and_list_content_missing_albanian(admin_client):
    game = make_game(single=1, title="Budget basics", title_sq="Bazat e buxhetit")
    question = game.questions.get()
    question.prompt_sq = "Çfarë është buxheti?"
    question.save()
    choice = question.choices.first()
    ShopItemFactory(name="Hoodie", name_sq="Bluzë me kapuç", description="Warm.")  # description in English only

    summary = insights.untranslated(with_items=True)
    page = text(admin_client.get("/admin/raiplay/insights/"))
    listed = text(admin_client.get("/admin/raiplay/insights/?missing=sq"))

    assert summary.counts["games"] == 1  # its description is English only
    assert summary.counts["questions"] == 1  # the explanation
    assert summary.counts["choices"] == question.choices.count()
    assert summary.counts["shop items"] == 1
    assert summary.counts["knowledge articles"] == 0
    rows = {(item.kind, item.label): item for item in summary.items}
    assert rows[("shop items", "Hoodie")].fields == ["description"]
    assert rows[("questions", str(question))].fields == ["explanation"]
    # A choice is edited on its question's page.
    assert rows[("choices", str(choice))].url == f"/admin/games/question/{question.pk}/change/"
    assert 'data-testid="missing-shop-items"><td>Shop items</td><td>1</td>' in page
    assert "Missing Albanian" not in page and 'href="?missing=sq"' in page
    assert "Missing Albanian" in listed and 'href="/admin/achievements/shopitem/' in listed


def test_content_translated_in_full_is_missing_nothing(admin_client):
    ShopItemFactory(name="Hoodie", name_sq="Bluzë me kapuç", description="Warm.", description_sq="E ngrohtë.")

    assert insights.untranslated().counts["shop items"] == 0
    assert "Every text has its Albanian version." in text(admin_client.get("/admin/raiplay/insights/?missing=sq"))
