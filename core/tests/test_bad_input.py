"""Bad input gets a clear 4xx — JSON under /api/, a branded page elsewhere — and changes nothing."""

import pytest
from django.test import Client, override_settings
from django.urls import path
from rest_framework.test import APIClient

from chat.models import Conversation
from conftest import client_for
from games.models import Attempt
from games.tests.factories import make_game

pytestmark = pytest.mark.django_db

DEEP = b"[" * 100_000 + b"]" * 100_000


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("api/v1/boom/", boom),
    path("boom/", boom),
    *__import__("raiplay.urls", fromlist=["urlpatterns"]).urlpatterns,
]
handler500 = "core.handlers.server_error"
handler404 = "core.handlers.page_not_found"


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/chat/", "/api/v1/auth/signup"])
def test_a_100000_deep_json_body_is_a_400_even_anonymously(path):
    response = APIClient().post(path, DEEP, content_type="application/json")

    assert response.status_code in (400, 401)
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_a_100000_deep_body_on_attempts_is_a_400_and_stores_nothing(learner):
    game = make_game(single=1)

    response = client_for(learner).post(f"/api/v1/games/{game.pk}/attempts", DEEP, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "The JSON body is nested too deeply."}
    assert not Attempt.objects.exists()


def test_brackets_inside_a_string_are_not_nesting(auth_api):
    response = auth_api.post("/api/v1/chat/", {"message": "[" * 200 + " is this a budget?"}, format="json")
    assert response.status_code == 200


def test_a_body_over_one_megabyte_is_a_413_in_json(auth_api):
    response = auth_api.post(
        "/api/v1/chat/", b'{"message": "' + b"a" * 2_000_000 + b'"}', content_type="application/json"
    )

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large (1 MB at most)."}
    assert not Conversation.objects.exists()


def test_a_nul_in_a_json_text_is_a_400(auth_api):
    response = auth_api.post("/api/v1/chat/", {"message": "hi\x00there"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Text may not contain NUL characters."}
    assert not Conversation.objects.exists()


@pytest.mark.parametrize("url", ["/videos/?q=%00", "/u/%00/", "/games/?category=%00"])
def test_a_nul_in_a_page_address_is_a_branded_400(client, learner, url):
    client.force_login(learner)

    response = client.get(url)

    assert response.status_code == 400
    assert "Text may not contain NUL characters." in response.content.decode()
    assert 'class="topbar"' in response.content.decode()


def test_a_nul_in_an_api_query_is_a_json_400(auth_api):
    response = auth_api.get("/api/v1/videos/?q=%00")

    assert response.status_code == 400
    assert response.json() == {"detail": "Text may not contain NUL characters."}


def test_a_chat_message_of_one_letter_and_300_combining_marks_gets_a_title_that_fits(auth_api):
    response = auth_api.post("/api/v1/chat/", {"message": "a" + "\u0301" * 300}, format="json")

    assert response.status_code == 200
    assert len(Conversation.objects.get().title) <= 120


@pytest.mark.parametrize("url", ["/api/v1/games/abc/", "/api/v1/videos/abc/like", "/api/v1/no-such-thing/"])
def test_a_malformed_id_or_unknown_route_is_a_json_404(auth_api, url):
    response = auth_api.get(url)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_an_unknown_page_is_the_branded_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_crash_in_the_api_answers_json_and_a_crash_on_a_page_the_branded_500():
    client = Client(raise_request_exception=False)

    api = client.get("/api/v1/boom/")
    page = client.get("/boom/")

    assert api.status_code == page.status_code == 500
    assert api.json() == {"detail": "Something went wrong on our side. Please try again in a moment."}
    assert "Something went wrong" in page.content.decode()
    assert "Traceback" not in page.content.decode()


@pytest.fixture
def database_down(monkeypatch):
    """Every new use of the database fails as it does while PostgreSQL restarts."""
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.utils import OperationalError

    def refuse(self):
        raise OperationalError("connection refused: the server is restarting")

    yield lambda: monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)


@override_settings(DEBUG=False)
@pytest.mark.parametrize("url", ["/api/v1/games/", "/api/v1/users/me", "/api/v1/users/leaderboard"])
def test_an_unreachable_database_is_a_503_to_retry_in_json(learner, database_down, url):
    api = client_for(learner)
    database_down()

    response = api.get(url)

    assert response.status_code == 503
    assert response.json() == {"detail": "RaiPlay is unavailable for a moment. Please try again in a few seconds."}
    assert response["Retry-After"] == "2"


@override_settings(DEBUG=False)
def test_an_unreachable_database_is_the_branded_503_on_pages(learner, database_down):
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    database_down()

    page = client.get("/games/")

    assert page.status_code == 503
    assert page["Retry-After"] == "2"
    assert "RaiPlay is taking a breath" in page.content.decode()
    assert "Traceback" not in page.content.decode()
