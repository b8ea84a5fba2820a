"""When a game may be published: the one rule the admin (form, list, action) and content imports share.

Drafts may be incomplete — an editor saves work in progress — but learners only ever get a
game whose every question can be answered: a server-scored game needs a question, a
single-answer question exactly one correct choice, a multiple-answer one at least one, a
number question its answer.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext

from .models import Game, Question


@dataclass(frozen=True)
class QuestionDraft:
    """A question as the rule sees it, wherever it comes from (a form, a file, the database)."""

    prompt: str
    kind: str
    answer_value: float | None
    correct: tuple[bool, ...]  # one flag per choice


@dataclass(frozen=True)
class Problem:
    question: int | None  # index in the game's questions; None for the game as a whole
    field: str  # "questions", "choices" or "answer_value"
    message: str


def choice_problems(kind: str, correct_flags: list[bool]) -> list[str]:
    """What is wrong with a question's choices for its kind (empty when it can be answered)."""
    if kind == Question.Kind.NUMBER:
        return [gettext("A number question has no choices.")] if correct_flags else []
    problems = []
    if len(correct_flags) < 2:
        problems.append(gettext("Give at least two choices."))
    correct = sum(correct_flags)
    if kind == Question.Kind.SINGLE and correct != 1:
        problems.append(gettext("A single-answer question needs exactly one correct choice."))
    if kind == Question.Kind.MULTIPLE and correct < 1:
        problems.append(gettext("Mark at least one choice as correct."))
    return problems


def question_problems(index: int, draft: QuestionDraft) -> list[Problem]:
    problems = [Problem(index, "choices", message) for message in choice_problems(draft.kind, list(draft.correct))]
    if draft.kind == Question.Kind.NUMBER and draft.answer_value is None:
        problems.append(Problem(index, "answer_value", gettext("A number question needs its answer.")))
    return problems


def publish_problems(*, scoring: str, questions: Iterable[QuestionDraft | None]) -> list[Problem]:
    """Why a game with these questions cannot be published (empty when it can).

    A None stands for a question too malformed to judge (its caller reports why).
    """
    questions = list(questions)
    if scoring != Game.Scoring.SERVER:
        return []  # a client-scored mini-game is played in the app: it has no questions here
    if not questions:
        return [Problem(None, "questions", gettext("A server-scored game needs at least one question."))]
    return [
        problem
        for index, draft in enumerate(questions)
        if draft is not None
        for problem in question_problems(index, draft)
    ]


def stored_drafts(game: Game) -> list[QuestionDraft]:
    """The game's saved questions, as the rule sees them (uses prefetched choices when loaded)."""
    return [
        QuestionDraft(q.prompt, q.kind, q.answer_value, tuple(c.is_correct for c in q.choices.all()))
        for q in game.questions.all()
    ]


def describe(problems: list[Problem], questions: list[QuestionDraft]) -> list[str]:
    """Problems as sentences for an editor, each naming its question by number and prompt."""
    lines = []
    for problem in problems:
        if problem.question is None:
            lines.append(problem.message)
            continue
        prompt = questions[problem.question].prompt or ""
        label = gettext("Question %(number)s (“%(prompt)s”)") % {
            "number": problem.question + 1,
            "prompt": prompt[:60] + ("…" if len(prompt) > 60 else ""),
        }
        lines.append(f"{label}: {problem.message}")
    return lines
