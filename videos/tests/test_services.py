import threading

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.tests.factories import UserFactory
from videos import services
from videos.models import SavedVideo, VideoLike, VideoView
from videos.services import InvalidPosition, VideoUnavailable, record_progress

from .factories import VideoFactory, started_ago


def test_first_report_starts_the_clock_and_is_not_watched(learner, video):
    result = record_progress(user=learner, video=video, position_seconds=5)
    view = VideoView.objects.get(user=learner, video=video)
    assert result.watched is False
    assert result.rewards.xp == 0
    assert view.position_seconds == 5
    assert view.first_seen_at is not None
    assert view.completed_at is None


def test_reaching_the_end_too_early_is_not_watched_and_earns_nothing(learner, video):
    record_progress(user=learner, video=video, position_seconds=0)
    started_ago(learner, video, 29)  # half of 60 s is 30 s
    result = record_progress(user=learner, video=video, position_seconds=60)
    learner.refresh_from_db()
    assert result.watched is False
    assert result.rewards.xp == 0
    assert learner.xp == 0
    assert VideoView.objects.get(user=learner, video=video).completed_at is None


def test_skipping_to_the_end_on_the_first_report_is_not_watched(learner, video):
    result = record_progress(user=learner, video=video, position_seconds=60)
    learner.refresh_from_db()
    assert result.watched is False
    assert learner.xp == 0


def test_just_under_ninety_percent_is_not_watched(learner, video):
    record_progress(user=learner, video=video, position_seconds=0)
    started_ago(learner, video, 600)
    result = record_progress(user=learner, video=video, position_seconds=53.9)
    assert result.watched is False
    assert result.rewards.xp == 0


def test_exactly_ninety_percent_after_half_the_duration_is_watched_and_earns_xp_once(learner, video):
    record_progress(user=learner, video=video, position_seconds=0)
    started_ago(learner, video, 30)
    result = record_progress(user=learner, video=video, position_seconds=54)
    learner.refresh_from_db()
    assert result.watched is True
    assert result.first_time is True
    assert result.rewards.xp == video.xp_reward
    assert learner.xp == video.xp_reward
    assert VideoView.objects.get(user=learner, video=video).completed_at is not None


def test_furthest_position_counts_once_enough_time_has_passed(learner, video):
    # Reached the end too early, then kept watching: the furthest point is remembered.
    record_progress(user=learner, video=video, position_seconds=58)
    started_ago(learner, video, 40)
    result = record_progress(user=learner, video=video, position_seconds=20)
    view = VideoView.objects.get(user=learner, video=video)
    assert view.position_seconds == 58
    assert result.watched is True
    assert result.rewards.xp == video.xp_reward


def test_replay_after_watched_grants_nothing(learner, video):
    record_progress(user=learner, video=video, position_seconds=0)
    started_ago(learner, video, 60)
    record_progress(user=learner, video=video, position_seconds=60)
    again = record_progress(user=learner, video=video, position_seconds=60)
    replay = record_progress(user=learner, video=video, position_seconds=3)
    learner.refresh_from_db()
    assert again.watched is True and again.first_time is False
    assert again.rewards.xp == 0 and replay.rewards.xp == 0
    assert learner.xp == video.xp_reward


def test_each_learner_earns_their_own_reward(learner, video):
    other = UserFactory()
    for user in (learner, other):
        record_progress(user=user, video=video, position_seconds=0)
        started_ago(user, video, 60)
        record_progress(user=user, video=video, position_seconds=60)
    learner.refresh_from_db()
    other.refresh_from_db()
    assert learner.xp == other.xp == video.xp_reward


@pytest.mark.parametrize(
    "position",
    [-1, -0.01, 121, 1e9, "12", None, True, float("nan"), float("inf")],
    ids=["negative", "just-negative", "past-twice", "huge", "text", "none", "bool", "nan", "inf"],
)
def test_bad_positions_are_refused_and_change_nothing(learner, video, position):
    with pytest.raises(InvalidPosition):
        record_progress(user=learner, video=video, position_seconds=position)
    assert not VideoView.objects.filter(user=learner).exists()


def test_more_than_a_day_is_refused_even_for_a_long_video(learner):
    long_video = VideoFactory(duration_seconds=20 * 60 * 60)  # twice would be 40 h
    with pytest.raises(InvalidPosition):
        record_progress(user=learner, video=long_video, position_seconds=24 * 60 * 60 + 1)
    assert record_progress(user=learner, video=long_video, position_seconds=24 * 60 * 60).watched is False


def test_twice_the_duration_is_accepted(learner, video):
    result = record_progress(user=learner, video=video, position_seconds=120)
    assert result.view.position_seconds == 120


def test_unpublished_video_cannot_be_watched_saved_or_liked(learner):
    hidden = VideoFactory(is_published=False)
    for call in (
        lambda: record_progress(user=learner, video=hidden, position_seconds=1),
        lambda: services.save_video(user=learner, video=hidden),
        lambda: services.like_video(user=learner, video=hidden),
    ):
        with pytest.raises(VideoUnavailable):
            call()
    assert not VideoView.objects.exists()
    assert not SavedVideo.objects.exists()
    assert not VideoLike.objects.exists()


def test_saving_twice_keeps_one_row_and_unsaving_twice_is_fine(learner, video):
    assert services.save_video(user=learner, video=video) is True
    assert services.save_video(user=learner, video=video) is True
    assert SavedVideo.objects.filter(user=learner, video=video).count() == 1
    assert services.unsave_video(user=learner, video=video) is False
    assert services.unsave_video(user=learner, video=video) is False
    assert not SavedVideo.objects.exists()


def test_liking_twice_keeps_one_row_and_unliking_twice_is_fine(learner, video):
    services.like_video(user=learner, video=video)
    services.like_video(user=learner, video=video)
    assert VideoLike.objects.filter(user=learner, video=video).count() == 1
    services.unlike_video(user=learner, video=video)
    services.unlike_video(user=learner, video=video)
    assert not VideoLike.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_finishing_reports_reward_once():
    learner = UserFactory(username="racer")
    video = VideoFactory(duration_seconds=10, xp_reward=25)
    record_progress(user=learner, video=video, position_seconds=0)
    started_ago(learner, video, 10)
    workers = 8
    barrier = threading.Barrier(workers)
    results, errors = [], []

    def finish():
        try:
            barrier.wait()
            results.append(record_progress(user=learner, video=video, position_seconds=10))
        except Exception as error:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=finish) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    learner.refresh_from_db()
    assert errors == []
    assert len(results) == workers
    assert all(result.watched for result in results)
    assert [result.first_time for result in results].count(True) == 1
    assert sum(result.rewards.xp for result in results) == 25
    assert learner.xp == 25
    call_command("check_ledger")  # raises CommandError when a balance disagrees with the ledger


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_reports_create_one_view():
    learner = UserFactory(username="tapper")
    video = VideoFactory(duration_seconds=10)
    workers = 6
    barrier = threading.Barrier(workers)
    errors = []

    def report():
        try:
            barrier.wait()
            record_progress(user=learner, video=video, position_seconds=1)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=report) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert VideoView.objects.filter(user=learner, video=video).count() == 1
