def test_signup_then_me(api, db):
    response = api.post(
        "/api/v1/auth/signup", {"username": "ana", "email": "ana@example.com", "password": "S4fe-pass-phrase"}
    )
    assert response.status_code == 201, response.content
    token = response.json()["access_token"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/users/me").json()["username"] == "ana"
    assert api.get("/api/v1/health/").json()["database"] == "ok"
