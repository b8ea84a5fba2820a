import pytest

from games.models import Question
from games.scoring import Answer, InvalidAnswers, score

from .factories import (
    GameFactory,
    add_multiple,
    add_number,
    add_single,
    correct_answer,
    correct_answers,
    make_game,
    questions_of,
    wrong_answer,
)

pytestmark = pytest.mark.django_db


def result_of(game, answers):
    return score(questions_of(game), answers)


def correct_ids(question):
    return tuple(c.pk for c in question.choices.all() if c.is_correct)


def wrong_ids(question):
    return tuple(c.pk for c in question.choices.all() if not c.is_correct)


# ---- each kind --------------------------------------------------------------------


def test_all_correct_scores_100_and_every_result_is_correct_with_its_explanation():
    game = make_game(single=2, multiple=2, number=2)
    result = result_of(game, correct_answers(game))
    assert (result.percent, result.correct, result.total) == (100, 6, 6)
    assert all(r.correct for r in result.results)
    assert [r.explanation for r in result.results] == [q.explanation for q in questions_of(game)]


def test_single_right_choice_is_correct_and_a_wrong_one_is_not():
    game = GameFactory()
    question = add_single(game, choices=4, correct=2)
    assert result_of(game, [Answer(question.pk, choices=correct_ids(question))]).results[0].correct
    for wrong in wrong_ids(question):
        assert not result_of(game, [Answer(question.pk, choices=(wrong,))]).results[0].correct


def test_single_with_the_right_choice_and_another_is_wrong():
    game = GameFactory()
    question = add_single(game)
    both = (*correct_ids(question), wrong_ids(question)[0])
    assert not result_of(game, [Answer(question.pk, choices=both)]).results[0].correct


def test_multiple_needs_exactly_the_correct_set():
    game = GameFactory()
    question = add_multiple(game, choices=4, correct=(0, 2))
    right = correct_ids(question)
    assert result_of(game, [Answer(question.pk, choices=tuple(reversed(right)))]).results[0].correct
    assert not result_of(game, [Answer(question.pk, choices=right[:1])]).results[0].correct


def test_multiple_with_an_extra_choice_is_wrong():
    game = GameFactory()
    question = add_multiple(game, choices=4, correct=(0, 1))
    extra = (*correct_ids(question), wrong_ids(question)[0])
    assert not result_of(game, [Answer(question.pk, choices=extra)]).results[0].correct


@pytest.mark.parametrize("make", [add_single, add_multiple])
def test_empty_selection_is_wrong_not_an_error(make):
    game = GameFactory()
    question = make(game)
    result = result_of(game, [Answer(question.pk, choices=())])
    assert result.results[0].correct is False
    assert result.percent == 0


def test_number_exact_answer_is_correct():
    game = GameFactory()
    question = add_number(game, answer=25, tolerance=0.5)
    assert result_of(game, [Answer(question.pk, value=25.0)]).results[0].correct


@pytest.mark.parametrize("value", [24.5, 25.5, 24.75, 25.25])
def test_number_within_or_exactly_at_the_tolerance_is_correct(value):
    game = GameFactory()
    question = add_number(game, answer=25, tolerance=0.5)
    assert result_of(game, [Answer(question.pk, value=value)]).results[0].correct


@pytest.mark.parametrize("value", [24.49, 25.51, 24.4999, 25.5001, -25])
def test_number_just_outside_the_tolerance_is_wrong(value):
    game = GameFactory()
    question = add_number(game, answer=25, tolerance=0.5)
    assert not result_of(game, [Answer(question.pk, value=value)]).results[0].correct


def test_number_with_fractional_tolerance_is_inclusive_despite_float_rounding():
    # 10.2 - 10.1 is 0.0999999999999996 in floats, 10.0 - 10.1 is -0.0999999999999996: both at the edge.
    game = GameFactory()
    question = add_number(game, answer=10.1, tolerance=0.1)
    for value in (10.2, 10.0):
        assert result_of(game, [Answer(question.pk, value=value)]).results[0].correct
    for value in (10.21, 9.99):
        assert not result_of(game, [Answer(question.pk, value=value)]).results[0].correct


def test_number_with_tolerance_zero_needs_the_exact_value():
    game = GameFactory()
    question = add_number(game, answer=0.3, tolerance=0)
    assert result_of(game, [Answer(question.pk, value=0.1 + 0.2)]).results[0].correct  # float noise is not "wrong"
    assert not result_of(game, [Answer(question.pk, value=0.31)]).results[0].correct
    assert not result_of(game, [Answer(question.pk, value=0.2999)]).results[0].correct


def test_missing_answers_count_as_wrong():
    game = make_game(single=1, multiple=1, number=2)
    first, *_rest = questions_of(game)
    result = result_of(game, [correct_answer(first)])
    assert [r.correct for r in result.results] == [True, False, False, False]
    assert result.percent == 25


def test_no_answers_at_all_scores_zero():
    game = make_game(single=2)
    result = result_of(game, [])
    assert (result.percent, result.correct, result.total) == (0, 0, 2)


def test_percent_is_rounded():
    game = make_game(single=3)
    one, two, three = questions_of(game)
    result = result_of(game, [correct_answer(one), correct_answer(two), wrong_answer(three)])
    assert result.percent == 67


def test_results_follow_question_order_and_carry_the_solution():
    game = make_game(single=1, number=1)
    single, number = questions_of(game)
    result = result_of(game, [])
    assert [r.question for r in result.results] == [single.pk, number.pk]
    assert result.results[0].correct_choices == correct_ids(single)
    assert result.results[1].answer_value == number.answer_value


# ---- malformed answers ------------------------------------------------------------


def test_unknown_question_id_is_named():
    game = make_game(single=1)
    with pytest.raises(InvalidAnswers, match=r"Question 999999 is not part of this game"):
        result_of(game, [Answer(999999, choices=())])


def test_question_of_another_game_is_refused():
    game = make_game(single=1)
    other = make_game(single=1)
    foreign = questions_of(other)[0]
    with pytest.raises(InvalidAnswers, match=rf"Question {foreign.pk} is not part of this game"):
        result_of(game, [correct_answer(foreign)])


def test_duplicate_answers_for_one_question_are_refused():
    game = make_game(single=1)
    question = questions_of(game)[0]
    with pytest.raises(InvalidAnswers, match=rf"Question {question.pk} is answered more than once"):
        result_of(game, [correct_answer(question), wrong_answer(question)])


def test_choice_of_another_question_is_refused():
    game = make_game(single=2)
    first, second = questions_of(game)
    stolen = correct_ids(second)
    with pytest.raises(InvalidAnswers, match=rf"Question {first.pk}: choices \[{stolen[0]}\] do not belong to it"):
        result_of(game, [Answer(first.pk, choices=stolen)])


def test_the_same_choice_twice_is_refused():
    game = make_game(multiple=1)
    question = questions_of(game)[0]
    twice = (correct_ids(question)[0], correct_ids(question)[0])
    with pytest.raises(InvalidAnswers, match="listed twice"):
        result_of(game, [Answer(question.pk, choices=twice)])


@pytest.mark.parametrize("kind", [Question.Kind.SINGLE, Question.Kind.MULTIPLE])
def test_value_for_a_choice_question_is_refused(kind):
    game = make_game(single=1) if kind == Question.Kind.SINGLE else make_game(multiple=1)
    question = questions_of(game)[0]
    with pytest.raises(InvalidAnswers, match=rf"Question {question.pk} needs a list of choice ids"):
        result_of(game, [Answer(question.pk, value=1)])


def test_choices_for_a_number_question_are_refused():
    game = make_game(number=1)
    question = questions_of(game)[0]
    with pytest.raises(InvalidAnswers, match=rf"Question {question.pk} needs a number in `value`"):
        result_of(game, [Answer(question.pk, choices=())])


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_a_number_that_is_not_finite_is_refused(value):
    game = make_game(number=1)
    question = questions_of(game)[0]
    with pytest.raises(InvalidAnswers, match="finite"):
        result_of(game, [Answer(question.pk, value=value)])


def test_every_problem_is_listed_at_once():
    game = make_game(single=1, number=1)
    single, number = questions_of(game)
    with pytest.raises(InvalidAnswers) as error:
        result_of(game, [Answer(single.pk, value=3), Answer(number.pk, choices=()), Answer(424242, value=1)])
    message = str(error.value)
    assert f"Question {single.pk} needs a list" in message
    assert f"Question {number.pk} needs a number" in message
    assert "Question 424242 is not part" in message
