"""The insights page lists what FinBot could not answer and the conversations waiting for an editor."""

import pytest
from django.contrib.auth.models import Group

from accounts.tests.factories import UserFactory
from chat import services
from chat.models import SafetyFlag
from chat.tests.conftest import load_demo_knowledge

INSIGHTS = "/admin/raiplay/insights/"


@pytest.fixture
def editor_client(client, db, settings):
    settings.CHAT_API_KEY = ""
    load_demo_knowledge()
    editor = UserFactory(username="ed", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    return client


def test_unanswered_questions_are_listed_grouped_newest_first(editor_client):
    learner = UserFactory(username="kid")
    for text in ("How do I repair my bike chain?", "how do i repair my BIKE chain", "who won the world cup in 2018"):
        services.ask(user=learner, text=text)
    page = editor_client.get(INSIGHTS).content.decode()
    table = page[page.index('id="unanswered"') : page.index('id="flags"')]
    assert table.index("who won the world cup in 2018") < table.index("how do i repair my BIKE chain")
    assert "<td>2</td>" in table  # the bike chain, asked twice in two wordings
    assert "kid" not in table


def test_open_flags_are_counted_and_linked_handled_ones_left_out(editor_client):
    learner = UserFactory(username="kid")
    services.ask(user=learner, text="someone is blackmailing me with my photos")
    services.ask(user=learner, text="i keep losing my money betting on football")
    page = editor_client.get(INSIGHTS).content.decode()
    assert "2 flagged conversations wait for an editor" in page
    assert "blackmailing me with my photos" in page and "Threats or sextortion" in page
    services.set_handled(flags=SafetyFlag.objects.filter(reason="threat"), handled=True, by=learner)
    page = editor_client.get(INSIGHTS).content.decode()
    assert "1 flagged conversation waits for an editor" in page
    assert "blackmailing" not in page
