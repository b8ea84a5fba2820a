"""Idempotency-Key: a retried write answers as the first time did, and the work happens once."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.tests.factories import UserFactory
from achievements.models import LedgerEntry, Reason, Redemption
from achievements.tests.factories import ShopItemFactory
from achievements.tests.reward_helpers import earn
from conftest import client_for, run_together
from core.models import IdempotencyKey
from games.models import Attempt
from games.tests.factories import as_json, correct_answers, make_game
from videos.tests.factories import VideoFactory

pytestmark = pytest.mark.django_db


def redeem(client, item, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(f"/api/v1/shop/items/{item.pk}/redeem", **headers)


def test_a_retried_redemption_returns_the_first_answer_and_spends_once(learner):
    earn(learner, coins=100, reason=Reason.ADJUSTMENT)
    item = ShopItemFactory(cost_coins=30, stock=5)
    client = client_for(learner)

    first = redeem(client, item, key="tap-1")
    retry = redeem(client, item, key="tap-1")

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert Redemption.objects.filter(user=learner).count() == 1
    assert LedgerEntry.objects.filter(user=learner, reason=Reason.SHOP).count() == 1
    learner.refresh_from_db()
    item.refresh_from_db()
    assert (learner.coins, item.stock) == (70, 4)
    assert redeem(client, item, key="tap-2").status_code == 201  # a new key is a new redemption


def test_without_a_key_every_request_is_its_own(learner):
    earn(learner, coins=100, reason=Reason.ADJUSTMENT)
    item = ShopItemFactory(cost_coins=30, stock=None)
    client = client_for(learner)

    assert [redeem(client, item).status_code for _ in range(2)] == [201, 201]
    assert Redemption.objects.count() == 2


def test_a_refusal_is_replayed_too_not_redone(learner):
    item = ShopItemFactory(cost_coins=30, stock=5)
    client = client_for(learner)

    first = redeem(client, item, key="broke")
    earn(learner, coins=100, reason=Reason.ADJUSTMENT)
    retry = redeem(client, item, key="broke")

    assert first.status_code == retry.status_code == 409
    assert retry.json() == first.json()
    assert not Redemption.objects.exists()


def test_a_retried_passing_attempt_returns_the_same_result_and_rewards_once(learner):
    game = make_game(single=2, xp_reward=40)
    client = client_for(learner)
    body = {"answers": as_json(correct_answers(game))}
    url = f"/api/v1/games/{game.pk}/attempts"

    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="play-7")
    retry = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="play-7")

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert first.json()["rewards"]["xp"] == 40
    assert Attempt.objects.count() == 1
    assert LedgerEntry.objects.filter(user=learner).count() == 1
    learner.refresh_from_db()
    assert learner.xp == 40


def test_video_progress_takes_a_key(learner):
    video = VideoFactory(duration_seconds=10)
    client = client_for(learner)
    url = f"/api/v1/videos/{video.pk}/progress"

    first = client.post(url, {"position_seconds": 3}, format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    retry = client.post(url, {"position_seconds": 3}, format="json", HTTP_IDEMPOTENCY_KEY="p-1")

    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()


def test_a_key_belongs_to_one_learner_and_one_request(learner):
    earn(learner, coins=100, reason=Reason.ADJUSTMENT)
    other = client_for(UserFactory())
    item, other_item = ShopItemFactory(cost_coins=10), ShopItemFactory(cost_coins=10)
    client = client_for(learner)

    assert redeem(client, item, key="same").status_code == 201
    reused = redeem(client, other_item, key="same")
    theirs = redeem(other, item, key="same")

    assert reused.status_code == 409
    assert reused.json() == {"detail": "This Idempotency-Key was already used for another request."}
    assert theirs.status_code == 409  # their own request (no coins): not a replay of ours
    assert "Idempotent-Replayed" not in theirs
    assert Redemption.objects.count() == 1


@pytest.mark.parametrize("key", ["", "   ", "k" * 65])
def test_an_empty_or_over_long_key_is_a_400_and_nothing_happens(learner, key):
    earn(learner, coins=100, reason=Reason.ADJUSTMENT)
    item = ShopItemFactory(cost_coins=10)

    response = redeem(client_for(learner), item, key=key)

    assert response.status_code == 400
    assert response.json() == {"detail": "An Idempotency-Key is 1 to 64 characters."}
    assert not Redemption.objects.exists()


def test_a_key_older_than_a_day_counts_as_new_and_the_purge_drops_old_ones(learner):
    earn(learner, coins=100, reason=Reason.ADJUSTMENT)
    item = ShopItemFactory(cost_coins=10, stock=None)
    client = client_for(learner)
    redeem(client, item, key="old")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))

    again = redeem(client, item, key="old")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    call_command("purge_idempotency_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert Redemption.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_racing_requests_with_one_key_redeem_once_and_all_learn_the_outcome():
    learner = UserFactory()
    earn(learner, coins=100, reason=Reason.ADJUSTMENT)
    item = ShopItemFactory(cost_coins=10, stock=None)
    clients = [client_for(learner) for _ in range(10)]

    results, errors = run_together(10, lambda i: redeem(clients[i], item, key="double-tap"))

    assert errors == []
    assert {response.status_code for response in results} == {201}
    assert len({response.content for response in results}) == 1
    assert Redemption.objects.filter(user=learner).count() == 1
    learner.refresh_from_db()
    assert learner.coins == 90


def test_a_rate_limited_request_keeps_no_answer_so_the_retry_does_the_work(learner, settings):
    settings.VIDEO_PROGRESS_RATE = "1/h"
    video = VideoFactory(duration_seconds=10)
    client = client_for(learner)
    url = f"/api/v1/videos/{video.pk}/progress"
    client.post(url, {"position_seconds": 1}, format="json")

    limited = client.post(url, {"position_seconds": 3}, format="json", HTTP_IDEMPOTENCY_KEY="later")
    settings.VIDEO_PROGRESS_RATE = "100/h"
    retry = client.post(url, {"position_seconds": 3}, format="json", HTTP_IDEMPOTENCY_KEY="later")

    assert limited.status_code == 429
    assert retry.status_code == 200
    assert "Idempotent-Replayed" not in retry
