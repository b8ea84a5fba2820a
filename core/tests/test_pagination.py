"""Lists shorter than a page are not counted apart (core/pagination.py); longer ones page as DRF does."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.pagination import Pagination
from videos.tests.factories import VideoFactory


def _list(api, learner, **params):
    api.force_authenticate(learner)
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/videos/", params)
    assert response.status_code == 200
    counted = [query["sql"] for query in queries if "COUNT(" in query["sql"]]
    return response.json(), counted


def test_a_list_shorter_than_a_page_is_counted_from_the_page(api, learner):
    VideoFactory.create_batch(3)
    body, counted = _list(api, learner)
    assert body["count"] == len(body["results"]) >= 3 and body["next"] is None
    assert counted == []


def test_a_longer_list_is_counted_and_paged(api, learner, monkeypatch):
    page_size = 2
    monkeypatch.setattr(Pagination, "page_size", page_size)
    VideoFactory.create_batch(3)
    first, counted = _list(api, learner)
    total = first["count"]
    assert total >= 3 and len(first["results"]) == page_size and first["next"] and counted
    last, _counted = _list(api, learner, page=(total + page_size - 1) // page_size)
    assert last["count"] == total and last["next"] is None and last["previous"]
    missing = api.get("/api/v1/videos/", {"page": 99})
    assert missing.status_code == 404
