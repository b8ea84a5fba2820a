import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.tests.factories import UserFactory
from videos import services
from videos.models import Video

from .factories import VideoFactory


@pytest.fixture
def editor_client(db):
    client = Client()
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


def test_video_list_shows_thumbnail_preview_and_watch_counts(editor_client, learner, video):
    services.record_progress(user=learner, video=video, position_seconds=1)
    services.like_video(user=learner, video=video)
    response = editor_client.get("/admin/videos/video/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<img src="/static/demo/videos/what-is-interest.jpg"' in html
    assert '<td class="field-views">1</td>' in html
    assert '<td class="field-completions">0</td>' in html
    assert '<td class="field-likes">1</td>' in html


def test_video_list_query_count_is_flat(editor_client, django_assert_max_num_queries):
    VideoFactory.create_batch(25)
    with django_assert_max_num_queries(10):
        response = editor_client.get("/admin/videos/video/")
    assert response.status_code == 200


def test_editor_uploads_a_video_file_with_comma_tags(editor_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = editor_client.post(
        "/admin/videos/video/add/",
        {
            "title_en": "Uploaded",
            "slug": "uploaded",
            "description_en": "",
            "category": "saving",
            "tags_en": "saving, interest, saving",
            "tags_sq": "kursim, interes",
            "is_published": "on",
            "file": SimpleUploadedFile("clip.mp4", b"\x00\x00\x00\x18ftypmp42", content_type="video/mp4"),
            "url": "",
            "duration_seconds": "30",
            "xp_reward": "10",
            "thumbnail_file": SimpleUploadedFile("thumb.jpg", b"\xff\xd8\xff", content_type="image/jpeg"),
            "thumbnail": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    video = Video.objects.get(slug="uploaded")
    assert video.tags == ["saving", "interest"]
    assert video.tags_sq == ["kursim", "interes"]
    assert video.source.startswith("/media/videos/clip")
    assert video.poster.startswith("/media/videos/thumbnails/thumb")
    assert (tmp_path / video.file.name).exists()
    edit = editor_client.get(f"/admin/videos/video/{video.pk}/change/").content.decode()
    assert 'value="saving, interest"' in edit
    assert f'<img src="{video.poster}"' in edit


def test_editor_must_give_a_file_or_an_address(editor_client):
    response = editor_client.post(
        "/admin/videos/video/add/",
        {"title_en": "Nothing", "slug": "nothing", "category": "saving", "duration_seconds": "30", "xp_reward": "10"},
    )
    assert response.status_code == 200
    assert "Upload a video file or give its address." in response.content.decode()
    assert not Video.objects.exists()


def test_editor_cannot_upload_an_svg_thumbnail(editor_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = editor_client.post(
        "/admin/videos/video/add/",
        {
            "title_en": "Svg",
            "slug": "svg",
            "category": "saving",
            "url": "/static/x.mp4",
            "duration_seconds": "30",
            "xp_reward": "10",
            "thumbnail_file": SimpleUploadedFile("x.svg", b"<svg onload='alert(1)'/>", content_type="image/svg+xml"),
        },
    )
    assert response.status_code == 200
    assert not Video.objects.exists()
