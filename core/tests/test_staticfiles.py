"""Production's static storage: each file's hashed URL worked out once per process."""

import pytest

from core.staticfiles import StaticFilesStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.DEBUG = False  # in DEBUG the manifest storage serves the plain names
    return StaticFilesStorage(location=tmp_path, base_url="/static/")


def test_a_url_comes_from_the_manifest_once_and_is_then_kept(storage):
    storage.hashed_files = {"css/app.css": "css/app.0123456789ab.css"}  # what the manifest says
    assert storage.url("css/app.css") == "/static/css/app.0123456789ab.css"
    storage.hashed_files = {}  # not consulted again for that name
    assert storage.url("css/app.css") == "/static/css/app.0123456789ab.css"


def test_a_file_missing_from_the_manifest_raises_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
    storage.hashed_files = {"css/missing.css": "css/missing.fedcba987654.css"}  # after a collectstatic
    assert storage.url("css/missing.css") == "/static/css/missing.fedcba987654.css"
