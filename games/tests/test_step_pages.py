"""Quest play one question at a time on /games/<slug>/ (js/play.js), and the one-form play without JavaScript."""

import re

import pytest

from accounts.tests.factories import UserFactory
from achievements.models import LedgerEntry
from conftest import sign_in
from core.content import import_content
from games.models import Attempt, Game
from games.services import answer_question, start_attempt

from .factories import correct_answers

LONG_PROMPT = (
    "Your grandmother gives you 5000 lekë for your birthday and you want new headphones: "
    "which of these is the smartest plan before you spend anything at all?"
)
LONG_CHOICE = "Spend it all today on the very first pair of headphones you see in the shop window"


def quest_content(slug: str = "budget-quest", position: int = 1) -> dict:
    return {
        "slug": slug,
        "title": "Budget quest",
        "title_sq": "Misioni i buxhetit",
        "type": "quest",
        "quest_position": position,
        "category": "budgeting",
        "xp_reward": 100,
        "coin_reward": 10,
        "pass_score": 60,  # two of three right (67%) pass
        "questions": [
            {
                "prompt": LONG_PROMPT,
                "kind": "single",
                "explanation": "Saving part of it first leaves room to compare prices.",
                "choices": [
                    {"text": LONG_CHOICE, "correct": False},
                    {"text": "Save part of it and compare prices", "correct": True},
                ],
            },
            {
                "prompt": "Which of these are needs?",
                "kind": "multiple",
                "explanation": "Food and rent come before games.",
                "choices": [
                    {"text": "Food", "correct": True},
                    {"text": "Rent", "correct": True},
                    {"text": "Video games", "correct": False},
                ],
            },
            {"prompt": "2 + 2.5 = ?", "kind": "number", "answer_value": 4.5, "explanation": "Four and a half."},
        ],
    }


@pytest.fixture
def quest(db) -> Game:
    import_content({"games": [quest_content()]})
    return Game.objects.get(slug="budget-quest")


def finished_play(user, game, answers=None) -> Attempt:
    attempt = start_attempt(user=user, game=game)
    for answer in correct_answers(game) if answers is None else answers:
        answer_question(user=user, game=game, attempt_id=attempt.pk, answer=answer)
    return attempt


# ---- the page ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_play_page_offers_the_step_by_step_play_without_its_answer_key(client, learner, quest):
    client.force_login(learner)
    html = client.get("/games/budget-quest/").content.decode()
    assert "data-step-by-step" in html
    assert f'data-start-url="/api/v1/games/{quest.pk}/start"' in html
    assert f'data-attempts-url="/api/v1/games/{quest.pk}/attempts"' in html
    assert 'data-text-progress="Question %(number)s of %(total)s"' in html
    assert '<script src="/static/js/play.js" defer></script>' in html
    assert 'id="game-finish-form"' in html and 'action="/games/budget-quest/finish/"' in html
    # Nothing tells which answer is right before the learner answers (the game's own part of
    # the page: the navigation's icons draw with numbers like 4.5).
    main = html[html.index('<main id="main"') : html.index("</main>")]
    for secret in ("Saving part of it first", "Food and rent come", "Four and a half", "4.5", "is_correct", "correct"):
        assert secret not in main, secret
    # The one-form play is all there, for a browser without JavaScript.
    assert html.count('<fieldset class="card question"') == 3
    assert "Check my answers" in html


@pytest.mark.django_db
def test_the_play_page_speaks_albanian(client, learner, quest):
    client.force_login(learner)
    html = client.get("/games/budget-quest/", HTTP_ACCEPT_LANGUAGE="sq").content.decode()
    assert 'data-text-progress="Pyetja %(number)s nga %(total)s"' in html
    assert ">Kontrollo</button>" in html and ">Tjetra</button>" in html
    assert "Shiko rezultatet e mia" in html


@pytest.mark.django_db
def test_the_staff_preview_stays_a_one_form_play_that_earns_nothing(client, quest):
    client.force_login(UserFactory(is_staff=True))
    html = client.get("/games/budget-quest/preview/").content.decode()
    assert "data-step-by-step" not in html
    assert "js/play.js" not in html
    assert "Check my answers" in html
    perfect = {}
    for question in quest.questions.prefetch_related("choices"):
        right = [str(c.pk) for c in question.choices.all() if c.is_correct] or [str(question.answer_value)]
        perfect[f"q{question.pk}"] = right
    results = client.post("/games/budget-quest/preview/", perfect).content.decode()
    assert "100%" in results and "+100 XP" not in results
    assert not Attempt.objects.exists() and not LedgerEntry.objects.exists()


# ---- finishing on the page ------------------------------------------------------------


@pytest.mark.django_db
def test_finishing_on_the_page_shows_the_results_with_the_rewards(client, learner, quest):
    client.force_login(learner)
    attempt = finished_play(learner, quest)
    response = client.post("/games/budget-quest/finish/", {"attempt": attempt.pk})
    assert response.status_code == 302
    assert response["Location"] == f"/games/budget-quest/results/{attempt.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "100%" in page and "+100 XP" in page
    assert "Food and rent come before games." in page
    learner.refresh_from_db()
    assert learner.xp == 100


@pytest.mark.django_db
def test_unanswered_questions_count_wrong_on_the_results_page(client, learner, quest):
    client.force_login(learner)
    attempt = finished_play(learner, quest, answers=correct_answers(quest)[:1])
    page = client.post("/games/budget-quest/finish/", {"attempt": attempt.pk}, follow=True).content.decode()
    assert "33%" in page and "Not quite yet" in page  # one of three: below the 60% pass
    assert len(re.findall(r'class="card answer wrong"', page)) == 2


@pytest.mark.django_db
def test_finishing_twice_shows_the_results_again_and_rewards_once(client, learner, quest):
    client.force_login(learner)
    attempt = finished_play(learner, quest)
    first = client.post("/games/budget-quest/finish/", {"attempt": attempt.pk}, follow=True)
    assert "+100 XP" in first.content.decode()
    again = client.post("/games/budget-quest/finish/", {"attempt": attempt.pk})
    assert again.status_code == 302
    assert again["Location"] == f"/games/budget-quest/results/{attempt.pk}/"
    assert "+100 XP" not in client.get(again["Location"]).content.decode()
    assert LedgerEntry.objects.filter(user=learner).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("attempt", ["", "abc", "987654", "9" * 30, "theirs"])
def test_finishing_a_play_that_is_not_the_learners_is_404(client, learner, quest, attempt):
    theirs = start_attempt(user=UserFactory(), game=quest)
    client.force_login(learner)
    response = client.post("/games/budget-quest/finish/", {"attempt": theirs.pk if attempt == "theirs" else attempt})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.finished_at is None


@pytest.mark.django_db
def test_finishing_needs_a_post_and_a_signed_in_learner(client, learner, quest):
    attempt = finished_play(learner, quest)
    assert client.post("/games/budget-quest/finish/", {"attempt": attempt.pk}).status_code == 302  # to log in
    client.force_login(learner)
    assert client.get("/games/budget-quest/finish/").status_code == 405
    attempt.refresh_from_db()
    assert attempt.finished_at is None


@pytest.mark.django_db
def test_a_locked_quest_is_not_finished_on_the_page(client, learner, quest):
    import_content({"games": [quest_content("second-quest", 2)]})
    second = Game.objects.get(slug="second-quest")
    attempt = Attempt.objects.create(user=learner, game=second)  # started before an editor's reorder, say
    client.force_login(learner)
    response = client.post("/games/second-quest/finish/", {"attempt": attempt.pk})
    assert response.status_code == 403
    attempt.refresh_from_db()
    assert attempt.finished_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("extra_questions", [0, 20])
def test_finishing_on_the_page_query_count_is_flat(
    client, learner, quest, django_assert_max_num_queries, extra_questions
):
    if extra_questions:
        content = quest_content()
        content["questions"] = content["questions"] * (1 + extra_questions // 3)
        import_content({"games": [content]})
        quest = Game.objects.get(slug="budget-quest")
    attempt = finished_play(learner, quest)
    client.force_login(learner)
    # Lowered from 80 by issue 12: the reward layer locks the learner once and writes the
    # stats, the ledger rows and the boards a statement each (the session and user reads included).
    with django_assert_max_num_queries(25):
        assert client.post("/games/budget-quest/finish/", {"attempt": attempt.pk}).status_code == 302


# ---- in a browser (390 × 844, a phone) ----------------------------------------------------

RECORD_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def _browser_quest(live_server, page) -> Game:
    import_content({"games": [quest_content()]})
    learner = UserFactory(username="arta")
    sign_in(page.context, live_server, learner)
    return Game.objects.get(slug="budget-quest")


def _focused(page) -> str:
    return page.evaluate(
        "() => { const e = document.activeElement; return e.dataset.feedback !== undefined ? 'feedback' :"
        " (e.labels && e.labels[0] ? e.labels[0].textContent.trim() : e.textContent.trim()); }"
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_journey_play_a_quest_step_by_step_with_the_keyboard_only(page, live_server):
    quest = _browser_quest(live_server, page)
    page.add_init_script(RECORD_CSP)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/games/budget-quest/")

    progress = page.get_by_role("progressbar", name="Question 1 of 3")
    assert progress.is_visible()
    assert page.locator("fieldset.question:visible").count() == 1
    assert not page.get_by_role("button", name="Check my answers").is_visible()

    # Question 1: Tab to the first choice, arrow to the right one, Enter checks it.
    page.locator("fieldset.question:visible input").first.focus()
    page.keyboard.press("ArrowDown")
    assert _focused(page) == "Save part of it and compare prices"
    page.keyboard.press("Enter")
    feedback = page.locator("[data-feedback]")
    feedback.wait_for(state="visible")
    assert _focused(page) == "feedback"
    assert "Right!" in feedback.text_content()
    assert "Save part of it and compare prices" in feedback.text_content()
    assert "Saving part of it first leaves room to compare prices." in feedback.text_content()
    page.keyboard.press("Tab")
    assert _focused(page) == "Next"
    page.keyboard.press("Enter")

    # Question 2: focus is on its first choice; Space picks it, Tab + Space the Check button.
    assert page.get_by_role("progressbar", name="Question 2 of 3").is_visible()
    assert page.locator("[role=progressbar]").get_attribute("aria-valuenow") == "2"
    assert _focused(page) == "Food"
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("Tab")
    assert _focused(page) == "Check"
    page.keyboard.press("Space")
    feedback.wait_for(state="visible")
    assert _focused(page) == "feedback"
    assert "Not quite." in feedback.text_content()
    assert "Food, Rent" in feedback.text_content()  # the right answer
    assert "Food and rent come before games." in feedback.text_content()
    marked = page.locator("fieldset.question:visible")
    assert marked.locator(".choice.is-wrong").count() == 0 and marked.locator(".choice.is-right").count() == 2
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    # Question 3 (the last): type the number, Enter checks, then on to the results.
    assert _focused(page) == "Your answer (a number)"
    page.keyboard.type("4.5")
    page.keyboard.press("Enter")
    feedback.wait_for(state="visible")
    assert "Right!" in feedback.text_content() and "Four and a half." in feedback.text_content()
    page.keyboard.press("Tab")
    assert _focused(page) == "See my results"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/results/\d+/$"))

    assert "67%" in page.text_content(".score")  # two of three right: a pass (60% needed)
    assert "Passed!" in page.text_content("h1")
    assert "+100 XP" in page.text_content(".earned")
    attempt = Attempt.objects.get(game=quest)
    assert (attempt.score, attempt.passed, len(attempt.answers)) == (67, True, 3)
    assert page.evaluate("window.__csp") == [] and errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_journey_a_step_by_step_pass_lands_on_results_with_rewards(page, live_server):
    quest = _browser_quest(live_server, page)
    page.goto("/games/budget-quest/")
    page.get_by_label("Save part of it and compare prices").check()
    page.get_by_role("button", name="Check").click()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Food").check()
    page.get_by_label("Rent").check()
    page.get_by_role("button", name="Check").click()
    page.locator("[data-feedback]").wait_for(state="visible")
    assert "Right!" in page.text_content("[data-feedback]")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Your answer (a number)").fill("4.5")
    page.get_by_role("button", name="Check").click()
    page.get_by_role("button", name="See my results").click()
    page.wait_for_url(re.compile(r".*/results/\d+/$"))
    assert "100%" in page.text_content(".score")
    assert "+100 XP" in page.text_content(".earned")
    assert Attempt.objects.get(game=quest).passed


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_check_without_an_answer_asks_for_one_and_records_nothing(page, live_server):
    _browser_quest(live_server, page)
    page.goto("/games/budget-quest/")
    page.get_by_role("button", name="Check").click()
    assert page.get_by_role("alert").text_content() == "Pick an answer first."
    assert not Attempt.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_same_quest_is_played_in_one_form(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    quest = _browser_quest(live_server, page)
    page.goto("/games/budget-quest/")
    assert page.locator("fieldset.question:visible").count() == 3
    assert not page.locator("[role=progressbar]").is_visible()
    assert not page.get_by_role("button", name="Check", exact=True).is_visible()
    page.get_by_label("Save part of it and compare prices").check()
    page.get_by_label("Food").check()
    page.get_by_label("Rent").check()
    page.get_by_label("Your answer (a number)").fill("4.5")
    page.get_by_role("button", name="Check my answers").click()
    page.wait_for_url(re.compile(r".*/results/\d+/$"))
    assert "100%" in page.text_content(".score")
    assert "+100 XP" in page.text_content(".earned")
    assert Attempt.objects.get(game=quest).score == 100
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_long_questions_and_choices_fit_a_phone(browser, live_server, javascript):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, java_script_enabled=javascript
    )
    page = context.new_page()
    _browser_quest(live_server, page)
    page.goto("/games/budget-quest/")
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('fieldset.question')].filter(f => !f.hidden).map(f => {
             const card = f.getBoundingClientRect(), legend = f.querySelector('legend').getBoundingClientRect();
             return {card: [card.top, card.left, card.right], legend: [legend.top, legend.left, legend.right],
                     marks: [...f.querySelectorAll('.choice input')].map(i => {
                       const b = i.getBoundingClientRect(); return [b.width, b.height]; })};
           })"""
    )
    assert boxes
    for box in boxes:
        card_top, card_left, card_right = box["card"]
        legend_top, legend_left, legend_right = box["legend"]
        assert legend_top >= card_top and card_left <= legend_left and legend_right <= card_right, box
        # Every circle and box keeps its size (1.2rem), wrapped label (LONG_CHOICE) or not.
        assert all(width == height and width >= 19 for width, height in box["marks"]), box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_feedback_does_not_move_for_learners_who_ask_for_reduced_motion(page, live_server):
    _browser_quest(live_server, page)
    page.emulate_media(reduced_motion="reduce")
    page.goto("/games/budget-quest/")
    page.get_by_label("Save part of it and compare prices").check()
    page.get_by_role("button", name="Check").click()
    feedback = page.locator("[data-feedback]")
    feedback.wait_for(state="visible")
    assert feedback.evaluate("e => getComputedStyle(e).animationName") == "none"
    assert page.locator("[data-step-bar]").evaluate("e => getComputedStyle(e).transitionDuration") == "0s"
    page.emulate_media(reduced_motion="no-preference")
    assert feedback.evaluate("e => getComputedStyle(e).animationName") == "step-in"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_axe_finds_nothing_serious_while_playing_step_by_step(browser, live_server):
    from raiplay.tests.test_admin_axe import AXE

    # bypass_csp: axe is injected as an inline script, which the page's CSP rightly forbids.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    _browser_quest(live_server, page)
    page.goto("/games/budget-quest/", wait_until="networkidle")
    page.add_script_tag(path=str(AXE))

    def serious() -> list[str]:
        # The play itself (the site's header and navigation are base.html's, checked with the other pages).
        result = page.evaluate("axe.run('#main', {resultTypes: ['violations']})")
        return [
            f"{v['id']}: {node['target']}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
            for node in v["nodes"]
        ]

    assert serious() == []  # the first question
    page.get_by_label("Save part of it and compare prices").check()
    page.get_by_role("button", name="Check").click()
    feedback = page.locator("[data-feedback]")
    feedback.wait_for(state="visible")
    feedback.evaluate("e => Promise.all(e.getAnimations().map(a => a.finished))")  # faded in: full contrast
    assert serious() == []  # its feedback, the answer marked
    context.close()
