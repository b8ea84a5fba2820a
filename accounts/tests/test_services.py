"""Account services and selectors: the rules every entry point (API, pages, admin) shares."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import ValidationError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts import selectors, services
from accounts.google import GoogleIdentity
from accounts.models import User
from accounts.signals import profile_updated
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tokens import token_pair
from core.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced():
    """What accounts announced during the test, as (signal name, kwargs)."""
    events = []

    def on_updated(sender, **kwargs):
        events.append(("profile_updated", kwargs))

    profile_updated.connect(on_updated, dispatch_uid="test-updated")
    yield events
    profile_updated.disconnect(dispatch_uid="test-updated")


def identity(**overrides) -> GoogleIdentity:
    values = {"sub": "sub-1", "email": "gina@example.com", "name": "Gina", "picture": ""}
    return GoogleIdentity(**{**values, **overrides})


# ---- register_user -----------------------------------------------------------------


def test_register_user_lowercases_the_email(announced):
    user = services.register_user(username="ana", email=" Ana@Example.com ", password="S4fe-pass-phrase")

    assert user.email == "ana@example.com"
    assert user.check_password("S4fe-pass-phrase")
    assert EmailAddress.objects.get(user=user).email == "ana@example.com"
    assert announced == []  # a new account is no profile change


def test_register_user_without_password_makes_an_unusable_one(db):
    user = services.register_user(username="ana", email="ana@example.com", password=None)

    assert not user.has_usable_password()


def test_database_refuses_a_second_account_for_the_same_email_in_other_case(db):
    services.register_user(username="first", email="ana@example.com", password=None)

    # Skips the serializer's check, as a racing request would: the constraint has the last word.
    with pytest.raises(services.AccountTaken):
        services.register_user(username="second", email="ANA@example.com", password=None)

    assert User.objects.count() == 1


def test_check_password_strength_counts_similarity_to_the_username():
    with pytest.raises(ValidationError) as error:
        services.check_password_strength("zanzibar-99", username="zanzibar99")

    assert any("similar" in message for message in error.value.messages)
    services.check_password_strength("S4fe-pass-phrase", username="zanzibar99")


# ---- log_in and the lookups it uses ------------------------------------------------


def test_log_in_by_email_in_any_case_and_stamps_last_login(learner):
    user = services.log_in(identifier="LEARNER@example.com", password=PASSWORD)

    assert user == learner
    learner.refresh_from_db()
    assert learner.last_login is not None


def test_log_in_refuses_a_wrong_password_and_an_unknown_account(learner):
    with pytest.raises(services.InvalidCredentials):
        services.log_in(identifier="learner", password="nope-nope-nope")
    with pytest.raises(services.InvalidCredentials):
        services.log_in(identifier="nobody", password=PASSWORD)
    with pytest.raises(services.InvalidCredentials):
        services.log_in(identifier="   ", password=PASSWORD)


def test_log_in_refuses_a_disabled_account_only_after_the_password_matches(db):
    UserFactory(username="gone", is_active=False)

    with pytest.raises(services.InvalidCredentials):
        services.log_in(identifier="gone", password="wrong-password")
    with pytest.raises(services.AccountDisabled):
        services.log_in(identifier="gone", password=PASSWORD)


def test_find_for_login_prefers_the_exact_username_over_a_case_match(db):
    lower = UserFactory(username="ana")
    UserFactory(username="Ana", email="upper@example.com")

    assert selectors.find_for_login("ana") == lower
    assert selectors.find_for_login("ANA") is None  # two case matches: ambiguous, nobody


def test_find_for_login_still_finds_an_admin_made_username_with_at_sign(db):
    admin = UserFactory(username="boss@bank", email="boss@example.com")

    assert selectors.find_for_login("boss@bank") == admin
    assert selectors.find_for_login("BOSS@example.com") == admin


def test_natural_key_is_the_username_then_the_email(db):
    ana = UserFactory(username="ana", email="ana@example.com")

    assert User.objects.get_by_natural_key("ana") == ana
    assert User.objects.get_by_natural_key("Ana@Example.com") == ana
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_natural_key("nobody")


# ---- update_profile ----------------------------------------------------------------


def test_update_profile_announces_only_what_changed(learner, announced):
    services.update_profile(user=learner, display_name=learner.display_name, show_on_leaderboard=False)

    learner.refresh_from_db()
    assert learner.show_on_leaderboard is False
    assert announced == [
        ("profile_updated", {"user": learner, "changed": {"show_on_leaderboard"}, "signal": profile_updated})
    ]


def test_update_profile_with_no_change_announces_nothing(learner, announced):
    services.update_profile(user=learner, timezone=learner.timezone)

    assert announced == []


def test_update_profile_refuses_progression_counters(learner):
    with pytest.raises(DomainError):
        services.update_profile(user=learner, xp=10_000)

    learner.refresh_from_db()
    assert learner.xp == 0


def test_update_profile_validates_the_timezone(learner):
    with pytest.raises(ValidationError):
        services.update_profile(user=learner, timezone="Atlantis/Capital")

    learner.refresh_from_db()
    assert learner.timezone == "Europe/Tirane"


# ---- delete_account ----------------------------------------------------------------


def test_delete_account_revokes_every_refresh_token_and_removes_the_row(learner):
    first, second = token_pair(learner), token_pair(learner)
    ids = list(OutstandingToken.objects.filter(user=learner).values_list("pk", flat=True))

    services.delete_account(user=learner)

    assert not User.objects.filter(pk=learner.pk).exists()
    assert len(ids) == 2
    assert BlacklistedToken.objects.filter(token_id__in=ids).count() == 2
    assert OutstandingToken.objects.filter(pk__in=ids, user__isnull=True).count() == 2
    assert first["refresh_token"] != second["refresh_token"]


def test_delete_account_leaves_the_leaderboards_first(learner, announced):
    services.delete_account(user=learner)

    assert [name for name, _ in announced] == ["profile_updated"]
    assert announced[0][1]["changed"] == {"show_on_leaderboard"}


@pytest.mark.redis
def test_deleted_learner_no_longer_holds_a_rank_in_the_redis_leaderboard(db, django_capture_on_commit_callbacks):
    from achievements import leaderboards
    from achievements.services import grant

    leader, runner_up = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        grant(user=leader, key="test:leader", reason="game", xp=300)
        grant(user=runner_up, key="test:runner-up", reason="game", xp=100)
    leaderboards.rebuild()
    assert leaderboards.board(user=runner_up).me["rank"] == 2

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_account(user=leader)

    board = leaderboards.board(user=runner_up)
    assert board.me["rank"] == 1
    assert [row.id for row in board.results] == [runner_up.pk]


# ---- sign_in_with_google -----------------------------------------------------------


def test_google_sign_in_drops_a_picture_url_too_long_to_keep(db):
    user = services.sign_in_with_google(identity=identity(picture="https://example.com/" + "p" * 300))

    assert user.avatar_url == ""


def test_google_sign_in_refuses_an_existing_account_whose_address_is_unverified(db):
    user = services.register_user(username="gina", email="gina@example.com", password="S4fe-pass-phrase")
    assert not EmailAddress.objects.get(user=user).verified

    with pytest.raises(services.GoogleEmailUnverified):
        services.sign_in_with_google(identity=identity(email="GINA@example.com"))

    assert not SocialAccount.objects.filter(user=user).exists()
    assert not EmailAddress.objects.get(user=user).verified


def test_google_sign_in_links_an_existing_account_whose_address_is_verified(db):
    user = services.register_user(username="gina", email="gina@example.com", password="S4fe-pass-phrase")
    EmailAddress.objects.filter(user=user).update(verified=True)

    assert services.sign_in_with_google(identity=identity(email="GINA@example.com")) == user

    assert SocialAccount.objects.get(user=user).uid == "sub-1"


def test_google_sign_in_derives_a_username_from_odd_addresses(db):
    user = services.sign_in_with_google(identity=identity(email="+++@example.com"))

    assert user.username == "learner"
