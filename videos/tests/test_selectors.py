import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.tests.factories import UserFactory
from videos import selectors, services

from .factories import SavedVideoFactory, VideoFactory, VideoLikeFactory, VideoViewFactory, started_ago


def slugs(videos) -> list[str]:
    return [video.slug for video in videos]


def test_only_published_videos_are_listed(learner):
    VideoFactory(slug="shown")
    VideoFactory(slug="hidden", is_published=False)
    assert slugs(selectors.videos_for(user=learner)) == ["shown"]


def test_category_filter_keeps_that_category(learner):
    VideoFactory(slug="save-1", category="saving")
    VideoFactory(slug="credit-1", category="credit")
    assert slugs(selectors.videos_for(user=learner, category="credit")) == ["credit-1"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("interest", {"in-title"}),
        ("snowball", {"in-description"}),
        ("phishing", {"in-tags"}),
        ("nothing-like-this", set()),
    ],
)
def test_search_looks_in_title_description_and_tags(learner, query, expected):
    VideoFactory(slug="in-title", title="Compound interest", description="Money grows.", tags=["saving"])
    VideoFactory(slug="in-description", title="Savings", description="Watch it snowball.", tags=["saving"])
    VideoFactory(slug="in-tags", title="Stay safe", description="Scam texts.", tags=["safety", "phishing"])
    assert set(slugs(selectors.videos_for(user=learner, query=query))) == expected


@pytest.mark.parametrize("query", ["kursim", "Interes", "compound"])
def test_search_finds_a_video_by_its_albanian_or_english_words(learner, query):
    VideoFactory(
        slug="interest",
        title="Compound interest",
        title_sq="Interesi i përbërë",
        description="Money grows.",
        tags=["saving"],
        tags_sq=["kursim"],
    )
    VideoFactory(slug="other", title="Scams", title_sq="Mashtrimet", tags=["safety"], tags_sq=["siguri"])
    assert slugs(selectors.videos_for(user=learner, query=query)) == ["interest"]


def test_search_is_case_insensitive_and_combines_with_category(learner):
    VideoFactory(slug="a", title="Interest on savings", category="saving")
    VideoFactory(slug="b", title="Interest on loans", category="credit")
    assert slugs(selectors.videos_for(user=learner, query="INTEREST", category="credit")) == ["b"]


@pytest.mark.postgres
def test_full_text_search_ranks_title_matches_first_and_stems_words(learner):
    VideoFactory(slug="description-only", title="Growing money", description="How budgets help you save.", tags=[])
    VideoFactory(slug="title-match", title="Budgets for beginners", description="Start here.", tags=[])
    VideoFactory(slug="tag-match", title="Pocket money", description="Plan ahead.", tags=["budget"])
    VideoFactory(slug="unrelated", title="Crypto", description="Risky.", tags=["crypto"])
    found = slugs(selectors.videos_for(user=learner, query="budget"))
    assert found == ["title-match", "tag-match", "description-only"]


@pytest.mark.postgres
def test_full_text_search_accepts_web_search_syntax(learner):
    VideoFactory(slug="loans", title="Loans and interest", description="", tags=[])
    VideoFactory(slug="savings", title="Savings and interest", description="", tags=[])
    assert slugs(selectors.videos_for(user=learner, query="interest -loans")) == ["savings"]


def test_state_is_the_learners_own_and_does_not_leak(learner):
    video = VideoFactory()
    other = UserFactory()
    SavedVideoFactory(user=other, video=video)
    VideoLikeFactory(user=other, video=video)
    VideoViewFactory(user=other, video=video, position_seconds=60, completed_at="2026-01-01T00:00:00Z")

    (mine,) = selectors.videos_for(user=learner)
    (theirs,) = selectors.videos_for(user=other)
    assert (mine.saved, mine.liked, mine.watched, mine.position) == (False, False, False, 0)
    assert (theirs.saved, theirs.liked, theirs.watched, theirs.position) == (True, True, True, 60)
    assert mine.like_count == theirs.like_count == 1


def test_visitors_see_no_state(db):
    video = VideoFactory()
    SavedVideoFactory(video=video)
    (seen,) = selectors.videos_for(user=AnonymousUser())
    assert (seen.saved, seen.liked, seen.watched) == (False, False, False)
    assert seen.like_count == 0


def test_started_but_unfinished_video_is_not_watched(learner):
    video = VideoFactory()
    VideoViewFactory(user=learner, video=video, position_seconds=12)
    (seen,) = selectors.videos_for(user=learner)
    assert seen.watched is False
    assert seen.position == 12


def test_saved_list_holds_only_my_published_saves_last_saved_first(learner):
    first, second, unpublished, not_mine = VideoFactory.create_batch(4)
    services.save_video(user=learner, video=first)
    services.save_video(user=learner, video=second)
    SavedVideoFactory(user=learner, video=unpublished)
    unpublished.is_published = False
    unpublished.save()
    SavedVideoFactory(video=not_mine)
    saved = list(selectors.saved_for(user=learner))
    assert slugs(saved) == [second.slug, first.slug]
    assert all(video.saved for video in saved)


def test_list_query_count_is_flat_as_videos_grow(learner, django_assert_max_num_queries):
    fan = UserFactory()
    for video in VideoFactory.create_batch(30):
        SavedVideoFactory(user=learner, video=video)
        VideoLikeFactory(user=fan, video=video)
        VideoViewFactory(user=learner, video=video, position_seconds=3)
    with django_assert_max_num_queries(1):
        videos = list(selectors.videos_for(user=learner, query="video"))
        assert all(video.saved and video.like_count == 1 and not video.watched for video in videos)
    assert len(videos) == 30


def test_top_videos_counts_views_completions_likes_and_saves(learner):
    popular, quiet, _unseen = VideoFactory.create_batch(3)
    for user in (learner, UserFactory(), UserFactory()):
        services.record_progress(user=user, video=popular, position_seconds=1)
        services.like_video(user=user, video=popular)
    started_ago(learner, popular, 600)
    services.record_progress(user=learner, video=popular, position_seconds=60)
    services.record_progress(user=learner, video=quiet, position_seconds=1)
    services.save_video(user=learner, video=quiet)

    top = list(selectors.top_videos())
    assert slugs(top) == [popular.slug, quiet.slug]
    assert (top[0].view_count, top[0].completion_count, top[0].like_count, top[0].save_count) == (3, 1, 3, 0)
    assert (top[1].view_count, top[1].completion_count, top[1].save_count) == (1, 0, 1)


def test_export_holds_my_saves_likes_and_views_only(learner):
    video = VideoFactory(slug="mine")
    services.save_video(user=learner, video=video)
    services.like_video(user=learner, video=video)
    services.record_progress(user=learner, video=video, position_seconds=7)
    services.save_video(user=UserFactory(), video=VideoFactory(slug="theirs"))

    data = selectors.export_data(learner)
    assert [row["video"] for row in data["saved"]] == ["mine"]
    assert [row["video"] for row in data["liked"]] == ["mine"]
    assert [(row["video"], row["position_seconds"], row["completed_at"]) for row in data["views"]] == [
        ("mine", 7, None)
    ]
