"""Passwords are hashed with Argon2id at OWASP's parameters; older PBKDF2 hashes still work and are upgraded."""

from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher, make_password
from rest_framework.test import APIClient

from accounts.hashers import OwaspArgon2PasswordHasher
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login"
PRODUCTION_HASHERS = list(django_settings.PASSWORD_HASHERS)  # before the tests' fast MD5 fixture


@pytest.fixture
def real_hashers(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS


def test_argon2id_first_at_owasp_parameters_and_pbkdf2_kept_after_it():
    assert PRODUCTION_HASHERS[0] == "accounts.hashers.OwaspArgon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in PRODUCTION_HASHERS[1:]


def test_a_new_hash_is_argon2id_with_19_mib_two_passes_one_lane(real_hashers):
    encoded = make_password("a-learner-password")

    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert isinstance(identify_hasher(encoded), OwaspArgon2PasswordHasher)


def test_a_pbkdf2_learner_logging_in_through_the_api_gets_an_argon2_hash(real_hashers):
    learner = UserFactory(username="old-timer")
    learner.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    learner.save(update_fields=["password"])

    response = APIClient().post(
        LOGIN,
        urlencode({"username": "old-timer", "password": PASSWORD}),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200, response.content
    learner.refresh_from_db()
    assert learner.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert learner.check_password(PASSWORD)


def test_a_wrong_password_leaves_the_old_hash_alone(real_hashers):
    learner = UserFactory(username="old-timer")
    old = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    learner.password = old
    learner.save(update_fields=["password"])

    response = APIClient().post(
        LOGIN,
        urlencode({"username": "old-timer", "password": "not-the-password"}),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 401
    learner.refresh_from_db()
    assert learner.password == old
