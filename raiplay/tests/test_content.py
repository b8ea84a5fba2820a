import copy
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from accounts.models import User
from achievements.leaderboards import board
from achievements.models import Achievement, DailyQuestTemplate, LedgerEntry, ShopItem
from chat.models import KnowledgeArticle
from core.content import ContentError, export_content, import_content
from games.models import Choice, Game, Question, QuestStep
from games.tests.factories import QuestFactory
from raiplay import insights

pytestmark = pytest.mark.django_db

DEMO = Path(settings.BASE_DIR) / "content" / "demo"
TRANSLATED_KEYS = {"title", "description", "prompt", "explanation", "text", "name", "body", "tags", "questions"}


def demo(name: str) -> dict:
    return json.loads((DEMO / name).read_text(encoding="utf-8"))


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Game, Question, Choice, QuestStep, Achievement, DailyQuestTemplate, ShopItem)
    }


def summary_of(result) -> dict[str, dict[str, int]]:
    return {kind: dict(counter) for kind, counter in result.items() if counter}


def errors_of(document) -> list[str]:
    before = counts()
    with pytest.raises(ContentError) as error:
        import_content(document)
    assert counts() == before  # all or nothing
    return error.value.errors


def game(slug="g", **fields) -> dict:
    item = {
        "slug": slug,
        "title": str(slug).title(),
        "type": "minigame",
        "category": "budgeting",
        "difficulty": 1,
        "xp_reward": 50,
        "coin_reward": 10,
        "questions": [
            {
                "prompt": "Pick one",
                "kind": "single",
                "explanation": "Because.",
                "choices": [{"text": "Yes", "correct": True}, {"text": "No", "correct": False}],
            },
            {"prompt": "How much?", "kind": "number", "answer_value": 25, "tolerance": 0.5},
        ],
    }
    return {**item, **fields}


def quest(slug, position, **fields) -> dict:
    return game(slug, type="quest", quest_position=position, **fields)


# ---- the demo content -----------------------------------------------------------------


def test_demo_games_and_rewards_import():
    document = demo("games.json")
    rewards = demo("rewards.json")
    assert summary_of(import_content(document)) == {"games": {"created": len(document["games"])}}
    assert summary_of(import_content(rewards)) == {
        kind: {"created": len(items)} for kind, items in rewards.items() if items
    }
    quests = [g for g in document["games"] if g["type"] == "quest"]
    assert list(QuestStep.objects.values_list("game__slug", "position")) == sorted(
        ((g["slug"], g["quest_position"]) for g in quests), key=lambda pair: pair[1]
    )
    first = document["games"][0]
    stored = Game.objects.get(slug=first["slug"])
    assert stored.questions.count() == len(first["questions"])
    assert [c.is_correct for c in stored.questions.first().choices.all()] == [
        c["correct"] for c in first["questions"][0]["choices"]
    ]
    assert Achievement.objects.count() == len(rewards["achievements"])


def test_reimporting_the_demo_changes_nothing():
    import_content(demo("games.json"))
    import_content(demo("rewards.json"))
    before = counts()
    question_ids = set(Question.objects.values_list("pk", flat=True))
    again = {**summary_of(import_content(demo("games.json"))), **summary_of(import_content(demo("rewards.json")))}
    assert all(set(result) == {"unchanged"} for result in again.values()), again
    assert counts() == before
    assert set(Question.objects.values_list("pk", flat=True)) == question_ids  # questions were not rewritten


def test_export_then_import_round_trips_unchanged():
    import_content(demo("games.json"))
    import_content(demo("rewards.json"))
    exported = json.loads(json.dumps(export_content(), default=str))
    result = summary_of(import_content(exported))
    assert result and all(set(r) == {"unchanged"} for r in result.values()), result
    assert {g["slug"] for g in exported["games"]} == {g["slug"] for g in demo("games.json")["games"]}


def test_export_imports_into_an_empty_database_identically():
    import_content(demo("games.json"))
    exported = json.loads(json.dumps(export_content(), default=str))
    Game.objects.all().delete()
    import_content({"games": exported["games"]})
    again = json.loads(json.dumps(export_content(), default=str))
    assert again["games"] == exported["games"]


# ---- updates ----------------------------------------------------------------------


def test_changed_fields_update_by_slug():
    import_content({"games": [game("g")]})
    result = import_content({"games": [game("g", title="New title", difficulty=3)]})
    assert summary_of(result) == {"games": {"updated": 1}}
    stored = Game.objects.get(slug="g")
    assert (stored.title, stored.difficulty) == ("New title", 3)
    assert Game.objects.count() == 1


def test_changed_questions_replace_the_set():
    import_content({"games": [game("g")]})
    changed = game("g")
    changed["questions"][0]["choices"][1]["text"] = "Nope"
    assert summary_of(import_content({"games": [changed]})) == {"games": {"updated": 1}}
    assert list(Choice.objects.filter(question__game__slug="g").values_list("text", flat=True)) == ["Yes", "Nope"]
    assert Question.objects.filter(game__slug="g").count() == 2


def test_reordering_two_quests_in_one_file():
    import_content({"games": [quest("first", 1), quest("second", 2)]})
    result = import_content({"games": [quest("first", 2), quest("second", 1)]})
    assert summary_of(result) == {"games": {"updated": 2}}
    assert list(QuestStep.objects.values_list("game__slug", "position")) == [("second", 1), ("first", 2)]


def test_rotating_three_quests_in_one_file():
    import_content({"games": [quest("a", 1), quest("b", 2), quest("c", 3)]})
    import_content({"games": [quest("a", 2), quest("b", 3), quest("c", 1)]})
    assert list(QuestStep.objects.values_list("game__slug", flat=True)) == ["c", "a", "b"]


def test_a_quest_turned_into_a_minigame_leaves_the_storyline():
    import_content({"games": [quest("q", 1)]})
    import_content({"games": [game("q")]})
    assert not QuestStep.objects.exists()
    assert Game.objects.get(slug="q").type == "minigame"


# ---- errors -----------------------------------------------------------------------


def test_every_error_is_listed_with_the_item_and_field():
    bad_choices = game("x")
    bad_choices["questions"][1] = {
        "prompt": "Pick",
        "kind": "single",
        "choices": [{"text": "A", "correct": True}, {"text": "B", "correct": True}],
    }
    document = {
        "games": [
            game("budget-basics", difficulty=7),
            bad_choices,
            game("no-kind", category="astrology"),
            {"slug": "bare", "title": "Bare"},
        ]
    }
    errors = errors_of(document)
    joined = "\n".join(errors)
    assert "games[budget-basics].difficulty:" in joined
    assert "games[x].questions[1].choices: A single-answer question needs exactly one correct choice." in errors
    assert "games[no-kind].category:" in joined
    assert "games[bare].type: this field is required" in errors
    assert "games[bare].category: this field is required" in errors


def test_question_errors_name_the_question_and_field():
    item = game("g")
    item["questions"] = [
        {"prompt": "N", "kind": "number"},
        {"prompt": "N", "kind": "number", "answer_value": 3, "tolerance": -1},
        {"prompt": "M", "kind": "multiple", "choices": [{"text": "a"}, {"text": "b"}]},
        {"prompt": "S", "kind": "single", "choices": [{"text": "", "correct": True}, {"text": "b", "colour": "red"}]},
        {"prompt": "N", "kind": "number", "answer_value": 3, "choices": [{"text": "a"}]},
        {"prompt": "S", "kind": "single", "choices": [{"text": "a", "correct": "yes"}, {"text": "b"}]},
    ]
    errors = errors_of({"games": [item]})
    assert "games[g].questions[0].answer_value: A number question needs its answer." in errors
    assert any(e.startswith("games[g].questions[1].tolerance:") for e in errors)
    assert "games[g].questions[2].choices: Mark at least one choice as correct." in errors
    assert "games[g].questions[3].choices[0].text (English): this field is required" in errors
    assert "games[g].questions[3].choices[1].colour: unknown field" in errors
    assert "games[g].questions[4].choices: A number question has no choices." in errors
    assert "games[g].questions[5].choices[0].correct: must be true or false" in errors


def test_an_overlong_choice_is_refused_before_writing():
    item = game("g")
    item["questions"][0]["choices"][0]["text"] = "x" * 301
    assert errors_of({"games": [item]}) == ["games[g].questions[0].choices[0].text (English): at most 300 characters"]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"games": [game(["not", "a", "slug"])]}, "games[0].slug: must be a string"),
        ({"games": [quest("q", [1])]}, "games[q].quest_position: must be a whole number from 1"),
        ({"games": [quest("q", 0)]}, "games[q].quest_position: must be a whole number from 1"),
        ({"games": [game("q", quest_position=2)]}, "games[q].quest_position: only quests have a storyline position"),
        ({"games": [game("q", type="quest")]}, "games[q].quest_position: a quest needs its position on the storyline"),
        ({"games": [game("q", questions=[])]}, "games[q].questions: A server-scored game needs at least one question."),
        ({"games": [game("q", questions="all")]}, "games[q].questions: must be a list"),
        ({"games": [game("q", colour="red")]}, "games[q].colour: unknown field"),
        ({"games": "all"}, "games: must be a list"),
        ({"games": [42]}, "games[0]: must be an object"),
        ({"achievements": [{"slug": "a", "title": "A", "metric": "bogus", "threshold": 1}]}, "achievements[a].metric:"),
    ],
)
def test_malformed_items_are_errors_not_crashes(document, expected):
    errors = errors_of(document)
    assert any(e.startswith(expected) for e in errors), errors


def test_unknown_top_level_kind_is_an_error():
    errors = errors_of({"games": [game("ok")], "potions": []})
    assert len(errors) == 1 and errors[0].startswith("potions: unknown kind")


def test_a_document_that_is_not_an_object_is_an_error():
    assert errors_of([game("g")]) == ["the file must hold a JSON object with content kinds as keys"]


def test_duplicate_slug_in_a_file_is_an_error():
    errors = errors_of({"games": [game("twice"), game("twice", title="Again")]})
    assert "games[twice].slug: appears twice in this file" in errors


def test_quest_position_clash_in_the_file_writes_nothing():
    errors = errors_of({"games": [quest("a", 1), quest("b", 1), game("innocent")]})
    assert errors == ["games[b].quest_position: position 1 is taken by a"]
    assert not Game.objects.filter(slug="innocent").exists()


def test_quest_position_clash_with_a_quest_outside_the_file_writes_nothing():
    QuestFactory(slug="already-there", position=4)
    errors = errors_of({"games": [quest("newcomer", 4)]})
    assert errors == ["games[newcomer].quest_position: position 4 is taken by already-there"]


def test_one_bad_item_among_good_ones_writes_nothing():
    import_content({"games": [game("kept", title="Old")]})
    errors_of({"games": [game("kept", title="New"), game("broken", difficulty=0)]})
    assert Game.objects.get(slug="kept").title == "Old"
    assert not Game.objects.filter(slug="broken").exists()


# ---- the commands -----------------------------------------------------------------


def write(tmp_path, document) -> Path:
    path = tmp_path / "content.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_import_content_command_prints_a_summary(tmp_path):
    out = io.StringIO()
    call_command(
        "import_content", str(write(tmp_path, {"games": [game("a"), quest("b", 1)]})), stdout=out, stderr=io.StringIO()
    )
    assert "games: 2 created, 0 updated, 0 unchanged" in out.getvalue()
    out = io.StringIO()
    call_command("import_content", str(write(tmp_path, {"games": [game("a")]})), stdout=out, stderr=io.StringIO())
    assert "games: 0 created, 0 updated, 1 unchanged" in out.getvalue()


def test_import_content_dry_run_counts_and_changes_nothing(tmp_path):
    out = io.StringIO()
    path = str(write(tmp_path, {"games": [game("a"), quest("b", 1)]}))
    call_command("import_content", path, "--dry-run", stdout=out, stderr=io.StringIO())
    assert "dry run, nothing was changed" in out.getvalue()
    assert "games: 2 created, 0 updated, 0 unchanged" in out.getvalue()
    assert not Game.objects.exists() and not QuestStep.objects.exists()


def test_import_content_command_fails_with_the_list_of_errors(tmp_path):
    path = write(tmp_path, {"games": [game("a", difficulty=9), game("b", category="astrology")], "potions": []})
    with pytest.raises(CommandError) as error:
        call_command("import_content", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    message = str(error.value)
    assert error.value.returncode == 1
    assert "nothing was imported" in message and "3 problem(s)" in message
    assert "  - games[a].difficulty:" in message
    assert "  - games[b].category:" in message
    assert "  - potions: unknown kind" in message
    assert not Game.objects.exists()


@pytest.mark.parametrize(("text", "expected"), [(None, "no such file"), ("{not json", "not valid JSON")])
def test_import_content_command_explains_an_unreadable_file(tmp_path, text, expected):
    path = tmp_path / "content.json"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=expected):
        call_command("import_content", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def test_export_content_command_writes_what_import_reads(tmp_path):
    import_content({"games": [game("a"), quest("b", 1)]})
    target = tmp_path / "export.json"
    call_command("export_content", output=str(target), stdout=io.StringIO(), stderr=io.StringIO())
    document = json.loads(target.read_text(encoding="utf-8"))
    assert [g["slug"] for g in document["games"]] == ["a", "b"]
    assert document["games"][1]["quest_position"] == 1
    out = io.StringIO()
    call_command("import_content", str(target), stdout=out, stderr=io.StringIO())
    assert "games: 0 created, 0 updated, 2 unchanged" in out.getvalue()


def test_seed_demo_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    first = {**counts(), "users": User.objects.count()}
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=io.StringIO())
    assert {**counts(), "users": User.objects.count()} == first
    assert first["Game"] == len(demo("games.json")["games"])
    assert set(User.objects.values_list("username", flat=True)) >= {"learner", "editor"}
    assert "learner  password:" in out.getvalue()


def test_import_does_not_touch_the_documents_it_is_given():
    document = {"games": [quest("q", 1)]}
    original = copy.deepcopy(document)
    import_content(document)
    assert document == original


def test_seed_demo_classmates_fill_the_leaderboard_through_the_ledger():
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    ledger_before = LedgerEntry.objects.count()
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    assert LedgerEntry.objects.count() == ledger_before  # the second run earns nothing again
    top = board(period="all", limit=3)
    assert [row.username for row in top.results] == ["arta", "bledi", "dea"]
    call_command("check_ledger", stdout=io.StringIO())


# ---- both languages ----------------------------------------------------------------------


def test_every_demo_item_has_every_text_in_albanian():
    call_command("seed_demo", verbosity=0)

    missing = {kind: count for kind, count in insights.untranslated(with_items=True).counts.items() if count}

    assert missing == {}, insights.untranslated(with_items=True).items[:10]
    assert Game.objects.count() == 15 and Question.objects.count() > 70
    assert all(len(a.questions_sq) >= 3 and len(a.questions) >= 3 for a in KnowledgeArticle.objects.all())


def test_the_demo_files_name_an_albanian_text_for_every_english_one():
    def texts(value, path=""):
        if isinstance(value, dict):
            for key, item in value.items():
                yield from texts(item, f"{path}.{key}")
            for key in TRANSLATED_KEYS & set(value):
                yield path, key, value[key], value.get(f"{key}_sq")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from texts(item, f"{path}[{index}]")

    gaps = [
        f"{name}{path}.{key}"
        for name in ("games.json", "videos.json", "rewards.json", "knowledge.json")
        for path, key, english, albanian in texts(demo(name))
        if english and not albanian and (isinstance(english, str) or all(isinstance(e, str) for e in english))
    ]

    assert gaps == []


def test_albanian_texts_round_trip_and_an_empty_one_falls_back_to_english():
    document = {
        "games": [
            {
                "slug": "g",
                "title": "Budget basics",
                "title_sq": "Bazat e buxhetit",
                "type": "minigame",
                "category": "budgeting",
                "questions": [
                    {
                        "prompt": "What is a budget?",
                        "prompt_sq": "Çfarë është buxheti?",
                        "kind": "single",
                        "choices": [{"text": "A plan", "text_sq": "Një plan", "correct": True}, {"text": "A loan"}],
                    }
                ],
            }
        ],
        "shop_items": [
            {"slug": "s", "name": "Hoodie", "name_sq": "Bluzë me kapuç", "kind": "voucher", "cost_coins": 5}
        ],
    }

    import_content(copy.deepcopy(document))
    exported = export_content()

    game = next(g for g in exported["games"] if g["slug"] == "g")
    assert (game["title"], game["title_sq"]) == ("Budget basics", "Bazat e buxhetit")
    assert "description_sq" not in game  # not written: left out, it falls back
    question = game["questions"][0]
    assert (question["prompt_sq"], question["choices"][0]["text_sq"]) == ("Çfarë është buxheti?", "Një plan")
    assert "text_sq" not in question["choices"][1]
    with translation.override("sq"):
        stored = Game.objects.get(slug="g")
        assert stored.title == "Bazat e buxhetit"
        assert stored.questions.get().choices.order_by("position")[1].text == "A loan"  # English fallback
    assert summary_of(import_content(exported)) == {
        kind: {"unchanged": len(items)} for kind, items in exported.items() if items
    }


def test_an_import_in_albanian_still_reads_plain_keys_as_english():
    with translation.override("sq"):
        import_content({"shop_items": [{"slug": "s", "name": "Hoodie", "kind": "voucher", "cost_coins": 5}]})

    item = ShopItem.objects.get(slug="s")
    assert (item.name_en, item.name_sq) == ("Hoodie", None)


def test_errors_name_the_item_the_field_and_the_language():
    item = {"slug": "g", "title": "G", "title_sq": "x" * 121, "type": "minigame", "category": "budgeting"}
    item["questions"] = [
        {"prompt": "Q?", "kind": "single", "choices": [{"text": "A", "text_sq": "y" * 301, "correct": True}]}
    ]

    errors = errors_of({"games": [item]})

    assert any(
        e.startswith("games[g].title_sq (Albanian): Ensure this value has at most 120 characters") for e in errors
    )
    assert "games[g].questions[0].choices[0].text_sq (Albanian): at most 300 characters" in errors
    assert errors_of({"shop_items": [{"slug": "s", "name_sq": "Bluzë", "kind": "voucher", "cost_coins": 5}]}) == [
        "shop_items[s].name (English): this field is required"
    ]


# ---- the publishing rule, as the admin applies it -------------------------------------------


def test_a_published_game_in_a_file_must_be_answerable():
    item = game("broken", is_published=True)
    item["questions"][0]["choices"] = [{"text": "A"}, {"text": "B"}]
    assert errors_of({"games": [item]}) == [
        "games[broken].questions[0].choices: A single-answer question needs exactly one correct choice."
    ]


def test_a_draft_in_a_file_may_be_incomplete_and_stays_unpublished():
    item = game("draft", is_published=False, questions=[{"prompt": "How much?", "kind": "number"}])
    import_content({"games": [item]})
    draft = Game.objects.get(slug="draft")
    assert not draft.is_published
    assert draft.questions.get().answer_value is None


def test_a_new_game_in_a_file_is_published_unless_it_says_otherwise():
    import_content({"games": [game("released")]})
    assert Game.objects.get(slug="released").is_published
