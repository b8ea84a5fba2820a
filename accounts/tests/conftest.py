"""Fixtures for the accounts suite: a real local stand-in for Google's signing keys."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from accounts import google

CLIENT_ID = "raiplay-test.apps.googleusercontent.com"


def _rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class GoogleStandIn:
    """Serves a JWKS on 127.0.0.1 like https://www.googleapis.com/oauth2/v3/certs, and signs tokens."""

    url: str
    kid: str
    key: object
    requests: list = field(default_factory=list)

    def token(self, *, key=None, kid=None, **overrides) -> str:
        now = int(time.time())
        claims = {
            "iss": "https://accounts.google.com",
            "aud": CLIENT_ID,
            "sub": "google-sub-1",
            "email": "Gina.Google@Example.com",
            "email_verified": True,
            "name": "Gina Google",
            "picture": "https://lh3.googleusercontent.com/a/gina",
            "iat": now,
            "exp": now + 600,
        }
        claims.update(overrides)
        claims = {name: value for name, value in claims.items() if value is not None}
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid})


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher is deliberately slow; these tests check who gets in, not the hashing cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def google_key():
    return _rsa_key()


@pytest.fixture(scope="session")
def other_key():
    return _rsa_key()


@pytest.fixture
def google_server(google_key, settings):
    """A real HTTP server on a free local port serving the public half of `google_key`."""
    kid = "test-key-1"
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(google_key.public_key()))
    body = json.dumps({"keys": [{**public, "kid": kid, "alg": "RS256", "use": "sig"}]}).encode()
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/oauth2/v3/certs"
    settings.GOOGLE_CLIENT_ID = CLIENT_ID
    settings.GOOGLE_CERTS_URL = url
    google._jwks_client.cache_clear()
    yield GoogleStandIn(url=url, kid=kid, key=google_key, requests=seen)
    server.shutdown()
    server.server_close()
    google._jwks_client.cache_clear()


@pytest.fixture
def closed_port_url():
    """A local URL nothing listens on: the port was bound, then released."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()
    return f"http://127.0.0.1:{port}/oauth2/v3/certs"
