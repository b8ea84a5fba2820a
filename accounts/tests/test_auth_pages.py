"""Sign-up, sign-in, password and account pages in RaiPlay's words, in both languages; and their mails."""

import re

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.contrib.sites.models import Site
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)

# Signed out: (url, English h1, Albanian h1).
SIGNED_OUT_PAGES = [
    ("/accounts/login/", "Welcome back", "Mirë se u ktheve"),
    ("/accounts/signup/", "Create your account", "Krijo llogarinë tënde"),
    ("/accounts/password/reset/", "Forgot your password?", "Ke harruar fjalëkalimin?"),
    ("/accounts/password/reset/done/", "Check your email", "Shiko email-in"),
    ("/accounts/password/reset/key/done/", "Password changed", "Fjalëkalimi u ndryshua"),
    ("/accounts/password/reset/key/1-not-a-key/", "This link no longer works", "Kjo lidhje nuk punon më"),
    ("/accounts/confirm-email/not-a-key/", "This link no longer works", "Kjo lidhje nuk punon më"),
    ("/accounts/confirm-email/", "Confirm your email", "Konfirmo email-in tënd"),
    ("/accounts/inactive/", "This account is switched off", "Kjo llogari është çaktivizuar"),
    ("/accounts/3rdparty/login/cancelled/", "Sign-in cancelled", "Hyrja u anulua"),
    ("/accounts/3rdparty/login/error/", "That sign-in didn't work", "Hyrja nuk funksionoi"),
]
# Signed in.
SIGNED_IN_PAGES = [
    ("/accounts/logout/", "Sign out of RaiPlay?", "Do të dalësh nga RaiPlay?"),
    ("/accounts/password/change/", "Change your password", "Ndrysho fjalëkalimin"),
    ("/accounts/email/", "Your email addresses", "Adresat e tua të email-it"),
    ("/accounts/3rdparty/", "Connected accounts", "Llogaritë e lidhura"),
    ("/accounts/reauthenticate/", "Is it really you?", "A je vërtet ti?"),
]
# allauth's stock English, which no learner should meet any more.
STOCK = ["Sign Up", "Sign In", "Remember Me", "Login:", "Signup", "Bad Token", "example.com", "E-mail"]


# allauth answers a failed third-party sign-in with 401, on our page.
STATUS = {"/accounts/3rdparty/login/error/": 401}


def h1s(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", text).strip() for text in H1.findall(html)]


def get(client: Client, url: str, lang: str):
    response = client.get(url + ("&" if "?" in url else "?") + f"lang={lang}")
    assert response.status_code == STATUS.get(url, 200), url
    return response.content.decode()


@pytest.mark.parametrize(("url", "english", "albanian"), SIGNED_OUT_PAGES)
def test_signed_out_pages_have_one_h1_in_raiplays_words(client, url, english, albanian):
    html_en = get(client, url, "en")
    html_sq = get(Client(), url, "sq")

    assert h1s(html_en) == [english]
    assert h1s(html_sq) == [albanian]
    assert 'href="/static/css/auth.css"' in html_en
    for stock in STOCK:
        assert stock not in html_en and stock not in html_sq, (url, stock)


@pytest.mark.parametrize(("url", "english", "albanian"), SIGNED_IN_PAGES)
def test_signed_in_pages_have_one_h1_in_raiplays_words(client, url, english, albanian):
    learner = UserFactory(username="ana", email="ana@mail.al")
    EmailAddress.objects.create(user=learner, email=learner.email, primary=True, verified=False)
    client.force_login(learner)

    assert h1s(get(client, url, "en")) == [english]
    html_sq = get(client, url, "sq")
    assert h1s(html_sq) == [albanian]
    for stock in STOCK:
        assert stock not in html_sq, (url, stock)


def test_password_set_page_for_a_google_learner_without_a_password(client):
    learner = UserFactory(username="googler")
    learner.set_unusable_password()
    learner.save()
    client.force_login(learner)

    assert h1s(get(client, "/accounts/password/set/", "en")) == ["Set a password"]
    assert h1s(get(client, "/accounts/password/set/", "sq")) == ["Vendos një fjalëkalim"]


def test_login_page_speaks_to_a_learner_with_labelled_fields(client):
    html = get(client, "/accounts/login/", "en")

    assert '<label for="id_login">Username or email</label>' in html
    assert '<label for="id_remember">Keep me signed in</label>' in html
    assert '<button type="submit">Sign in</button>' in html
    assert 'aria-describedby="id_password_helptext"' in html
    assert re.search(r'id="id_password_helptext"><a href="/accounts/password/reset/">Forgot your password\?</a>', html)
    assert "Create your account" in html
    assert "placeholder=" not in html


def test_albanian_login_page_has_no_stock_allauth_wording():
    html = get(Client(), "/accounts/login/", "sq")

    assert '<label for="id_login">Emri i përdoruesit ose email-i</label>' in html
    assert '<label for="id_remember">Më mbaj mend në këtë pajisje</label>' in html
    assert '<button type="submit">Hyr</button>' in html
    assert "Përdoruesi:" not in html
    assert "Keep me signed in" not in html


def test_signup_page_keeps_birth_year_and_guardian_email_with_help(client):
    html = get(client, "/accounts/signup/", "en")

    for name in ("email", "username", "birth_year", "guardian_email", "password1", "password2"):
        assert f'<label for="id_{name}">' in html, name
    assert "Year you were born" in html
    assert "So we know whether a parent or guardian needs to OK your account." in html
    assert 'aria-describedby="id_username_helptext"' in html
    assert '<button type="submit">Create my account</button>' in html


def test_signup_errors_are_tied_to_their_inputs(client):
    response = client.post(
        "/accounts/signup/?lang=en",
        {
            "email": "mira@mail.al",
            "username": "mira",
            "password1": "S4fe-pass-phrase",
            "password2": "S4fe-pass-phrase-typo",
            "birth_year": str(timezone.localdate().year - 13),
        },
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert not User.objects.filter(username="mira").exists()
    password2 = re.search(r"<input[^>]*name=\"password2\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in password2
    assert re.search(r'aria-describedby="[^"]*\bid_password2_error\b', password2)
    assert 'id="id_password2_error"' in html
    guardian = re.search(r"<input[^>]*name=\"guardian_email\"[^>]*>", html).group(0)
    assert re.search(r'aria-describedby="[^"]*\bid_guardian_email_error\b', guardian)
    assert 'id="id_guardian_email_error"' in html


def test_signup_still_works_and_signs_the_learner_in(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "bora@mail.al",
            "username": "bora",
            "password1": "S4fe-pass-phrase",
            "password2": "S4fe-pass-phrase",
            "birth_year": "2000",
        },
    )

    assert response.status_code == 302
    assert client.get("/").context["user"].username == "bora"


def test_login_still_works_with_keep_me_signed_in(client, learner):
    response = client.post("/accounts/login/", {"login": learner.email, "password": PASSWORD, "remember": "on"})

    assert response.status_code == 302
    assert client.get("/").context["user"] == learner


# ---- mails ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "subject", "greeting"),
    [
        ("en", "Choose a new password", "Hi from RaiPlay!"),
        ("sq", "Zgjidh një fjalëkalim të ri", "Përshëndetje nga RaiPlay!"),
    ],
)
def test_password_reset_mail_names_raiplay_never_example_com(client, lang, subject, greeting):
    UserFactory(username="ana", email="ana@mail.al")

    client.post(f"/accounts/password/reset/?lang={lang}", {"email": "ana@mail.al"})

    (message,) = mail.outbox
    assert message.subject == f"[RaiPlay] {subject}"
    assert message.body.startswith(greeting)
    assert "RaiPlay" in message.body
    assert "example.com" not in message.subject + message.body
    assert re.search(r"http://testserver/accounts/password/reset/key/\S+/", message.body)
    assert "ana" in message.body


@pytest.mark.parametrize(
    ("lang", "subject", "words"),
    [
        ("en", "Confirm your email", "Welcome to RaiPlay, mira!"),
        ("sq", "Konfirmo email-in tënd", "Mirë se erdhe në RaiPlay, mira!"),
    ],
)
def test_confirmation_mail_names_raiplay_never_example_com(client, lang, subject, words):
    client.post(
        f"/accounts/signup/?lang={lang}",
        {
            "email": "mira@mail.al",
            "username": "mira",
            "password1": "S4fe-pass-phrase",
            "password2": "S4fe-pass-phrase",
            "birth_year": "2000",
        },
    )

    (message,) = [m for m in mail.outbox if m.to == ["mira@mail.al"]]
    assert message.subject == f"[RaiPlay] {subject}"
    assert words in message.body
    assert "example.com" not in message.subject + message.body
    assert "localhost" not in message.body
    assert re.search(r"http://testserver/accounts/confirm-email/\S+/", message.body)


def test_guardian_consent_mail_names_raiplay_never_example_com(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {
                "email": "mira@mail.al",
                "username": "mira",
                "password1": "S4fe-pass-phrase",
                "password2": "S4fe-pass-phrase",
                "birth_year": str(timezone.localdate().year - 13),
                "guardian_email": "parent@mail.al",
            },
        )

    (message,) = [m for m in mail.outbox if m.to == ["parent@mail.al"]]
    assert "RaiPlay" in message.subject and "RaiPlay" in message.body
    assert "example.com" not in message.subject + message.body


def test_reset_link_from_the_mail_opens_the_new_password_page(client):
    ana = UserFactory(username="ana", email="ana@mail.al")
    key = default_token_generator.make_token(ana)
    response = client.get(f"/accounts/password/reset/key/{user_pk_to_url_str(ana)}-{key}/?lang=en", follow=True)

    html = response.content.decode()
    assert h1s(html) == ["Choose a new password"]
    assert '<label for="id_password1">New password</label>' in html
    assert '<button type="submit">Save my new password</button>' in html


def test_confirm_page_of_a_real_link_asks_in_raiplays_words(client):
    ana = UserFactory(username="ana", email="ana@mail.al")
    address = EmailAddress.objects.create(user=ana, email="ana@mail.al", primary=True, verified=False)
    key = EmailConfirmationHMAC(address).key

    html = get(client, f"/accounts/confirm-email/{key}/", "sq")

    assert h1s(html) == ["Konfirmo email-in tënd"]
    assert "Po, konfirmoje" in html
    client.post(f"/accounts/confirm-email/{key}/")
    address.refresh_from_db()
    assert address.verified


@pytest.mark.django_db(transaction=True)
def test_the_site_is_raiplay_even_after_a_flush(settings):
    settings.SITE_DOMAIN = "raiplay.example.al"
    Site.objects.all().delete()

    call_command("flush", interactive=False, verbosity=0)  # what sites answers with "example.com"

    Site.objects.clear_cache()
    site = Site.objects.get_current()
    assert (site.pk, site.name, site.domain) == (settings.SITE_ID, "RaiPlay", "raiplay.example.al")
