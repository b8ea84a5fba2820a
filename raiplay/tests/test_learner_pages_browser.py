"""Every learner page on a phone and on a desktop, in Chromium: axe-core finds nothing serious or critical,
there is one h1, nothing scrolls sideways at 390 px, and the navigation marks where the learner is.

To check a new page, add one line to PAGES (its URL may name any value `learner_world.build()` returns).
"""

from dataclasses import dataclass
from pathlib import Path

import pytest

from achievements.tests.reward_helpers import boards_fixture  # noqa: F401 - each test's own Redis keys
from conftest import sign_in
from raiplay import navigation

from . import learner_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "axe" / "axe.min.js"  # axe-core 4.14.1 (MPL-2.0), from the npm registry
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@dataclass(frozen=True)
class Page:
    url: str  # filled from learner_world.build(): "/games/{quest_next}/"
    who: str | None  # "learner", "teacher", "newcomer" (no birth year yet) or None (signed out)
    current: str | None  # the destination the navigation marks with aria-current="page"
    status: int = 200


PAGES = [
    Page("/", None, "home"),
    Page("/", "learner", "home"),
    Page("/", "newcomer", "home"),
    Page("/quests/", "learner", "quests"),
    Page("/review/", "learner", "review"),
    Page("/games/", "learner", "games"),
    Page("/games/{quest_next}/", "learner", "games"),
    Page("/games/{quest_done}/results/{attempt}/", "learner", "games"),
    Page("/games/{quest_locked}/", "learner", "games", status=403),
    Page("/games/{minigame}/", "learner", "games"),
    Page("/games/{web_minigame}/", "learner", "games"),
    Page("/videos/", "learner", "videos"),
    Page("/videos/{video}/", "learner", "videos"),
    Page("/videos/saved/", "learner", "videos"),
    Page("/leaderboard/", "learner", "leaderboard"),
    Page("/achievements/", "learner", "badges"),
    Page("/shop/", "learner", "shop"),
    Page("/chat/", "learner", "finbot"),
    Page("/chat/{conversation}/", "learner", "finbot"),
    Page("/profile/", "learner", "profile"),
    Page("/u/{friend}/", "learner", None),
    Page("/settings/", "learner", "settings"),
    Page("/classes/", "learner", "classes"),
    Page("/classes/{classroom}/", "learner", "classes"),
    Page("/classes/", "teacher", "classes"),
    Page("/classes/{classroom}/", "teacher", "classes"),
    Page("/accounts/login/", None, "login"),
    Page("/accounts/signup/", None, "signup"),
    Page("/accounts/password/reset/", None, None),
    Page("/consent/{consent_token}/", None, None),
    Page("/no-such-page/", "learner", None, status=404),
]


def page_id(page: Page) -> str:
    return f"{page.who or 'visitor'}:{page.url}"


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {node['target']} {node['html'][:160]} — {node['failureSummary'][:200]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
        for node in v["nodes"]
    ]


def problems_at(browser, live_server, spec: Page, world: dict, viewport: dict) -> list[str]:
    """Everything wrong with one page at one screen size (an empty list: all good)."""
    # bypass_csp: axe is injected as an inline script, which the pages' CSP rightly forbids.
    context = browser.new_context(base_url=live_server.url, viewport=viewport, bypass_csp=True)
    if spec.who:
        sign_in(context, live_server, world["users"][spec.who])
    page = context.new_page()
    try:
        response = page.goto(spec.url.format(**world), wait_until="networkidle")
        found = [] if response.status == spec.status else [f"status {response.status}, not {spec.status}"]
        found += serious_violations(page)
        headings = page.locator("h1").all_inner_texts()
        if len(headings) != 1:
            found.append(f"{len(headings)} h1 headings: {headings}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            found.append(f"scrolls sideways by {overflow}px")
        marked = page.locator("header [aria-current=page]").evaluate_all("nodes => nodes.map(n => n.dataset.nav)")
        if sorted(marked) != expected_marks(spec.current):
            found.append(f"aria-current on {marked}, expected {expected_marks(spec.current)}")
        return found
    finally:
        context.close()


def expected_marks(current: str | None) -> list[str]:
    """The current destination, and "more" as well when the destination is in the More menu."""
    if current is None:
        return []
    in_more = current in {item.key for item in navigation.MORE_SIGNED_IN}
    return sorted([current, "more"] if in_more else [current])


@pytest.mark.parametrize("spec", PAGES, ids=page_id)
def test_learner_page_is_accessible_fits_a_phone_and_marks_where_you_are(browser, live_server, spec):
    world = learner_world.build()

    found = {size: problems_at(browser, live_server, spec, world, viewport) for size, viewport in SIZES.items()}

    assert found == {size: [] for size in SIZES}
