"""The OpenAPI document and Swagger UI: complete, valid, and served without any CDN."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import Resolver404, resolve
from drf_spectacular.validation import validate_schema

# DESIGN.md's API table: (methods, path under /api/v1/). A route another app has not built
# yet is skipped; once it resolves it must be in the document.
DESIGN_ROUTES = [
    ("post", "auth/signup"),
    ("post", "auth/login"),
    ("post", "auth/refresh"),
    ("post", "auth/logout"),
    ("post", "auth/google"),
    ("get patch delete", "users/me"),
    ("get", "users/me/export"),
    ("get", "users/me/activity"),
    ("get", "users/{id}"),
    ("get", "users/leaderboard"),
    ("get", "users/badges"),
    ("get", "users/me/badges"),
    ("get", "games/"),
    ("get", "games/minigames"),
    ("get", "games/quests/storyline"),
    ("get", "games/{id}/"),
    ("post", "games/{id}/attempts"),
    ("post", "games/{id}/start"),
    ("post", "games/{id}/complete"),
    ("post", "games/{id}/attempts/{attempt_id}/answers"),
    ("post", "games/{id}/attempts/{attempt_id}/finish"),
    ("get", "videos/"),
    ("get", "videos/saved"),
    ("post delete", "videos/{id}/save"),
    ("post delete", "videos/{id}/like"),
    ("post", "videos/{id}/progress"),
    ("get", "achievements/"),
    ("get", "quests/daily"),
    ("get", "shop/items"),
    ("post", "shop/items/{id}/redeem"),
    ("get", "shop/redemptions"),
    ("post", "chat/"),
    ("post", "chat/stream"),
    ("get", "chat/conversations"),
    ("get delete", "chat/conversations/{id}"),
    ("get", "health/"),
    ("get", "review/"),
    ("post", "review/answers"),
]
FOUNDATION = {
    "auth/signup",
    "auth/login",
    "auth/refresh",
    "auth/logout",
    "auth/google",
    "users/me",
    "users/me/export",
    "health/",
}


def variants(path: str) -> list[str]:
    """`path` as DESIGN.md writes it, then with the trailing slash the other way."""
    return [path, path.rstrip("/")] if path.endswith("/") else [path, path + "/"]


def served_variant(path: str) -> str | None:
    """A form of `path` that the URLconf serves, if any."""
    for variant in variants(path):
        try:
            resolve("/api/v1/" + variant.replace("{id}", "1").replace("{attempt_id}", "1"))
        except Resolver404:
            continue
        return variant
    return None


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_schema_is_a_valid_openapi_3_document(schema):
    validate_schema(schema)  # raises on any violation of the OpenAPI 3 JSON schema

    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "RaiPlay API"


def test_schema_lists_every_design_route_that_exists(schema):
    served = {path: served_variant(path) for _, path in DESIGN_ROUTES}
    assert all(served[path] for path in FOUNDATION), served

    missing = []
    for methods, path in DESIGN_ROUTES:
        if served[path] is None:
            continue
        # A route served both with and without the slash is documented in one form.
        operations = {}
        for variant in variants(path):
            operations.update(schema["paths"].get("/api/v1/" + variant, {}))
        missing += [f"{method.upper()} {path}" for method in methods.split() if method not in operations]
    assert missing == []


def test_schema_describes_the_auth_contract(schema):
    signup = schema["paths"]["/api/v1/auth/signup"]["post"]
    login = schema["paths"]["/api/v1/auth/login"]["post"]

    assert "201" in signup["responses"]
    assert "application/x-www-form-urlencoded" in login["requestBody"]["content"]
    assert "401" in login["responses"]
    profile = schema["components"]["schemas"]["Me"]["properties"]
    assert "email" in profile


def test_swagger_ui_renders_from_local_static_files(client):
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "/api/v1/schema/" in client.get("/api/v1/docs/?script=").content.decode()  # no inline script
    assert "<script>" not in page
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    assert any(asset.endswith("swagger-ui.css") for asset in assets)
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page), "Swagger UI must not load from a CDN"
