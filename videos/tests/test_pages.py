import pytest
from django.test import Client

from accounts.tests.factories import UserFactory
from videos.models import SavedVideo, VideoLike

from .factories import SavedVideoFactory, VideoFactory, VideoLikeFactory, VideoViewFactory


@pytest.fixture
def browser_client(learner):
    client = Client()
    client.force_login(learner)
    return client


def test_visitors_can_browse_the_feed(client, video):
    response = client.get("/videos/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "What is interest?" in html
    assert 'src="/static/demo/videos/what-is-interest.mp4"' in html
    assert "playsinline" in html and "muted" in html
    assert "js/videos.js" in html
    assert 'data-signed-in="0"' in html


def test_feed_filters_by_category_chip_and_search_box(client, db):
    VideoFactory(slug="a", title="Compound interest", category="saving")
    VideoFactory(slug="b", title="Credit cards", category="credit")
    by_category = client.get("/videos/", {"category": "credit"}).content.decode()
    by_search = client.get("/videos/", {"q": "compound"}).content.decode()
    assert "Credit cards" in by_category and "Compound interest" not in by_category
    assert "Compound interest" in by_search and "Credit cards" not in by_search


def test_unknown_category_shows_everything(client, video):
    assert "What is interest?" in client.get("/videos/", {"category": "nope"}).content.decode()


def test_feed_shows_the_watched_tick_for_finished_videos_only(browser_client, learner, video):
    unfinished = VideoFactory(slug="unfinished")
    VideoViewFactory(user=learner, video=video, position_seconds=60, completed_at="2026-01-01T00:00:00Z")
    VideoViewFactory(user=learner, video=unfinished, position_seconds=3)
    html = browser_client.get("/videos/").content.decode()
    finished_card = html.split('id="video-what-is-interest"')[1].split("</article>")[0]
    unfinished_card = html.split('id="video-unfinished"')[1].split("</article>")[0]
    assert "data-watched-tick>" in finished_card
    assert "data-watched-tick hidden>" in unfinished_card


def test_feed_query_count_is_flat_as_videos_grow(browser_client, learner, django_assert_max_num_queries):
    fan = UserFactory()
    for video in VideoFactory.create_batch(12):
        SavedVideoFactory(user=learner, video=video)
        VideoLikeFactory(user=fan, video=video)
    # session + user + count + page
    with django_assert_max_num_queries(5):
        response = browser_client.get("/videos/")
    assert response.content.decode().count("<article") == 12


def test_feed_pages_after_twelve_videos(client, db):
    VideoFactory.create_batch(13)
    first = client.get("/videos/").content.decode()
    second = client.get("/videos/", {"page": 2}).content.decode()
    assert first.count("<article") == 12
    assert second.count("<article") == 1
    assert "page=2" in first


def test_save_form_works_without_javascript_and_comes_back(browser_client, learner, video):
    response = browser_client.post(
        f"/videos/{video.pk}/save/", {"action": "save", "next": "/videos/?category=saving#video-what-is-interest"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/videos/?category=saving#video-what-is-interest"
    assert SavedVideo.objects.filter(user=learner, video=video).exists()
    html = browser_client.get("/videos/").content.decode()
    assert 'name="action" value="unsave"' in html
    browser_client.post(f"/videos/{video.pk}/save/", {"action": "unsave", "next": "/videos/"})
    assert not SavedVideo.objects.exists()


def test_like_form_works_without_javascript(browser_client, learner, video):
    browser_client.post(f"/videos/{video.pk}/like/", {"action": "like"})
    browser_client.post(f"/videos/{video.pk}/like/", {"action": "like"})
    assert VideoLike.objects.filter(user=learner, video=video).count() == 1
    browser_client.post(f"/videos/{video.pk}/like/", {"action": "unlike"})
    assert not VideoLike.objects.exists()


def test_forms_never_redirect_off_site(browser_client, video):
    response = browser_client.post(f"/videos/{video.pk}/save/", {"action": "save", "next": "https://evil.example/"})
    assert response["Location"] == "/videos/"


def test_visitor_pressing_save_is_sent_to_sign_in_and_nothing_is_saved(client, video):
    response = client.post(f"/videos/{video.pk}/save/", {"action": "save", "next": "/videos/"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/videos/")
    assert not SavedVideo.objects.exists()


def test_saving_an_unpublished_video_is_404(browser_client):
    hidden = VideoFactory(is_published=False)
    assert browser_client.post(f"/videos/{hidden.pk}/save/", {"action": "save"}).status_code == 404
    assert not SavedVideo.objects.exists()


def test_save_page_refuses_get(browser_client, video):
    assert browser_client.get(f"/videos/{video.pk}/save/").status_code == 405


def test_saved_page_needs_sign_in(client, db):
    response = client.get("/videos/saved/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_saved_page_lists_my_saved_videos(browser_client, learner, video):
    VideoFactory(slug="not-saved", title="Not saved")
    SavedVideoFactory(user=learner, video=video)
    html = browser_client.get("/videos/saved/").content.decode()
    assert "What is interest?" in html
    assert "Not saved" not in html


def test_saved_page_says_when_nothing_is_saved(browser_client):
    assert "Nothing saved yet" in browser_client.get("/videos/saved/").content.decode()


def test_video_page_shows_one_video_and_404s_when_unpublished(client, video):
    hidden = VideoFactory(slug="hidden", is_published=False)
    assert "What is interest?" in client.get("/videos/what-is-interest/").content.decode()
    assert client.get(f"/videos/{hidden.slug}/").status_code == 404
