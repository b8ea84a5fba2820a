"""What FinBot could not answer is counted for editors; flagged conversations wait for them in the admin."""

import pytest
from django.contrib.auth.models import Group

from accounts.tests.factories import UserFactory
from chat import selectors, services
from chat.models import SafetyFlag, UnansweredQuestion

pytestmark = pytest.mark.usefixtures("knowledge", "offline")


@pytest.fixture
def editor(db):
    user = UserFactory(username="ed", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def test_an_unanswered_question_is_counted_once_per_normalised_wording(learner):
    services.ask(user=learner, text="How do I repair my bike chain?")
    services.ask(user=learner, text="how do i REPAIR my bike chain")
    services.ask(user=UserFactory(), text="bike chain - how do I repair it??")
    row = UnansweredQuestion.objects.get()
    assert row.count == 3 and row.language == "en"
    assert row.text == "bike chain - how do I repair it??"  # the latest wording


def test_it_is_stored_redacted(learner):
    services.ask(user=learner, text="can you fix my bike chain, email me at kid@example.com")
    assert not UnansweredQuestion.objects.filter(text__contains="example.com").exists()


def test_answered_questions_greetings_and_emoji_are_not_recorded(learner):
    for text in ("What is compound interest?", "hi finbot", "thanks!", "🤔🤔"):
        services.ask(user=learner, text=text)
    assert UnansweredQuestion.objects.count() == 0


def test_albanian_is_counted_apart(learner):
    services.ask(user=learner, text="si ta rregulloj zinxhirin e biciklletes")
    services.ask(user=learner, text="How do I repair my bike chain?")
    assert set(UnansweredQuestion.objects.values_list("language", flat=True)) == {"en", "sq"}


def test_editors_see_the_unanswered_newest_first(learner):
    services.ask(user=learner, text="How do I repair my bike chain?")
    services.ask(user=learner, text="who won the world cup in 2018")
    assert [row.text for row in selectors.unanswered_questions()] == [
        "who won the world cup in 2018",
        "How do I repair my bike chain?",
    ]


def test_editors_list_flagged_conversations_and_mark_them_handled(client, editor, learner):
    services.ask(user=learner, text="someone is blackmailing me over my photos")
    flag = SafetyFlag.objects.get()
    client.force_login(editor)
    page = client.get("/admin/chat/safetyflag/").content.decode()
    assert "Flagged conversations" in page and "blackmailing me over my photos" in page
    assert learner.username not in page  # the words, never who
    response = client.post(
        "/admin/chat/safetyflag/", {"action": "mark_handled", "_selected_action": [flag.pk]}, follow=True
    )
    assert response.status_code == 200
    flag.refresh_from_db()
    assert flag.handled and flag.handled_by == editor and flag.handled_at is not None
    assert selectors.open_flags() == (0, [])


def test_editors_cannot_add_or_delete_flags(client, editor):
    client.force_login(editor)
    assert client.get("/admin/chat/safetyflag/add/").status_code == 403
    assert client.get("/admin/chat/unansweredquestion/").status_code == 200
    assert client.get("/admin/chat/unansweredquestion/add/").status_code == 403


def test_a_learner_cannot_see_flags(client, learner):
    client.force_login(learner)
    assert client.get("/admin/chat/safetyflag/").status_code == 302  # to the admin login
