import re

import pytest

from accounts.tests.factories import UserFactory
from conftest import sign_in
from videos.models import SavedVideo, VideoView

from .factories import VideoFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_play_a_video_in_the_feed_save_it_and_find_it_on_the_saved_page(page, live_server):
    from playwright.sync_api import expect

    learner = UserFactory(username="viewer")
    VideoFactory(
        slug="needs-vs-wants",
        title="Needs vs wants",
        url="/static/demo/videos/needs-vs-wants.mp4",
        thumbnail="/static/demo/videos/needs-vs-wants.jpg",
        duration_seconds=5,
        xp_reward=10,
    )
    sign_in(page.context, live_server, learner)

    page.goto("/videos/")
    card = page.locator("#video-needs-vs-wants")
    # The phone feed starts the video on its own, muted, once it is on screen.
    # (Polled from here: wait_for_function evaluates a string, which the page's CSP forbids.)
    for _ in range(100):
        if page.evaluate("document.querySelector('#video-needs-vs-wants video').currentTime") > 1:
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("the video never started playing")
    # Played to the end: the tick and the XP show without a reload.
    expect(card.locator("[data-watched-tick]")).to_be_visible(timeout=15_000)
    expect(card.locator("[data-reward]")).to_contain_text("+10 XP")
    view = VideoView.objects.get(user=learner)
    assert view.completed_at is not None
    learner.refresh_from_db()
    assert learner.xp == 10

    save = card.get_by_role("button", name=re.compile("Save"))
    save.click()
    expect(save).to_have_attribute("aria-pressed", "true")
    expect(save).to_contain_text("Saved")
    assert page.url.endswith("/videos/")  # saved without leaving the page
    assert SavedVideo.objects.filter(user=learner).count() == 1

    page.goto("/videos/saved/")
    saved_card = page.locator("#video-needs-vs-wants")
    expect(saved_card).to_be_visible()
    expect(saved_card.locator("[data-watched-tick]")).to_be_visible()
