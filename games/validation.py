"""Rules a question's choices must follow; used by the admin and by content imports."""

from django.utils.translation import gettext

from .models import Question


def choice_problems(kind: str, correct_flags: list[bool]) -> list[str]:
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
