"""The phone navigation in Chromium at 390 × 844: the tab bar fits in both languages, "More" opens
with the keyboard and without JavaScript, content never hides behind the bar, and less motion is honoured."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from conftest import sign_in
from games.tests.factories import QuestFactory, make_game

from .test_learner_pages_browser import SIZES, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MORE = "summary[data-nav=more]"
PHONE = {"width": 390, "height": 844}


def signed_in(page, live_server, **fields):
    user = UserFactory(username="ana", display_name="Ana", **fields)
    sign_in(page.context, live_server, user)
    return user


def test_the_more_menu_opens_and_closes_with_the_keyboard(page, live_server):
    signed_in(page, live_server)
    page.goto("/")
    menu = page.locator("details[data-more-menu]")
    leaderboard = page.get_by_role("link", name="Leaderboard")
    expect(leaderboard).to_be_hidden()

    for _ in range(12):  # skip link, brand, five tabs, then "More"
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.nav") == "more":
            break
    else:
        raise AssertionError("Tab never reached the More menu")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"  # focus shows
    page.keyboard.press("Enter")

    expect(menu).to_have_attribute("open", "")
    expect(leaderboard).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.nav") == "review"  # the menu's first item is next
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    assert page.evaluate("document.activeElement.dataset.nav") == "more"  # focus is back on the button

    page.keyboard.press("Space")
    expect(leaderboard).to_be_visible()
    leaderboard.focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/leaderboard/")
    marked = page.locator("header [aria-current=page]").evaluate_all("nodes => nodes.map(n => n.dataset.nav)")
    assert marked == ["more", "leaderboard"]


def test_the_more_menu_works_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    sign_in(context, live_server, UserFactory(username="ana"))
    page.goto("/")

    page.locator(MORE).click()
    page.get_by_role("button", name="Log out").click()

    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.get_by_role("link", name="Sign up")).to_be_visible()
    context.close()


@pytest.mark.parametrize("size", SIZES)
def test_the_open_more_menu_has_no_serious_accessibility_problem(browser, live_server, size):
    context = browser.new_context(base_url=live_server.url, viewport=SIZES[size], bypass_csp=True)
    sign_in(context, live_server, UserFactory(username="ana"))
    page = context.new_page()
    page.goto("/shop/")

    page.locator(MORE).click()

    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert serious_violations(page) == []
    context.close()


def test_a_tap_outside_closes_the_more_menu(page, live_server):
    signed_in(page, live_server)
    page.goto("/")
    menu = page.locator("details[data-more-menu]")

    page.locator(MORE).click()
    expect(menu).to_have_attribute("open", "")
    page.mouse.click(195, 200)  # on the dimmed page above the sheet

    expect(menu).not_to_have_attribute("open", "")
    expect(page).to_have_url(f"{live_server.url}/")


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("en", ["Home", "Quests", "Games", "Videos", "FinBot", "More"]),
        ("sq", ["Kreu", "Misionet", "Lojërat", "Videot", "FinBot", "Më shumë"]),
    ],
)
def test_the_tab_bar_fits_a_390px_phone_in_both_languages(page, live_server, language, labels):
    signed_in(page, live_server, language=language, xp=123_456, coins=98_765, streak_count=0)
    page.goto("/")

    tabs = page.locator("nav.mainnav .tab")
    assert tabs.all_inner_texts() == labels
    clipped = page.locator(".tab-label").evaluate_all(
        "nodes => nodes.filter(n => n.scrollWidth > n.clientWidth).map(n => n.textContent)"
    )
    assert clipped == []
    bar = page.locator("nav.mainnav").bounding_box()
    assert bar["y"] + bar["height"] == 844  # fixed to the bottom of the screen
    for box in (tabs.nth(i).bounding_box() for i in range(6)):
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert box["height"] >= 48  # a comfortable tap target
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the header's big numbers fit too


def test_nothing_hides_behind_the_tab_bar(page, live_server):
    signed_in(page, live_server)
    page.goto("/")

    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")

    bar_top = page.locator("nav.mainnav").bounding_box()["y"]
    footer = page.locator("footer").bounding_box()
    assert footer["y"] + footer["height"] <= bar_top + 1
    assert page.locator("footer").get_by_role("button", name="Change").bounding_box()["y"] < bar_top


def test_no_animation_or_transition_for_learners_who_ask_for_less_motion(browser, live_server):
    learner = UserFactory(username="ana")
    for position in (1, 2):
        make_game(single=1, factory=QuestFactory, position=position)  # the next quest pulses on the map
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, reduced_motion="reduce")
    sign_in(context, live_server, learner)
    page = context.new_page()
    moving = (
        "() => [...document.querySelectorAll('*')].filter(n => { const s = getComputedStyle(n);"
        " return s.animationName !== 'none' || !s.transitionDuration.split(',').every(d => parseFloat(d) === 0); })"
        ".map(n => n.tagName + '.' + n.className)"
    )

    for url in ("/quests/", "/"):
        page.goto(url)
        assert page.evaluate(moving) == [], url

    context.close()
