"""How well FinBot finds the article a learner's question needs: the evaluation sets and their score.

The sets (`eval_sets/<language>.json`) are questions typed the way teenagers type them,
each naming the article it must find, and off-topic questions it must not answer from
any article. `<language>_holdout.json` were written apart from the first sets and are
not tuned against: they say how well the ranking does on questions nobody looked at.
Scored against the published articles in the database, so `finbot_eval` can be run
against the live content too.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from . import retrieval

SETS_DIR = Path(__file__).resolve().parent / "eval_sets"
LANGUAGES = ("en", "sq")


@dataclass(frozen=True)
class Miss:
    question: str
    expected: str | None  # None: an off-topic question
    found: str | None  # None: FinBot said it does not know


@dataclass
class Score:
    language: str
    name: str
    questions: int = 0
    right: int = 0
    unanswered: int = 0  # said "don't know" to a question it should have answered
    suggested: int = 0  # of those, how many offered the right article among the closest two
    off_topic: int = 0
    off_topic_answered: int = 0  # answered an off-topic question from an article
    misses: list[Miss] = field(default_factory=list)

    @property
    def top1(self) -> float:
        return self.right / self.questions if self.questions else 1.0

    @property
    def wrong(self) -> int:
        return self.questions - self.right - self.unanswered


def load(language: str, *, holdout: bool = False) -> dict:
    name = f"{language}_holdout.json" if holdout else f"{language}.json"
    return json.loads((SETS_DIR / name).read_text(encoding="utf-8"))


def _first(question: str, language: str) -> tuple[str | None, list[str]]:
    """The article FinBot answers from (None: it does not know), and the closest it offers instead."""
    found = retrieval.search(question, language=language, limit=1)
    if found.answers:
        return found.answers[0].article.slug, []
    return None, [article.slug for article in found.nearby[: retrieval.CLOSEST]]


def evaluate(language: str, *, holdout: bool = False) -> Score:
    """Score one set against the published articles."""
    data = load(language, holdout=holdout)
    score = Score(language=language, name="holdout" if holdout else "main")
    for item in data["questions"]:
        found, closest = _first(item["q"], language)
        score.questions += 1
        if found == item["slug"]:
            score.right += 1
            continue
        score.unanswered += found is None
        score.suggested += item["slug"] in closest
        score.misses.append(Miss(item["q"], item["slug"], found))
    for question in data["off_topic"]:
        found, _closest = _first(question, language)
        score.off_topic += 1
        if found is not None:
            score.off_topic_answered += 1
            score.misses.append(Miss(question, None, found))
    return score
