"""Minors: the birth year at sign-up, the guardian's mail and link, and what waits for their yes."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail, signing
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import consent, services
from accounts.models import ConsentStatus, User
from accounts.tests.factories import UserFactory
from conftest import client_for

# Mails leave after commit (transaction.on_commit), so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

SIGNUP = "/api/v1/auth/signup"
ME = "/api/v1/users/me"
GUARDIAN = "/api/v1/users/me/guardian"
CHAT = "/api/v1/chat/"
THIS_YEAR = timezone.localdate().year


def signup(api, **fields):
    payload = {"username": "mira", "email": "mira@example.com", "password": "S4fe-pass-phrase", **fields}
    return api.post(SIGNUP, payload, format="json")


def sign_up_a_13_year_old(api) -> User:
    response = signup(api, birth_year=THIS_YEAR - 13, guardian_email="Parent@Example.com")
    assert response.status_code == 201, response.json()
    return User.objects.get(username="mira")


def consent_link() -> str:
    """The path of the consent link in the guardian's mail (the last one sent to them)."""
    to_guardian = [m for m in mail.outbox if m.to == ["parent@example.com"]]
    assert to_guardian, [m.to for m in mail.outbox]
    return re.search(r"https?://[^/\s]+(/consent/[^\s]+/)", to_guardian[-1].body).group(1)


# ---- sign-up --------------------------------------------------------------------------


def test_a_13_year_old_signs_up_pending_and_the_guardian_gets_a_mail(api):
    user = sign_up_a_13_year_old(api)

    assert user.consent_status == ConsentStatus.PENDING
    assert user.guardian_email == "parent@example.com"
    assert user.consent_requested_at is not None
    guardian_mail = next(m for m in mail.outbox if m.to == ["parent@example.com"])
    assert "mira" in guardian_mail.subject and "RaiPlay" in guardian_mail.subject
    assert "14 days" in guardian_mail.body
    assert "What we keep about your child" in guardian_mail.body
    confirmation = next(m for m in mail.outbox if m.to == ["mira@example.com"])
    assert confirmation.subject.startswith("[RaiPlay] ")
    assert "example.com]" not in confirmation.subject
    me = client_for(user).get(ME).json()
    assert me["consent"] == {"required": True, "status": "pending"}
    assert me["email_verified"] is False


def test_the_guardian_mail_comes_in_the_language_the_learner_signed_up_in(api):
    response = api.post(
        SIGNUP,
        {
            "username": "mira",
            "email": "mira@example.com",
            "password": "S4fe-pass-phrase",
            "birth_year": THIS_YEAR - 13,
            "guardian_email": "parent@example.com",
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="sq",
    )

    assert response.status_code == 201
    guardian_mail = next(m for m in mail.outbox if m.to == ["parent@example.com"])
    assert "RaiPlay" in guardian_mail.subject
    assert "Çfarë ruajmë" in guardian_mail.body
    assert "What we keep" not in guardian_mail.body


def test_under_the_consent_age_without_a_guardian_is_400_with_a_detail_and_creates_nothing(api):
    response = signup(api, birth_year=THIS_YEAR - 13)

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "guardian_email"}
    assert "guardian" in body["detail"]
    assert not User.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("birth_year", [THIS_YEAR + 1, THIS_YEAR - 101])
def test_a_birth_year_in_the_future_or_over_a_century_ago_is_400(api, birth_year):
    response = signup(api, birth_year=birth_year, guardian_email="parent@example.com")

    assert response.status_code == 400
    assert "birth_year" in response.json()
    assert response.json()["detail"]
    assert not User.objects.exists()


def test_the_guardian_cannot_be_the_learner_themself(api):
    response = signup(api, birth_year=THIS_YEAR - 13, guardian_email="MIRA@example.com")

    assert response.status_code == 400
    assert response.json()["guardian_email"] == ["Your guardian's email must be theirs, not your own."]
    assert not User.objects.exists()


@pytest.mark.parametrize("guardian_email", ["not-an-email", "parent@", "@example.com"])
def test_a_malformed_guardian_email_is_400(api, guardian_email):
    response = signup(api, birth_year=THIS_YEAR - 13, guardian_email=guardian_email)

    assert response.status_code == 400
    assert "guardian_email" in response.json()
    assert not User.objects.exists()


def test_an_adult_needs_no_consent_and_no_guardian_mail(api):
    response = signup(api, birth_year=THIS_YEAR - 30)

    assert response.status_code == 201
    assert response.json()["user"]["consent"] == {"required": False, "status": "not_needed"}
    assert [m.to for m in mail.outbox] == [["mira@example.com"]]  # the confirmation only


def test_the_year_a_learner_turns_16_still_needs_consent(api):
    # Only the year is known: born 16 years ago, they may still be 15 today.
    assert consent.needs_consent(THIS_YEAR - 16)
    assert not consent.needs_consent(THIS_YEAR - 17)


def test_the_old_app_without_a_birth_year_is_unknown_and_everything_works(api):
    response = signup(api)  # the old mobile app sends username, email, password only

    assert response.status_code == 201
    user = User.objects.get(username="mira")
    assert response.json()["user"]["consent"] == {"required": False, "status": "unknown"}
    assert client_for(user).post(CHAT, {"message": "What is a budget?"}, format="json").status_code == 200


# ---- while consent is pending ------------------------------------------------------------


def test_pending_learner_cannot_chat_and_has_no_public_presence(api, client):
    user = sign_up_a_13_year_old(api)
    other = UserFactory(consent_status=ConsentStatus.NOT_NEEDED)
    for learner in (user, other):
        learner.xp = 50
        learner.save(update_fields=["xp"])
    learner_api = client_for(user)

    refused = learner_api.post(CHAT, {"message": "What is a budget?"}, format="json")
    board = learner_api.get("/api/v1/users/leaderboard?period=all").json()
    around = learner_api.get("/api/v1/users/leaderboard?period=all&around=me").json()

    assert refused.status_code == 403
    assert "guardian" in refused.json()["detail"]
    assert user.pk not in [row["id"] for row in board["results"]]
    assert user.pk not in [row["id"] for row in around["results"]]
    assert board["me"] is None
    assert APIClient().get(f"/api/v1/users/{user.pk}").status_code == 404
    assert client.get(f"/u/{user.username}/").status_code == 404
    assert learner_api.get("/api/v1/games/").status_code == 200  # everything else works


def test_the_chat_page_explains_the_wait_instead_of_answering(api, client):
    user = sign_up_a_13_year_old(api)
    client.force_login(user)

    response = client.post("/chat/", {"message": "What is a budget?"})

    assert response.status_code == 403
    assert "guardian has approved your account" in response.content.decode()


def test_the_learner_can_resend_the_mail_to_another_address_a_few_times(api, settings):
    settings.GUARDIAN_MAIL_RATES = ["2/h"]
    user = sign_up_a_13_year_old(api)
    mail.outbox.clear()
    learner_api = client_for(user)

    first = learner_api.post(GUARDIAN, {"guardian_email": "other.parent@example.com"}, format="json")
    second = learner_api.post(GUARDIAN, {}, format="json")
    third = learner_api.post(GUARDIAN, {}, format="json")

    assert (first.status_code, second.status_code, third.status_code) == (202, 202, 429)
    assert third.json()["detail"]
    assert [m.to for m in mail.outbox] == [["other.parent@example.com"]] * 2
    user.refresh_from_db()
    assert user.guardian_email == "other.parent@example.com"


def test_resending_when_no_consent_is_needed_is_refused(api):
    adult = UserFactory(birth_year=THIS_YEAR - 30, consent_status=ConsentStatus.NOT_NEEDED)

    response = client_for(adult).post(GUARDIAN, {"guardian_email": "x@example.com"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Your account needs no guardian's approval."}
    assert mail.outbox == []


# ---- the guardian's page -----------------------------------------------------------------


def test_the_consent_page_needs_no_sign_in_and_says_what_is_kept(api, client):
    sign_up_a_13_year_old(api)

    page = client.get(consent_link())

    assert page.status_code == 200
    text = page.content.decode()
    assert "What we keep" in text
    assert "Approve" in text and "Decline" in text


def test_approving_lets_the_learner_chat_and_a_second_approve_changes_nothing(api, client):
    user = sign_up_a_13_year_old(api)
    link = consent_link()

    approved = client.post(link, {"decision": "approve"})
    user.refresh_from_db()
    given_at = user.consent_at
    again = client.post(link, {"decision": "approve"})
    user.refresh_from_db()

    assert approved.status_code == 200
    assert "the account is approved" in approved.content.decode()
    assert again.status_code == 200
    assert "Already approved" in again.content.decode()
    assert user.consent_status == ConsentStatus.GRANTED
    assert user.consent_at == given_at
    assert client_for(user).get(ME).json()["consent"] == {"required": True, "status": "granted"}
    assert client_for(user).post(CHAT, {"message": "What is a budget?"}, format="json").status_code == 200
    assert APIClient().get(f"/api/v1/users/{user.pk}").status_code == 200


def test_declining_erases_the_account(api, client):
    user = sign_up_a_13_year_old(api)

    response = client.post(consent_link(), {"decision": "decline"})

    assert response.status_code == 200
    assert "The account has been erased" in response.content.decode()
    assert not User.objects.filter(pk=user.pk).exists()
    assert not EmailAddress.objects.filter(email="mira@example.com").exists()


def test_a_decline_after_approving_is_refused_with_an_explanation(api, client):
    user = sign_up_a_13_year_old(api)
    link = consent_link()
    client.post(link, {"decision": "approve"})

    response = client.post(link, {"decision": "decline"})

    assert response.status_code == 409
    assert "can no longer erase it" in response.content.decode()
    user.refresh_from_db()
    assert user.consent_status == ConsentStatus.GRANTED


def test_a_tampered_link_shows_a_clear_page_and_changes_nothing(api, client):
    user = sign_up_a_13_year_old(api)
    link = consent_link()
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]

    page = client.get(tampered)
    posted = client.post(tampered, {"decision": "decline"})

    assert page.status_code == posted.status_code == 400
    assert "This link is not valid" in posted.content.decode()
    user.refresh_from_db()
    assert user.consent_status == ConsentStatus.PENDING


def test_an_expired_link_shows_a_clear_page_and_changes_nothing(api, client, settings):
    user = sign_up_a_13_year_old(api)
    link = consent_link()
    settings.CONSENT_LINK_DAYS = -1  # every link is now older than its lifetime

    response = client.post(link, {"decision": "approve"})

    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    user.refresh_from_db()
    assert user.consent_status == ConsentStatus.PENDING


def test_a_link_sent_to_a_former_guardian_address_stops_working(api, client):
    user = sign_up_a_13_year_old(api)
    old_link = consent_link()
    client_for(user).post(GUARDIAN, {"guardian_email": "real.parent@example.com"}, format="json")

    response = client.post(old_link, {"decision": "approve"})

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.consent_status == ConsentStatus.PENDING


def test_a_link_that_is_not_ours_is_refused():
    forged = signing.dumps({"u": 1, "g": "x@example.com"}, salt="something-else")

    with pytest.raises(consent.BadLink):
        consent.read_token(forged)


# ---- birth year later, export and erase --------------------------------------------------------


def test_a_learner_without_a_birth_year_gives_it_once(learner):
    api = client_for(learner)

    first = api.patch(ME, {"birth_year": THIS_YEAR - 30}, format="json")
    second = api.patch(ME, {"birth_year": THIS_YEAR - 40}, format="json")

    assert first.status_code == 200
    assert first.json()["consent"] == {"required": False, "status": "not_needed"}
    assert second.status_code == 400
    assert "already set" in second.json()["detail"]
    learner.refresh_from_db()
    assert learner.birth_year == THIS_YEAR - 30


def test_a_pending_minor_cannot_make_themself_older_to_skip_consent(api):
    user = sign_up_a_13_year_old(api)

    response = client_for(user).patch(ME, {"birth_year": THIS_YEAR - 30}, format="json")

    assert response.status_code == 400
    user.refresh_from_db()
    assert (user.birth_year, user.consent_status) == (THIS_YEAR - 13, ConsentStatus.PENDING)


def test_the_export_holds_the_consent_record_and_erasing_removes_it(api):
    user = sign_up_a_13_year_old(api)
    learner_api = client_for(user)

    exported = learner_api.get("/api/v1/users/me/export").json()["account"]["guardian_consent"]
    erased = learner_api.delete(ME)

    assert exported["status"] == "pending"
    assert exported["guardian_email"] == "parent@example.com"
    assert exported["requested_at"] is not None
    assert erased.status_code == 204
    assert not User.objects.filter(guardian_email="parent@example.com").exists()


def test_existing_learners_are_classified_from_their_birth_year():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0002_guardian_consent")
    adult = UserFactory(birth_year=THIS_YEAR - 30, consent_status=ConsentStatus.UNKNOWN)
    minor = UserFactory(birth_year=THIS_YEAR - 13, consent_status=ConsentStatus.UNKNOWN)
    unknown = UserFactory(birth_year=None, consent_status=ConsentStatus.UNKNOWN)

    migration.classify_existing_learners(apps, None)

    statuses = dict(User.objects.values_list("pk", "consent_status"))
    assert statuses[adult.pk] == ConsentStatus.NOT_NEEDED
    assert statuses[minor.pk] == ConsentStatus.PENDING
    assert statuses[unknown.pk] == ConsentStatus.UNKNOWN


def test_services_refuse_what_the_serializer_would_too():
    with pytest.raises(consent.GuardianRequired):
        services.register_user(username="a", email="a@example.com", password=None, birth_year=THIS_YEAR - 12)
    assert not User.objects.exists()


# ---- the learner's pages -----------------------------------------------------------------


def test_the_dashboard_asks_a_learner_without_a_birth_year_once_per_visit(client):
    learner = UserFactory(birth_year=None)
    client.force_login(learner)

    first = client.get("/").content.decode()
    second = client.get("/").content.decode()

    assert 'data-testid="ask-age"' in first
    assert 'data-testid="ask-age"' not in second


def test_settings_take_the_birth_year_and_mail_the_guardian_of_a_minor(client):
    learner = UserFactory(birth_year=None)
    client.force_login(learner)

    missing = client.post("/settings/guardian/", {"birth_year": THIS_YEAR - 13})
    saved = client.post("/settings/guardian/", {"birth_year": THIS_YEAR - 13, "guardian_email": "parent@example.com"})

    assert missing.status_code == 400
    assert "guardian" in missing.content.decode()
    assert saved.status_code == 302
    learner.refresh_from_db()
    assert (learner.birth_year, learner.consent_status) == (THIS_YEAR - 13, ConsentStatus.PENDING)
    assert [m.to for m in mail.outbox] == [["parent@example.com"]]
    assert 'data-testid="consent-pending"' in client.get("/settings/").content.decode()
