import pytest

from achievements import levels
from achievements.models import Reason
from achievements.services import grant

THRESHOLDS = [(1, 0), (2, 100), (3, 300), (4, 600), (5, 1000), (6, 1500), (10, 4500)]


@pytest.mark.parametrize(("level", "xp"), THRESHOLDS)
def test_xp_for_level_follows_the_curve(level, xp):
    assert levels.xp_for_level(level) == xp


@pytest.mark.parametrize(
    ("xp", "level"),
    [(0, 1), (1, 1), (99, 1), (100, 2), (101, 2), (299, 2), (300, 3), (599, 3), (600, 4), (999, 4), (1000, 5)],
)
def test_level_thresholds_are_exact(xp, level):
    assert levels.level_for(xp) == level


def test_negative_xp_is_level_one():
    assert levels.level_for(-50) == 1


def test_every_level_starts_exactly_at_its_threshold_even_when_huge():
    for level in [*range(1, 300), 10_000, 123_456]:
        start = levels.xp_for_level(level)
        assert levels.level_for(start) == level
        assert levels.level_for(start - 1) == max(level - 1, 1)


def test_progress_inside_a_level():
    assert levels.progress(250) == {
        "level": 2,
        "xp": 250,
        "level_start": 100,
        "next_level_xp": 300,
        "into_level": 150,
        "needed": 200,
        "percent": 75,
    }


@pytest.mark.django_db
def test_grant_derives_the_level_from_xp(learner):
    grant(user=learner, key="a", reason=Reason.ADJUSTMENT, xp=99)
    learner.refresh_from_db()
    assert learner.level == 1
    grant(user=learner, key="b", reason=Reason.ADJUSTMENT, xp=1)
    learner.refresh_from_db()
    assert learner.level == 2
    grant(user=learner, key="c", reason=Reason.ADJUSTMENT, xp=900)
    learner.refresh_from_db()
    assert (learner.xp, learner.level) == (1000, 5)


@pytest.mark.django_db
def test_grant_reports_the_level_before_and_after(learner):
    first = grant(user=learner, key="a", reason=Reason.ADJUSTMENT, xp=99)
    assert (first.level_before, first.level_after) == (1, 1)
    second = grant(user=learner, key="b", reason=Reason.ADJUSTMENT, xp=201)
    assert (second.level_before, second.level_after) == (1, 3)


@pytest.mark.django_db
def test_a_negative_adjustment_lowers_the_level(learner):
    grant(user=learner, key="a", reason=Reason.ADJUSTMENT, xp=300)
    grant(user=learner, key="b", reason=Reason.ADJUSTMENT, xp=-1)
    learner.refresh_from_db()
    assert (learner.xp, learner.level) == (299, 2)
