"""The main navigation: five tabs and a "More" menu, the current destination marked on the server."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from accounts.tests.factories import UserFactory
from achievements import levels
from achievements.tests.reward_helpers import earn
from games.models import UserGame
from games.tests.factories import QuestFactory
from raiplay import navigation
from raiplay.context_processors import navigation as navigation_context


def nav_html(response) -> str:
    html = response.content.decode()
    return html[html.index('<header class="topbar">') : html.index("</header>")]


def marked(html: str) -> list[str]:
    """The data-nav keys of the elements marked aria-current="page", in page order."""
    return re.findall(r'data-nav="([\w-]+)" aria-current="page"', html)


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/", "home"),
        ("/quests/", "quests"),
        ("/games/", "games"),
        ("/games/budget-basics/results/12/", "games"),
        ("/videos/saved/", "videos"),
        ("/chat/4/", "finbot"),
        ("/review/", "review"),
        ("/leaderboard/", "leaderboard"),
        ("/achievements/", "badges"),
        ("/shop/codes/RP-1A2B/", "shop"),
        ("/classes/3/", "classes"),
        ("/profile/", "profile"),
        ("/settings/", "settings"),
        ("/accounts/password/change/", "settings"),
        ("/u/ana/", None),
        ("/nowhere/", None),
        ("/accounts/login/", None),  # signed in, there is no Log in to mark
    ],
)
def test_a_signed_in_learners_page_belongs_to_one_destination(path, key):
    assert navigation.for_request(path=path, signed_in=True).current == key


def test_a_visitor_has_log_in_and_sign_up_and_no_learner_only_destination():
    nav = navigation.for_request(path="/accounts/signup/", signed_in=False)

    assert nav.current == "signup"
    assert [item.key for item in nav.account] == ["login", "signup"]
    assert [item.key for item in nav.more] == ["leaderboard", "badges", "shop"]
    assert not nav.more_current


def test_five_tabs_and_the_rest_under_more():
    nav = navigation.for_request(path="/shop/", signed_in=True)

    assert [item.key for item in nav.tabs] == ["home", "quests", "games", "videos", "finbot"]
    assert [item.key for item in nav.more] == [
        "review",
        "leaderboard",
        "badges",
        "shop",
        "classes",
        "profile",
        "settings",
    ]
    assert nav.more_current
    assert not navigation.for_request(path="/videos/", signed_in=True).more_current


def test_the_context_processor_reads_no_database(db, django_assert_num_queries):
    request = RequestFactory().get("/leaderboard/")
    request.user = AnonymousUser()

    with django_assert_num_queries(0):
        nav = navigation_context(request)["nav"]

    assert nav.current == "leaderboard"


@pytest.mark.django_db
def test_the_page_marks_its_tab_and_nothing_else(client):
    client.force_login(UserFactory(username="ana"))

    html = nav_html(client.get("/videos/"))

    assert marked(html) == ["videos"]
    assert html.count('aria-current="page"') == 1


@pytest.mark.django_db
def test_a_page_in_the_more_menu_marks_the_menu_and_its_item(client):
    client.force_login(UserFactory(username="ana"))

    html = nav_html(client.get("/leaderboard/"))

    assert marked(html) == ["more", "leaderboard"]
    assert '<summary class="tab" data-nav="more" aria-current="page">' in html


@pytest.mark.django_db
def test_the_more_menu_holds_review_and_the_rest_and_logs_out_with_a_form(client):
    client.force_login(UserFactory(username="ana"))

    html = nav_html(client.get("/"))
    menu = html[html.index("<details") : html.index("</details>")]

    hrefs = re.findall(r'<a href="([^"]+)" data-nav', menu)
    assert hrefs == ["/review/", "/leaderboard/", "/achievements/", "/shop/", "/classes/", "/profile/", "/settings/"]
    assert '<form method="post" action="/accounts/logout/">' in menu
    assert ">Log out<" in menu
    assert ">More<" in html


@pytest.mark.django_db
def test_a_visitor_sees_log_in_and_sign_up_in_the_top_bar(client):
    html = nav_html(client.get("/accounts/login/"))

    account = html[html.index('<div class="account-links">') :]
    assert 'href="/accounts/login/" data-nav="login" aria-current="page">Log in<' in account
    assert 'href="/accounts/signup/" data-nav="signup">Sign up<' in account
    assert "/accounts/logout/" not in html
    assert "/review/" not in html  # learner-only destinations wait for signing in


@pytest.mark.django_db
def test_the_stats_chip_says_in_words_what_its_symbols_show(client):
    client.force_login(UserFactory(username="ana", xp=340, level=3, coins=25))

    html = nav_html(client.get("/"))

    chip = html[html.index('class="stats-chip"') :]
    assert "Your profile. Level 3, streak: 0 days, coins: 25" in chip
    assert '<span class="stat" aria-hidden="true">🪙 25</span>' in chip


@pytest.mark.django_db
def test_the_navigation_is_albanian():
    client = Client(HTTP_ACCEPT_LANGUAGE="sq")
    client.force_login(UserFactory(username="ana", coins=1))

    html = nav_html(client.get("/"))

    for label in ["Kreu", "Misionet", "Lojërat", "Videot", "Më shumë", "Përsëritja", "Renditja", "Distinktivët"]:
        assert f">{label}<" in html, label
    assert 'aria-label="Kryesore"' in html
    assert ">Dil<" in html
    assert "Profili yt. Niveli 1, seria: 0 ditë, monedha: 1" in html
    assert "More" not in html


@pytest.mark.django_db
def test_the_kept_navigation_still_carries_each_learners_own_log_out_token_page_and_language():
    """{% main_nav %} renders the menu once per (language, signed in, page); the log-out form's
    CSRF token is each request's own, and no other learner's state leaks through the kept HTML."""
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    ana, ben = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    ana.force_login(UserFactory(username="ana"))
    ben.force_login(UserFactory(username="ben"))

    ana_home, ben_home = nav_html(ana.get("/")), nav_html(ben.get("/"))

    assert token.search(ana_home) and token.search(ben_home)
    assert "<!--csrf-->" not in ana_home
    # Each token is the learner's own: it logs that learner out, and nobody else.
    response = ana.post("/accounts/logout/", {"csrfmiddlewaretoken": token.search(ben_home).group(1)})
    assert response.status_code == 403
    assert ana.post("/accounts/logout/", {"csrfmiddlewaretoken": token.search(ana_home).group(1)}).status_code == 302
    assert marked(nav_html(ben.get("/videos/"))) == ["videos"]
    assert ">Videot<" in nav_html(ben.get("/?lang=sq")) and ">Videos<" in nav_html(ben.get("/?lang=en"))
    assert "/accounts/logout/" not in nav_html(ana.get("/accounts/login/"))


@pytest.mark.django_db
def test_kept_dashboard_fragments_follow_each_learners_numbers_and_show_nobody_elses():
    """The stats chip, the progress card and the language switch are kept fragments
    (core.fragments): new numbers are a new render, and two learners with the same numbers
    share the HTML of those numbers only."""
    ana = UserFactory(username="ana", display_name="Ana", birth_year=2000)
    ben = UserFactory(username="ben", display_name="Ben", birth_year=2000)
    pages = {}
    for user in (ana, ben):
        client = Client()
        client.force_login(user)
        pages[user.username] = client
    before = pages["ana"].get("/").content.decode()
    assert 'data-testid="xp-total">0 XP' in before and "🪙 0" in before

    earn(ana, 120)
    after = pages["ana"].get("/").content.decode()
    assert 'data-testid="xp-total">120 XP' in after and f"⭐ {levels.level_for(120)}" in after
    assert 'name="next" type="hidden" value="/"' in after

    bens = pages["ben"].get("/?lang=sq").content.decode()
    assert "Përshëndetje, Ben!" in bens and "Ana" not in bens.replace("Analiz", "")
    assert 'data-testid="xp-total">0 XP' in bens and 'value="/?lang=sq"' in bens


@pytest.mark.django_db
def test_dashboard_offers_the_next_quest_then_says_the_map_is_done():
    learner = UserFactory(birth_year=2000)
    first = QuestFactory(title="Budget basics", description="Plan a week of pocket money.", xp_reward=30)
    second = QuestFactory(title="Saving goals", xp_reward=40)
    client = Client()
    client.force_login(learner)

    page = re.sub(r"\s+", " ", client.get("/").content.decode())
    assert "1. Budget basics" in page and "Plan a week of pocket money." in page
    assert f'href="/games/{first.slug}/"' in page and "+30 XP" in page

    UserGame.objects.create(user=learner, game=first, best_score=90, completed_at="2026-01-01T00:00Z")
    page = re.sub(r"\s+", " ", client.get("/?lang=sq").content.decode())
    assert "2. Saving goals" in page and "+40 XP" in page and "Budget basics" not in page

    UserGame.objects.create(user=learner, game=second, best_score=90, completed_at="2026-01-02T00:00Z")
    assert "You have finished every quest on the map." in client.get("/?lang=en").content.decode()
