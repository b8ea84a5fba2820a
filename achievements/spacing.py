"""The review schedule: a missed question comes back 1, 3, 7, 14 and 30 days later.

Pure functions over local dates. A miss (in a play or a review) starts over at step 0, due
the next day; a right review moves one step up; right at the last step retires the question.
"""

from dataclasses import dataclass
from datetime import date, timedelta

INTERVALS = (1, 3, 7, 14, 30)  # days until the next review, by step
LAST_STEP = len(INTERVALS) - 1


@dataclass(frozen=True)
class Slot:
    step: int
    due_on: date | None  # None: retired, it does not come back


def missed(today: date) -> Slot:
    return Slot(step=0, due_on=today + timedelta(days=INTERVALS[0]))


def reviewed(step: int, *, correct: bool, today: date) -> Slot:
    """Where an item due at `step` goes after a review answered on `today`."""
    if not correct:
        return missed(today)
    if step >= LAST_STEP:
        return Slot(step=LAST_STEP, due_on=None)
    return Slot(step=step + 1, due_on=today + timedelta(days=INTERVALS[step + 1]))
