import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from games import selectors
from games.models import UserGame
from games.services import set_published, submit_attempt

from .factories import GameFactory, QuestFactory, QuestStepFactory, correct_answers, make_game

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [5, 30])
def test_storyline_query_count_is_flat(learner, django_assert_max_num_queries, count):
    QuestStepFactory.create_batch(count)
    with django_assert_max_num_queries(2):
        steps = selectors.storyline_for(user=learner)
    assert len(steps) == count


@pytest.mark.parametrize("count", [5, 30])
def test_games_for_query_count_is_flat(learner, django_assert_max_num_queries, count):
    for index in range(count):
        game = QuestFactory() if index % 2 else GameFactory()
        UserGame.objects.create(user=learner, game=game, best_score=index)
    with django_assert_max_num_queries(5):
        games = selectors.games_for(user=learner, filters={"completed": False})
        states = [(g.state, g.mine.best_score if g.mine else None) for g in games]
    assert len(states) == count


def test_storyline_states_and_next_quest(learner):
    first = make_game(single=1, factory=QuestFactory, position=1)
    second = QuestFactory(position=2)
    QuestFactory(position=3)
    assert selectors.next_quest(user=learner).game == first
    submit_attempt(user=learner, game=first, answers=correct_answers(first))
    steps = selectors.storyline_for(user=learner)
    assert [s.state for s in steps] == ["completed", "available", "locked"]
    assert steps[0].best_score == 100 and steps[1].best_score is None
    assert selectors.next_quest(user=learner).game == second


def test_storyline_follows_positions_not_creation_order(learner):
    late = QuestFactory(position=10)
    early = QuestFactory(position=4)
    assert [s.game for s in selectors.storyline_for(user=learner)] == [early, late]
    assert [s.state for s in selectors.storyline_for(user=learner)] == ["available", "locked"]


def test_anonymous_storyline_opens_only_the_first_quest():
    QuestFactory.create_batch(3)
    assert [s.state for s in selectors.storyline_for(user=AnonymousUser())] == ["available", "locked", "locked"]


def test_next_quest_is_none_when_the_storyline_is_done(learner):
    quest = make_game(single=1, factory=QuestFactory)
    submit_attempt(user=learner, game=quest, answers=correct_answers(quest))
    assert selectors.next_quest(user=learner) is None


# ---- unpublishing a quest in the middle of the line -----------------------------------------


def test_unpublishing_a_middle_quest_keeps_progress_and_the_lock_order(learner):
    first, middle, last = (make_game(single=1, factory=QuestFactory, position=n) for n in (1, 2, 3))
    submit_attempt(user=learner, game=first, answers=correct_answers(first))
    submit_attempt(user=learner, game=middle, answers=correct_answers(middle))
    set_published(games=[middle], published=False)

    states = {step.game.pk: step.state for step in selectors.storyline_for(user=learner)}
    # The line skips the hidden quest: the next one opens after the one before it.
    assert states == {first.pk: selectors.COMPLETED, last.pk: selectors.AVAILABLE}
    assert UserGame.objects.get(user=learner, game=middle).completed_at is not None

    set_published(games=[middle], published=True)
    states = {step.game.pk: step.state for step in selectors.storyline_for(user=learner)}
    assert states == {first.pk: selectors.COMPLETED, middle.pk: selectors.COMPLETED, last.pk: selectors.AVAILABLE}


def test_a_learner_who_never_finished_the_hidden_quest_is_not_locked_out(learner):
    first, middle, last = (make_game(single=1, factory=QuestFactory, position=n) for n in (1, 2, 3))
    submit_attempt(user=learner, game=first, answers=correct_answers(first))
    set_published(games=[middle], published=False)
    assert not selectors.is_locked(user=learner, game=last)
    submit_attempt(user=learner, game=last, answers=correct_answers(last))
    # Back on the line, the quest waits for them, and nothing they finished is locked again.
    set_published(games=[middle], published=True)
    states = {step.game.pk: step.state for step in selectors.storyline_for(user=learner)}
    assert states == {first.pk: selectors.COMPLETED, middle.pk: selectors.AVAILABLE, last.pk: selectors.COMPLETED}
    assert selectors.next_quest(user=learner).game == middle  # the first open one, though a later one is done


@pytest.mark.parametrize("count", [5, 30])
def test_the_next_quest_is_the_storylines_first_open_one_in_one_query(learner, django_assert_num_queries, count):
    games = [make_game(single=1, factory=QuestFactory, position=n) for n in range(1, count + 1)]
    for game in games[: count // 2]:
        submit_attempt(user=learner, game=game, answers=correct_answers(game))
    # The last one done too (before an editor moved it to the end, say): the first open one still leads.
    UserGame.objects.create(user=learner, game=games[-1], best_score=100, completed_at=timezone.now())
    with django_assert_num_queries(1):
        found = selectors.next_quest(user=learner)
    expected = next(step for step in selectors.storyline_for(user=learner) if step.state == selectors.AVAILABLE)
    assert (found.position, found.game, found.state) == (expected.position, games[count // 2], selectors.AVAILABLE)
    assert found.best_score is None and found.game.title == games[count // 2].title


def _shape(game):
    return [
        (q.pk, q.kind, q.prompt, [(c.pk, c.text, c.is_correct) for c in q.choice_list()]) for q in game.question_list()
    ]


def test_a_game_read_by_id_for_a_play_has_the_prefetched_games_questions_in_three_queries(
    django_assert_num_queries,
):
    game = make_game(single=2, multiple=1, number=1)
    other = make_game(single=1)  # its questions must not leak in
    prefetched = selectors.playable_game(lookup={"slug": game.slug})

    with django_assert_num_queries(3):  # the game, its questions, their choices
        by_id = selectors.playable_game(lookup={"pk": game.pk})
        shape = _shape(by_id)

    assert shape == _shape(prefetched)
    assert [kind for _pk, kind, _prompt, _choices in shape] == ["single", "single", "multiple", "number"]
    assert shape[3][3] == []  # a number question has no choices
    assert not hasattr(by_id, "quest_step")  # read with the game (no query): a mini-game has no step
    assert {q.pk for q in selectors.questions_of(by_id)}.isdisjoint({q.pk for q in other.questions.all()})


def test_an_unpublished_game_is_not_playable_by_id():
    game = make_game(single=1, is_published=False)
    with pytest.raises(type(game).DoesNotExist):
        selectors.playable_game(lookup={"pk": game.pk})
    assert selectors.playable_game(lookup={"pk": game.pk}, published_only=False).pk == game.pk  # staff preview
