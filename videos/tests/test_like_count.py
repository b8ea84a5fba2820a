"""The kept like counter: moved with each like row, never counted per request."""

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.services import delete_account
from accounts.tests.factories import UserFactory
from conftest import run_together
from videos import services
from videos.models import Video, VideoLike

from .factories import VideoFactory, VideoLikeFactory


def likes_of(video: Video) -> int:
    return Video.objects.values_list("like_count", flat=True).get(pk=video.pk)


def test_like_and_unlike_move_the_counter_only_when_a_row_moves(learner, video):
    services.like_video(user=learner, video=video)
    services.like_video(user=learner, video=video)
    assert likes_of(video) == 1
    services.like_video(user=UserFactory(), video=video)
    assert likes_of(video) == 2
    services.unlike_video(user=learner, video=video)
    services.unlike_video(user=learner, video=video)
    assert likes_of(video) == 1 == VideoLike.objects.filter(video=video).count()


def test_erasing_a_learner_takes_their_likes_off_the_counters(learner, video):
    other = VideoFactory()
    fan = UserFactory()
    for liked in (video, other):
        services.like_video(user=learner, video=liked)
    services.like_video(user=fan, video=video)
    delete_account(user=learner)
    assert (likes_of(video), likes_of(other)) == (1, 0)


def test_an_editor_deleting_likes_in_the_admin_moves_the_counters(video):
    likes = VideoLikeFactory.create_batch(3, video=video)
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(f"/admin/videos/videolike/{likes[0].pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert likes_of(video) == 2
    response = client.post(
        "/admin/videos/videolike/",
        {"action": "delete_selected", "_selected_action": [like.pk for like in likes[1:]], "post": "yes"},
    )
    assert response.status_code == 302
    assert likes_of(video) == 0 == VideoLike.objects.count()


def test_recount_likes_heals_a_drifted_counter(video):
    VideoLikeFactory.create_batch(2, video=video)
    untouched = VideoFactory()
    Video.objects.filter(pk=video.pk).update(like_count=7)
    call_command("recount_likes", stdout=_Sink())
    assert (likes_of(video), likes_of(untouched)) == (2, 0)
    assert services.recount_likes() == 0


class _Sink:
    def write(self, text):
        pass

    def flush(self):
        pass


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_likes_and_unlikes_racing_end_with_the_counter_equal_to_the_rows():
    video = VideoFactory()
    fans = UserFactory.create_batch(6)
    for fan in fans[:3]:
        services.like_video(user=fan, video=video)

    def tap(index: int) -> None:
        # Each fan taps like and unlike at once, twice over (double taps, retries).
        fan = fans[index % len(fans)]
        if index // len(fans) % 2:
            services.unlike_video(user=fan, video=video)
        else:
            services.like_video(user=fan, video=video)

    _results, errors = run_together(24, tap)
    assert errors == []
    assert likes_of(video) == VideoLike.objects.filter(video=video).count()
    _results, errors = run_together(12, lambda index: services.like_video(user=fans[index % 6], video=video))
    assert errors == []
    assert likes_of(video) == 6 == VideoLike.objects.filter(video=video).count()


def test_the_list_the_detail_and_the_like_answer_read_the_kept_counter(auth_api, video):
    # A counter that disagrees with the rows shows through: nothing counts the likes per request.
    Video.objects.filter(pk=video.pk).update(like_count=41)
    assert auth_api.get("/api/v1/videos/").json()["results"][0]["likes"] == 41
    assert auth_api.get(f"/api/v1/videos/{video.pk}/").json()["likes"] == 41
    assert auth_api.post(f"/api/v1/videos/{video.pk}/like").json() == {"liked": True, "likes": 42}
