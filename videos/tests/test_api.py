import pytest
from django.test import Client

from accounts.tests.factories import UserFactory
from conftest import client_for
from videos.models import SavedVideo, VideoLike, VideoView

from .factories import SavedVideoFactory, VideoFactory, VideoLikeFactory, VideoViewFactory, started_ago

REWARD_KEYS = {"xp", "coins", "level", "level_up", "achievements", "daily_quests"}


def test_list_is_paginated_with_each_videos_fields_for_a_visitor(api, video):
    response = api.get("/api/v1/videos/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    (item,) = body["results"]
    assert item["slug"] == "what-is-interest"
    assert item["url"] == "http://testserver/static/demo/videos/what-is-interest.mp4"
    assert item["thumbnail"] == "http://testserver/static/demo/videos/what-is-interest.jpg"
    assert item["duration_seconds"] == 60
    assert item["tags"] == ["saving"]
    assert (item["saved"], item["liked"], item["watched"]) == (False, False, False)


def test_list_answers_without_the_trailing_slash_too(api, video):
    assert api.get("/api/v1/videos").json()["count"] == 1


def test_list_shows_the_signed_in_learners_state_only(auth_api, learner, video):
    other = VideoFactory(slug="other")
    SavedVideoFactory(user=learner, video=video)
    VideoLikeFactory(user=learner, video=other)
    VideoViewFactory(user=learner, video=other, position_seconds=60, completed_at="2026-01-01T00:00:00Z")
    SavedVideoFactory(video=other)  # someone else's
    body = auth_api.get("/api/v1/videos/").json()
    state = {item["slug"]: (item["saved"], item["liked"], item["watched"]) for item in body["results"]}
    assert state == {"what-is-interest": (True, False, False), "other": (False, True, True)}


def test_list_filters_by_category_and_search(auth_api):
    VideoFactory(slug="a", title="Compound interest", category="saving")
    VideoFactory(slug="b", title="Credit cards", category="credit", tags=["interest"])
    VideoFactory(slug="c", title="Phishing", category="safety", tags=["scams"])
    assert [v["slug"] for v in auth_api.get("/api/v1/videos/", {"category": "credit"}).json()["results"]] == ["b"]
    found = {v["slug"] for v in auth_api.get("/api/v1/videos/", {"q": "interest"}).json()["results"]}
    assert found == {"a", "b"}


def test_list_query_count_is_flat_as_videos_grow(auth_api, learner, django_assert_max_num_queries):
    fan = UserFactory()
    for video in VideoFactory.create_batch(20):
        SavedVideoFactory(user=learner, video=video)
        VideoLikeFactory(user=fan, video=video)
    # user (token) + count + page
    with django_assert_max_num_queries(4):
        response = auth_api.get("/api/v1/videos/")
    assert response.json()["count"] == 20
    assert all(item["saved"] and item["likes"] == 1 for item in response.json()["results"])


def test_saved_list_needs_sign_in_and_holds_my_saves(api, auth_api, learner, video):
    VideoFactory(slug="unsaved")
    SavedVideoFactory(user=learner, video=video)
    assert api.get("/api/v1/videos/saved").status_code == 401
    body = auth_api.get("/api/v1/videos/saved").json()
    assert [item["slug"] for item in body["results"]] == ["what-is-interest"]
    assert body["results"][0]["saved"] is True


def test_save_is_idempotent_both_ways(auth_api, learner, video):
    url = f"/api/v1/videos/{video.pk}/save"
    first, second = auth_api.post(url), auth_api.post(url)
    assert (first.status_code, first.json()) == (200, {"saved": True})
    assert (second.status_code, second.json()) == (200, {"saved": True})
    assert SavedVideo.objects.filter(user=learner, video=video).count() == 1
    removed, again = auth_api.delete(url), auth_api.delete(url)
    assert (removed.status_code, removed.json()) == (200, {"saved": False})
    assert (again.status_code, again.json()) == (200, {"saved": False})
    assert not SavedVideo.objects.exists()


def test_like_is_idempotent_and_returns_the_count(auth_api, learner, video):
    VideoLikeFactory(video=video)
    url = f"/api/v1/videos/{video.pk}/like"
    assert auth_api.post(url).json() == {"liked": True, "likes": 2}
    assert auth_api.post(url).json() == {"liked": True, "likes": 2}
    assert VideoLike.objects.filter(user=learner).count() == 1
    assert auth_api.delete(url).json() == {"liked": False, "likes": 1}
    assert auth_api.delete(url).json() == {"liked": False, "likes": 1}


@pytest.mark.parametrize("action", ["save", "like", "progress"])
def test_actions_need_sign_in(api, video, action):
    response = api.post(f"/api/v1/videos/{video.pk}/{action}", {"position_seconds": 1})
    assert response.status_code == 401
    assert not VideoView.objects.exists()


@pytest.mark.parametrize("action", ["save", "like", "progress"])
def test_actions_on_unpublished_or_unknown_videos_are_404(auth_api, action):
    hidden = VideoFactory(is_published=False)
    for pk in (hidden.pk, 999_999):
        response = auth_api.post(f"/api/v1/videos/{pk}/{action}", {"position_seconds": 1})
        assert response.status_code == 404
    assert not (VideoView.objects.exists() or SavedVideo.objects.exists() or VideoLike.objects.exists())


def test_unpublished_video_is_not_retrievable(api, db):
    hidden = VideoFactory(is_published=False)
    assert api.get(f"/api/v1/videos/{hidden.pk}/").status_code == 404


def test_progress_too_early_is_not_watched(auth_api, learner, video):
    url = f"/api/v1/videos/{video.pk}/progress"
    auth_api.post(url, {"position_seconds": 0})
    response = auth_api.post(url, {"position_seconds": 60})
    assert response.status_code == 200
    body = response.json()
    assert body["watched"] is False
    assert body["position_seconds"] == 60
    assert set(body["rewards"]) == REWARD_KEYS
    assert body["rewards"]["xp"] == 0


def test_progress_that_finishes_the_video_returns_the_rewards_once(auth_api, learner, video):
    url = f"/api/v1/videos/{video.pk}/progress"
    auth_api.post(url, {"position_seconds": 0})
    started_ago(learner, video, 30)
    first = auth_api.post(url, {"position_seconds": 54}).json()
    second = auth_api.post(url, {"position_seconds": 60}).json()
    learner.refresh_from_db()
    assert first["watched"] is True
    assert first["rewards"]["xp"] == 15
    assert first["rewards"]["level"] == learner.level
    assert second["watched"] is True
    assert second["rewards"] == {
        "xp": 0,
        "coins": 0,
        "level": learner.level,
        "level_up": False,
        "achievements": [],
        "daily_quests": [],
    }
    assert learner.xp == 15


def test_progress_accepts_a_form_post(auth_api, video):
    response = auth_api.post(f"/api/v1/videos/{video.pk}/progress", {"position_seconds": "2.5"}, format="multipart")
    assert response.status_code == 200
    assert response.json()["position_seconds"] == 2.5


@pytest.mark.parametrize(
    "body",
    [
        {"position_seconds": -1},
        {"position_seconds": 121},
        {"position_seconds": 100_000},
        {"position_seconds": "soon"},
        {"position_seconds": True},
        {"position_seconds": None},
        {"position_seconds": [1]},
        {},
    ],
    ids=["negative", "past-twice", "past-a-day", "text", "bool", "null", "list", "missing"],
)
def test_bad_positions_are_400_with_a_message(auth_api, video, body):
    response = auth_api.post(f"/api/v1/videos/{video.pk}/progress", body)
    assert response.status_code == 400
    data = response.json()
    message = data.get("detail") or data.get("position_seconds")
    assert message, data
    assert not VideoView.objects.exists()


def test_non_numeric_video_id_is_404(auth_api):
    assert auth_api.post("/api/v1/videos/abc/save").status_code == 404


def test_another_learners_save_does_not_change_mine(auth_api, video):
    other = client_for(UserFactory())
    other.post(f"/api/v1/videos/{video.pk}/save")
    (item,) = auth_api.get("/api/v1/videos/").json()["results"]
    assert item["saved"] is False


def test_session_post_without_csrf_token_is_refused(learner, video):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)
    response = browser.post(f"/api/v1/videos/{video.pk}/save", content_type="application/json")
    assert response.status_code == 403
    assert not SavedVideo.objects.exists()


def test_every_video_endpoint_is_in_the_schema(api, db):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path, methods in {
        "/api/v1/videos/": {"get"},
        "/api/v1/videos/saved": {"get"},
        "/api/v1/videos/{id}/save": {"post", "delete"},
        "/api/v1/videos/{id}/like": {"post", "delete"},
        "/api/v1/videos/{id}/progress": {"post"},
    }.items():
        matching = [p for p in paths if p.rstrip("/") == path.rstrip("/")]
        assert matching, f"{path} missing from the schema"
        assert methods <= set(paths[matching[0]]), path


def test_unknown_category_is_400(api, db):
    response = api.get("/api/v1/videos/", {"category": "gambling"})
    assert response.status_code == 400
    assert "category" in response.json()


def test_data_export_holds_my_videos_section(auth_api, learner, video):
    auth_api.post(f"/api/v1/videos/{video.pk}/save")
    auth_api.post(f"/api/v1/videos/{video.pk}/like")
    auth_api.post(f"/api/v1/videos/{video.pk}/progress", {"position_seconds": 4})
    section = auth_api.get("/api/v1/users/me/export").json()["videos"]
    assert [row["video"] for row in section["saved"]] == ["what-is-interest"]
    assert [row["video"] for row in section["liked"]] == ["what-is-interest"]
    assert section["views"][0]["position_seconds"] == 4


def test_progress_reports_are_rate_limited_per_learner(auth_api, learner, video, settings):
    settings.VIDEO_PROGRESS_RATE = "3/h"
    for position in (1, 2, 3):
        assert auth_api.post(f"/api/v1/videos/{video.pk}/progress", {"position_seconds": position}).status_code == 200
    response = auth_api.post(f"/api/v1/videos/{video.pk}/progress", {"position_seconds": 4})
    assert response.status_code == 429
    assert "Too many requests" in response.json()["detail"]
    assert VideoView.objects.get(user=learner, video=video).position_seconds == 3
