"""Games, quests, questions and the answers that pass or fail them."""

import factory
from django.db.models import Max

from games.models import Category, Choice, Game, Question, QuestStep
from games.scoring import Answer


def _next_position() -> int:
    return (QuestStep.objects.aggregate(top=Max("position"))["top"] or 0) + 1


class GameFactory(factory.django.DjangoModelFactory):
    """A published, server-scored mini-game (no questions: add them with the helpers below)."""

    class Meta:
        model = Game

    slug = factory.Sequence(lambda n: f"game-{n}")
    title = factory.Sequence(lambda n: f"Game {n}")
    description = "Practise a money skill."
    type = Game.Type.MINIGAME
    category = Category.BUDGETING
    difficulty = 1
    xp_reward = 50
    coin_reward = 10
    pass_score = 70
    scoring = Game.Scoring.SERVER
    is_published = True


class ClientGameFactory(GameFactory):
    """A mini-game played inside an app that reports its score (start + complete)."""

    scoring = Game.Scoring.CLIENT
    min_play_seconds = 0


class QuestFactory(GameFactory):
    """A quest on the storyline: `QuestFactory(position=3)`, or the next free position."""

    class Meta:
        model = Game
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"quest-{n}")
    title = factory.Sequence(lambda n: f"Quest {n}")
    type = Game.Type.QUEST

    @factory.post_generation
    def position(game, create, extracted, **kwargs):
        if create:
            QuestStep.objects.create(game=game, position=extracted if extracted is not None else _next_position())


class QuestStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestStep

    game = factory.SubFactory(GameFactory, type=Game.Type.QUEST, slug=factory.Sequence(lambda n: f"step-quest-{n}"))
    position = factory.LazyFunction(_next_position)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    game = factory.SubFactory(GameFactory)
    position = factory.Sequence(lambda n: n)
    prompt = factory.Sequence(lambda n: f"Question {n}?")
    kind = Question.Kind.SINGLE
    explanation = factory.Sequence(lambda n: f"Because of reason {n}.")


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory)
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Choice {n}")
    is_correct = False


# ---- building games with questions ---------------------------------------------------


def add_single(game: Game, *, choices: int = 3, correct: int = 0) -> Question:
    question = QuestionFactory(game=game, kind=Question.Kind.SINGLE)
    for index in range(choices):
        ChoiceFactory(question=question, position=index, is_correct=index == correct)
    return question


def add_multiple(game: Game, *, choices: int = 4, correct: tuple[int, ...] = (0, 1)) -> Question:
    question = QuestionFactory(game=game, kind=Question.Kind.MULTIPLE)
    for index in range(choices):
        ChoiceFactory(question=question, position=index, is_correct=index in correct)
    return question


def add_number(game: Game, *, answer: float = 25, tolerance: float = 0) -> Question:
    return QuestionFactory(game=game, kind=Question.Kind.NUMBER, answer_value=answer, tolerance=tolerance)


def make_game(*, single: int = 0, multiple: int = 0, number: int = 0, factory=GameFactory, **fields) -> Game:
    """A game with `single` + `multiple` + `number` questions, in that order."""
    game = factory(**fields)
    for _ in range(single):
        add_single(game)
    for _ in range(multiple):
        add_multiple(game)
    for _ in range(number):
        add_number(game, answer=25, tolerance=0.5)
    return game


def questions_of(game: Game) -> list[Question]:
    return list(game.questions.prefetch_related("choices"))


def correct_answer(question: Question) -> Answer:
    if question.kind == Question.Kind.NUMBER:
        return Answer(question=question.pk, value=question.answer_value)
    return Answer(question=question.pk, choices=tuple(c.pk for c in question.choices.all() if c.is_correct))


def wrong_answer(question: Question) -> Answer:
    if question.kind == Question.Kind.NUMBER:
        return Answer(question=question.pk, value=question.answer_value + question.tolerance + 1000)
    return Answer(question=question.pk, choices=tuple(c.pk for c in question.choices.all() if not c.is_correct)[:1])


def correct_answers(game: Game) -> list[Answer]:
    """Answers that score 100% on `game`."""
    return [correct_answer(q) for q in questions_of(game)]


def wrong_answers(game: Game) -> list[Answer]:
    """Answers that score 0% on `game`."""
    return [wrong_answer(q) for q in questions_of(game)]


def as_json(answers: list[Answer]) -> list[dict]:
    """Answers as the API takes them."""
    return [
        {"question": a.question, "value": a.value}
        if a.value is not None
        else {"question": a.question, "choices": list(a.choices or ())}
        for a in answers
    ]
