"""axe-core on the admin pages we own: no critical accessibility problem (labels for every input …)."""

from pathlib import Path

import pytest

from achievements.tests.factories import ShopItemFactory
from chat.tests.factories import KnowledgeArticleFactory
from conftest import sign_in
from games.tests.factories import QuestFactory, make_game
from raiplay.tests.factories import make_editor
from videos.tests.factories import VideoFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "axe" / "axe.min.js"  # axe-core 4.14.1 (MPL-2.0), from the npm registry


def content():
    game = make_game(single=2, number=1, slug="budget-basics", title="Budget basics", factory=QuestFactory)
    video = VideoFactory(slug="needs-vs-wants", title="Needs vs wants")
    article = KnowledgeArticleFactory(slug="what-is-a-budget")
    ShopItemFactory(name="Hoodie", stock=2)
    return {"game": game, "question": game.questions.first(), "video": video, "article": article}


def pages(items) -> list[str]:
    game, question, video, article = items["game"], items["question"], items["video"], items["article"]
    return [
        "/admin/",
        "/admin/games/game/",
        "/admin/games/game/add/",
        f"/admin/games/game/{game.pk}/change/",
        "/admin/games/question/",
        "/admin/games/question/add/",
        f"/admin/games/question/{question.pk}/change/",
        "/admin/games/queststep/",
        "/admin/videos/video/",
        "/admin/videos/video/add/",
        f"/admin/videos/video/{video.pk}/change/",
        "/admin/chat/knowledgearticle/",
        "/admin/chat/knowledgearticle/add/",
        f"/admin/chat/knowledgearticle/{article.pk}/change/",
        "/admin/achievements/shopitem/",
        "/admin/raiplay/contentfile/",
        "/admin/raiplay/insights/",
    ]


def critical(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {node['target']} {node['html'][:120]}"
        for v in result["violations"]
        if v["impact"] == "critical"
        for node in v["nodes"]
    ]


def test_no_critical_accessibility_problem_on_our_admin_pages(browser, live_server):
    editor = make_editor(username="ed")
    items = content()
    # bypass_csp: axe is injected as an inline script, which the pages' CSP rightly forbids.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    sign_in(context, live_server, editor)
    page = context.new_page()
    found = {}
    for url in pages(items):
        response = page.goto(url, wait_until="networkidle")
        assert response.status == 200, url
        problems = critical(page)
        if problems:
            found[url] = problems
    context.close()
    assert found == {}


def test_the_login_page_says_raiplay_and_has_no_critical_problem(browser, live_server):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.goto("/admin/login/", wait_until="networkidle")
    assert "RaiPlay" in page.title()
    assert page.locator("#site-name").inner_text().strip() == "RaiPlay"
    assert critical(page) == []
    context.close()
