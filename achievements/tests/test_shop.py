"""The coin shop: redeeming through the API, and the races PostgreSQL's row locks must win."""

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.tests.factories import UserFactory
from achievements import selectors
from achievements.models import LedgerEntry, Reason, Redemption, ShopItem
from conftest import client_for, run_together

from .factories import ShopItemFactory
from .reward_helpers import boards_fixture, earn  # noqa: F401

pytestmark = pytest.mark.django_db


def redeem_url(item):
    return f"/api/v1/shop/items/{item.pk}/redeem"


def rich(coins, **fields):
    user = UserFactory(**fields)
    if coins:
        earn(user, coins=coins, reason=Reason.ADJUSTMENT, note="test coins")
    return user


def ledger_is_clean():
    call_command("check_ledger")  # raises CommandError (exit 1) when any balance disagrees
    return True


# ---- the API ------------------------------------------------------------------------


def test_redeem_returns_201_with_the_code_the_item_and_the_new_balance(learner):
    earn(learner, coins=80, reason=Reason.ADJUSTMENT)
    item = ShopItemFactory(name="Cinema ticket", cost_coins=50, stock=3)

    response = client_for(learner).post(redeem_url(item))

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"code", "item", "coins"}
    assert body["coins"] == 30
    assert body["item"]["id"] == item.pk
    assert body["item"]["name"] == "Cinema ticket"
    assert body["item"]["stock"] == 2
    redemption = Redemption.objects.get(user=learner)
    assert body["code"] == redemption.code
    assert redemption.code.startswith("RP-")
    assert redemption.coins == 50
    learner.refresh_from_db()
    assert learner.coins == 30
    spent = LedgerEntry.objects.get(user=learner, reason=Reason.SHOP)
    assert (spent.coins, spent.xp, spent.source_id) == (-50, 0, str(redemption.pk))
    assert ledger_is_clean()


def test_not_enough_coins_is_409_and_nothing_changes(learner):
    earn(learner, coins=49, reason=Reason.ADJUSTMENT)
    item = ShopItemFactory(cost_coins=50, stock=3)

    response = client_for(learner).post(redeem_url(item))

    assert response.status_code == 409
    assert set(response.json()) == {"detail"}
    assert "50" in response.json()["detail"]
    learner.refresh_from_db()
    item.refresh_from_db()
    assert (learner.coins, item.stock) == (49, 3)
    assert not Redemption.objects.exists()
    assert not LedgerEntry.objects.filter(reason=Reason.SHOP).exists()


def test_out_of_stock_is_409_and_nothing_changes(learner):
    earn(learner, coins=500, reason=Reason.ADJUSTMENT)
    item = ShopItemFactory(cost_coins=50, stock=0)

    response = client_for(learner).post(redeem_url(item))

    assert response.status_code == 409
    assert response.json() == {"detail": f"Sorry, “{item.name}” is sold out."}
    learner.refresh_from_db()
    assert learner.coins == 500
    assert not Redemption.objects.exists()


def test_the_last_item_in_stock_can_be_redeemed_once(learner):
    earn(learner, coins=500, reason=Reason.ADJUSTMENT)
    item = ShopItemFactory(cost_coins=50, stock=1)
    client = client_for(learner)

    assert client.post(redeem_url(item)).status_code == 201
    assert client.post(redeem_url(item)).status_code == 409
    item.refresh_from_db()
    learner.refresh_from_db()
    assert (item.stock, learner.coins) == (0, 450)


def test_unlimited_items_keep_no_stock_count(learner):
    earn(learner, coins=100, reason=Reason.ADJUSTMENT)
    item = ShopItemFactory(cost_coins=10, stock=None)
    client = client_for(learner)

    codes = {client.post(redeem_url(item)).json()["code"] for _ in range(3)}

    item.refresh_from_db()
    assert item.stock is None
    assert len(codes) == 3  # every redemption has its own code


@pytest.mark.parametrize("pk_of", [lambda item: item.pk, lambda item: 999_999])
def test_an_inactive_or_unknown_item_is_404(learner, pk_of):
    earn(learner, coins=500, reason=Reason.ADJUSTMENT)
    item = ShopItemFactory(cost_coins=10, active=False)

    response = client_for(learner).post(f"/api/v1/shop/items/{pk_of(item)}/redeem")

    assert response.status_code == 404
    assert "detail" in response.json()
    learner.refresh_from_db()
    assert learner.coins == 500


def test_a_streak_freeze_item_adds_a_freeze(learner):
    earn(learner, coins=100, reason=Reason.ADJUSTMENT)
    freeze = ShopItemFactory(kind=ShopItem.Kind.STREAK_FREEZE, cost_coins=40)

    response = client_for(learner).post(redeem_url(freeze))

    assert response.status_code == 201
    learner.refresh_from_db()
    assert (learner.streak_freezes, learner.coins) == (1, 60)


def test_a_voucher_adds_no_freeze(learner):
    earn(learner, coins=100, reason=Reason.ADJUSTMENT)
    client_for(learner).post(redeem_url(ShopItemFactory(cost_coins=40)))
    learner.refresh_from_db()
    assert learner.streak_freezes == 0


def test_spending_does_not_move_xp_or_the_leaderboard(learner):
    earn(learner, 120, coins=100)
    client_for(learner).post(redeem_url(ShopItemFactory(cost_coins=40)))
    learner.refresh_from_db()
    assert (learner.xp, learner.level) == (120, 2)


def test_redeem_needs_a_signed_in_learner(api, db):
    item = ShopItemFactory()
    assert api.post(redeem_url(item)).status_code == 401
    assert api.get("/api/v1/shop/items").status_code == 401
    assert api.get("/api/v1/shop/redemptions").status_code == 401


def test_redeem_is_post_only(learner):
    item = ShopItemFactory()
    assert client_for(learner).get(redeem_url(item)).status_code == 405


def test_shop_items_lists_active_items_with_stock_state(learner):
    cheap = ShopItemFactory(name="Sticker", cost_coins=5, stock=None)
    gone = ShopItemFactory(name="Hoodie", cost_coins=500, stock=0)
    ShopItemFactory(name="Retired", active=False)

    body = client_for(learner).get("/api/v1/shop/items").json()

    assert body["count"] == 2
    assert [(i["id"], i["in_stock"]) for i in body["results"]] == [(cheap.pk, True), (gone.pk, False)]
    assert set(body["results"][0]) == {
        "id",
        "slug",
        "name",
        "description",
        "image",
        "kind",
        "cost_coins",
        "stock",
        "in_stock",
    }


def test_redemptions_lists_only_the_learners_own_codes_newest_first(learner):
    other = rich(100)
    earn(learner, coins=100, reason=Reason.ADJUSTMENT)
    first, second = ShopItemFactory(cost_coins=10), ShopItemFactory(cost_coins=20)
    client = client_for(learner)
    code_one = client.post(redeem_url(first)).json()["code"]
    code_two = client.post(redeem_url(second)).json()["code"]
    client_for(other).post(redeem_url(first))

    body = client.get("/api/v1/shop/redemptions").json()

    assert [r["code"] for r in body["results"]] == [code_two, code_one]
    assert body["results"][0]["item"]["id"] == second.pk
    assert set(body["results"][0]) == {"id", "code", "item", "coins", "created_at"}


def test_shop_lists_query_count_is_flat(learner, django_assert_max_num_queries):
    client = client_for(learner)
    earn(learner, coins=10_000, reason=Reason.ADJUSTMENT)
    for batch in (2, 15):
        items = ShopItemFactory.create_batch(batch, cost_coins=1)
        for item in items:
            client.post(redeem_url(item))
        with django_assert_max_num_queries(3):  # the learner, the count, the page
            assert client.get("/api/v1/shop/items").status_code == 200
        with django_assert_max_num_queries(3):
            assert client.get("/api/v1/shop/redemptions").status_code == 200


def test_redemptions_selector_is_the_learners_own(learner):
    other = rich(50)
    earn(learner, coins=50, reason=Reason.ADJUSTMENT)
    item = ShopItemFactory(cost_coins=10)
    client_for(other).post(redeem_url(item))
    assert list(selectors.redemptions_for(user=learner)) == []


# ---- races (PostgreSQL row locks) ------------------------------------------------------


def race(n, action):
    """Run `action(i)` in n threads released together; any error fails the test."""
    results, errors = run_together(n, action)
    assert errors == [], errors
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_redemptions_with_coins_for_three_let_exactly_three_through():
    user = rich(30)
    item = ShopItemFactory(cost_coins=10, stock=None)
    clients = [client_for(user) for _ in range(30)]

    statuses = race(30, lambda i: clients[i].post(redeem_url(item)).status_code)

    assert sorted(statuses) == [201] * 3 + [409] * 27, statuses
    user = User.objects.get(pk=user.pk)
    assert user.coins == 0
    assert Redemption.objects.filter(user=user).count() == 3
    assert LedgerEntry.objects.filter(user=user, reason=Reason.SHOP).count() == 3
    assert ledger_is_clean()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_thirty_learners_racing_for_five_items_get_exactly_five():
    users = [rich(100) for _ in range(30)]
    item = ShopItemFactory(cost_coins=60, stock=5)
    clients = [client_for(user) for user in users]

    statuses = race(30, lambda i: clients[i].post(redeem_url(item)).status_code)

    assert sorted(statuses) == [201] * 5 + [409] * 25, statuses
    item.refresh_from_db()
    assert item.stock == 0
    assert Redemption.objects.filter(item=item).count() == 5
    winners = set(Redemption.objects.values_list("user_id", flat=True))
    balances = dict(User.objects.filter(pk__in=[u.pk for u in users]).values_list("pk", "coins"))
    assert all(coins == (40 if pk in winners else 100) for pk, coins in balances.items())
    assert min(balances.values()) >= 0
    assert ledger_is_clean()
