"""A teacher makes a class, a learner joins with the code shown and plays the assignment, the teacher sees it done."""

import re

import pytest

from accounts.tests.factories import UserFactory
from conftest import sign_in
from games.tests.factories import make_game

from .factories import make_teacher


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_teacher_class_learner_joins_and_does_the_assignment(page, live_server):
    from playwright.sync_api import expect

    game = make_game(single=1, title="Budget basics", slug="budget-basics")
    teacher = make_teacher(username="msuese", display_name="Ms Hoxha")
    learner = UserFactory(username="ana", display_name="Ana")
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    sign_in(page.context, live_server, teacher)
    page.goto("/classes/")
    page.get_by_label("Class name").fill("8A")
    page.get_by_role("button", name="Create class").click()
    expect(page).to_have_url(re.compile(r"/classes/\d+/$"))
    class_url = page.url
    code = page.get_by_test_id("join-code").inner_text().strip()
    assert len(code) == 8
    page.get_by_label("Game or video").select_option(label="🎯 Budget basics")
    page.get_by_label("Due date").fill("2999-01-01")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_test_id("teacher-assignments")).to_contain_text("0 of 0 done")

    sign_in(page.context, live_server, learner)
    page.goto("/classes/")
    page.get_by_label("Class code").fill(code.lower())
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", name="8A")).to_be_visible()
    expect(page.get_by_test_id("assignments")).to_contain_text("Budget basics")
    page.goto("/")
    expect(page.get_by_test_id("due-assignments")).to_contain_text("Budget basics")
    page.get_by_test_id("due-assignments").get_by_role("link", name="Budget basics").click()
    # One question, its first choice is the right one.
    page.locator("input[type=radio]").first.check()
    page.get_by_role("button", name="Check", exact=True).click()  # one question at a time, then the results
    page.get_by_role("button", name="See my results").click()
    page.wait_for_url(re.compile(r".*/results/\d+/$"))
    page.goto(class_url)
    expect(page.get_by_test_id("assignments")).to_contain_text("Done")

    sign_in(page.context, live_server, teacher)
    page.goto(class_url)
    expect(page.get_by_test_id("teacher-assignments")).to_contain_text("1 of 1 done")
    expect(page.get_by_test_id("member-ana")).to_contain_text("1/1")
    # The sortable columns are a static script (the CSP allows no inline one).
    page.get_by_role("button", name="XP", exact=True).click()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("XP")
    assert not errors, errors
    assert game.pk
