import json
from pathlib import Path

import pytest
from django.conf import settings

from core.content import ContentError, export_content, import_content
from videos.models import Video

from .factories import VideoFactory

DEMO = Path(settings.BASE_DIR) / "content" / "demo" / "videos.json"


def item(**overrides) -> dict:
    return {
        "slug": "what-is-interest",
        "title": "What is interest?",
        "url": "/static/demo/videos/what-is-interest.mp4",
        "duration_seconds": 60,
        "category": "saving",
        "xp_reward": 10,
        **overrides,
    }


def test_demo_videos_import_and_play_from_local_static_files(db):
    summary = import_content(json.loads(DEMO.read_text()))
    assert summary["videos"]["created"] == 12
    for video in Video.objects.all():
        assert video.source.startswith("/static/demo/videos/")
        assert (Path(settings.BASE_DIR) / video.source.lstrip("/")).exists(), video.source
        assert (Path(settings.BASE_DIR) / video.thumbnail.lstrip("/")).exists(), video.thumbnail
        assert video.tags and all(isinstance(tag, str) for tag in video.tags)


def test_export_imports_back_unchanged(db):
    import_content(json.loads(DEMO.read_text()))
    VideoFactory(slug="uploaded", url="", file="videos/uploaded.mp4", thumbnail_file="videos/thumbnails/up.jpg")
    exported = export_content()["videos"]
    assert {v["slug"] for v in exported} >= {"the-50-30-20-rule", "uploaded"}
    uploaded = next(v for v in exported if v["slug"] == "uploaded")
    assert (uploaded["file"], uploaded["thumbnail_file"]) == ("videos/uploaded.mp4", "videos/thumbnails/up.jpg")
    json.dumps(exported)  # plain JSON
    summary = import_content({"videos": exported})
    assert summary["videos"]["unchanged"] == 13
    assert summary["videos"]["updated"] == summary["videos"]["created"] == 0


def test_import_updates_by_slug(db):
    import_content({"videos": [item()]})
    summary = import_content({"videos": [item(title="Interest, explained", tags=["saving", "interest"])]})
    video = Video.objects.get()
    assert summary["videos"]["updated"] == 1
    assert (video.title, video.tags) == ("Interest, explained", ["saving", "interest"])


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"url": ""}, "videos[what-is-interest].url"),
        ({"url": "javascript:alert(1)"}, "videos[what-is-interest].url"),
        ({"thumbnail": "ftp://x/y.jpg"}, "videos[what-is-interest].thumbnail"),
        ({"duration_seconds": 0}, "videos[what-is-interest].duration_seconds"),
        ({"category": "gambling"}, "videos[what-is-interest].category"),
        ({"tags": "saving"}, "videos[what-is-interest].tags"),
        ({"tags": ["ok", 3]}, "videos[what-is-interest].tags"),
        ({"file": 5}, "videos[what-is-interest].file"),
        ({"colour": "red"}, "videos[what-is-interest].colour"),
    ],
    ids=[
        "no-source",
        "script-url",
        "bad-thumbnail",
        "zero-duration",
        "bad-category",
        "tags-text",
        "tag-number",
        "file-number",
        "unknown-key",
    ],
)
def test_bad_items_name_the_item_and_field_and_change_nothing(db, overrides, expected):
    with pytest.raises(ContentError) as error:
        import_content({"videos": [item(slug="fine"), item(**overrides)]})
    assert any(message.startswith(expected) for message in error.value.errors), error.value.errors
    assert not Video.objects.exists()


def test_missing_required_fields_are_named(db):
    with pytest.raises(ContentError) as error:
        import_content({"videos": [{"slug": "bare"}]})
    assert "videos[bare].title (English): this field is required" in error.value.errors
    assert "videos[bare].duration_seconds: this field is required" in error.value.errors
