"""Scoring a play on the server: pure functions over a game's questions and the answers given."""

import math
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

from .models import Question

# Floats from JSON: 0.1 + 0.2 must still match 0.3 with tolerance 0.
EPSILON = 1e-9


class InvalidAnswers(DomainError):
    default_message = _("The answers are not valid for this game.")


@dataclass(frozen=True)
class Answer:
    question: int
    choices: tuple[int, ...] | None = None
    value: float | None = None


@dataclass(frozen=True)
class QuestionResult:
    question: int
    correct: bool
    explanation: str
    correct_choices: tuple[int, ...] = ()
    answer_value: float | None = None


@dataclass(frozen=True)
class Score:
    percent: int
    correct: int
    total: int
    results: list[QuestionResult]


def check_answers(questions: list[Question], answers: list[Answer]) -> dict[int, Answer]:
    """The answers by question id, or InvalidAnswers naming every problem."""
    by_id = {q.pk: q for q in questions}
    problems, given = [], {}
    for answer in answers:
        question = by_id.get(answer.question)
        if question is None:
            problems.append(gettext("Question %(id)s is not part of this game.") % {"id": answer.question})
            continue
        if answer.question in given:
            problems.append(gettext("Question %(id)s is answered more than once.") % {"id": answer.question})
            continue
        if question.kind == Question.Kind.NUMBER:
            if answer.value is None or answer.choices is not None:
                problems.append(
                    gettext("Question %(id)s needs a number in `value`, not choices.") % {"id": answer.question}
                )
            elif not math.isfinite(answer.value):
                problems.append(
                    gettext("Question %(id)s: the value must be a finite number.") % {"id": answer.question}
                )
        else:
            if answer.choices is None or answer.value is not None:
                problems.append(
                    gettext("Question %(id)s needs a list of choice ids in `choices`.") % {"id": answer.question}
                )
            else:
                valid = {c.pk for c in question.choice_list()}
                foreign = [c for c in answer.choices if c not in valid]
                if foreign:
                    problems.append(
                        gettext("Question %(id)s: choices %(choices)s do not belong to it.")
                        % {"id": answer.question, "choices": foreign}
                    )
                if len(set(answer.choices)) != len(answer.choices):
                    problems.append(gettext("Question %(id)s: a choice is listed twice.") % {"id": answer.question})
        given[answer.question] = answer
    if problems:
        raise InvalidAnswers(" ".join(problems))
    return given


def is_correct(question: Question, answer: Answer | None) -> bool:
    if answer is None:
        return False
    if question.kind == Question.Kind.NUMBER:
        assert answer.value is not None  # check_answers gives a number question a value
        if question.answer_value is None:
            return False  # a draft without its answer yet (only staff preview drafts)
        return abs(answer.value - question.answer_value) <= question.tolerance + EPSILON
    assert answer.choices is not None  # check_answers gives a choice question its choices
    correct = {c.pk for c in question.choice_list() if c.is_correct}
    chosen = set(answer.choices)
    # Single: the one correct choice; multiple: exactly the correct set. Unanswered is wrong.
    return chosen == correct and bool(chosen)


def result_of(question: Question, answer: Answer | None) -> QuestionResult:
    """One question's feedback: right or wrong, its explanation and its right answer."""
    return QuestionResult(
        question=question.pk,
        correct=is_correct(question, answer),
        explanation=question.explanation,
        correct_choices=tuple(c.pk for c in question.choice_list() if c.is_correct),
        answer_value=question.answer_value,
    )


def score(questions: list[Question], answers: list[Answer]) -> Score:
    """Score a play; unanswered questions count as wrong. Raises InvalidAnswers on malformed input."""
    given = check_answers(questions, answers)
    results = [result_of(q, given.get(q.pk)) for q in questions]
    correct = sum(r.correct for r in results)
    percent = round(100 * correct / len(results)) if results else 0
    return Score(percent=percent, correct=correct, total=len(results), results=results)


def perfect_answers(questions: list[Question]) -> list[Answer]:
    """The answers that score 100% (demo data: seed_demo's classmates play with these)."""
    return [
        Answer(question=q.pk, value=q.answer_value)
        if q.kind == Question.Kind.NUMBER
        else Answer(question=q.pk, choices=tuple(c.pk for c in q.choice_list() if c.is_correct))
        for q in questions
    ]
