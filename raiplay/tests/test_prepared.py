"""core.prepared: a query compiled once returns what its queryset returns, for any arguments."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef, Q, Subquery
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts import models as account_models
from accounts.models import User
from accounts.tests.factories import UserFactory
from achievements.models import DailyQuest
from achievements.tests.factories import DailyQuestTemplateFactory
from core.prepared import Prepared, PreparedSQL
from games.models import Game, QuestStep, UserGame
from games.tests.factories import QuestFactory
from videos.models import Video, VideoLike
from videos.tests.factories import VideoFactory

pytestmark = pytest.mark.django_db


def _steps_with_best(user_id: int):
    best = UserGame.objects.filter(user_id=user_id, game=OuterRef("game_id")).values("best_score")[:1]
    return QuestStep.objects.select_related("game").order_by("position").annotate(best=Subquery(best))


def _shown(steps) -> list[tuple]:
    return [(step.pk, step.position, step.game.pk, step.game.title, step.best) for step in steps]


def test_rows_equal_the_querysets_for_each_argument():
    first, second = QuestFactory(), QuestFactory()
    ana, ben = UserFactory(), UserFactory()
    UserGame.objects.create(user=ana, game=first, best_score=80)
    UserGame.objects.create(user=ben, game=second, best_score=55)
    prepared = Prepared(_steps_with_best, int)

    for learner in (ana, ben, UserFactory()):
        assert _shown(prepared.rows(learner.pk)) == _shown(_steps_with_best(learner.pk))
    assert [step.best for step in prepared.rows(ana.pk)] == [80, None]
    assert [step.best for step in prepared.rows(ben.pk)] == [None, 55]


def test_one_statement_a_call_and_the_related_rows_come_with_it():
    QuestFactory.create_batch(3)
    prepared = Prepared(_steps_with_best, int)
    prepared.rows(0)  # compiled here
    learner = UserFactory()

    with CaptureQueriesContext(connection) as captured:
        titles = [step.game.title for step in prepared.rows(learner.pk)]

    assert len(titles) == 3
    assert len(captured) == 1


def test_built_once_per_language_and_reads_the_languages_texts():
    QuestFactory(title_en="Budget", title_sq="Buxheti")
    built = []

    def build():
        built.append(translation.get_language())
        return Game.objects.order_by("title")

    prepared = Prepared(build)
    for _ in range(3):
        assert [game.title for game in prepared.rows()] == ["Budget"]
    with translation.override("sq"):
        assert [game.title for game in prepared.rows()] == ["Buxheti"]

    assert built == ["en", "sq"]


def test_a_date_argument_is_passed_as_the_backend_passes_dates():
    """SQLite takes dates as text: the marker's adapted form is found, and each day's value adapted."""
    learner = UserFactory()
    template = DailyQuestTemplateFactory()
    DailyQuest.objects.create(user=learner, template=template, date=date(2026, 3, 1), progress=2)
    DailyQuest.objects.create(user=learner, template=template, date=date(2026, 3, 2), progress=5)
    prepared = Prepared(
        lambda user_id, day: User.objects.filter(pk=user_id).annotate(
            progress=Subquery(DailyQuest.objects.filter(user=OuterRef("pk"), date=day).values("progress")[:1]),
            later=Exists(DailyQuest.objects.filter(Q(user=OuterRef("pk")) & Q(date__gt=day))),
        ),
        int,
        date,
    )

    found = [(row.progress, row.later) for day in (1, 2, 3) for row in prepared.rows(learner.pk, date(2026, 3, day))]

    assert found == [(2, True), (5, False), (None, False)]


def test_an_argument_the_sql_does_not_carry_unchanged_is_refused():
    """`contains` wraps the value in wildcards: the compiled SQL could not take another one."""
    prepared = Prepared(lambda text: Game.objects.filter(title__contains=text), str)

    with pytest.raises(ValueError, match="not found as parameters"):
        prepared.rows("Budget")


def test_only_model_rows_and_the_declared_arguments():
    with pytest.raises(TypeError, match="model instances"):
        Prepared(lambda: Game.objects.values_list("pk")).rows()
    with pytest.raises(TypeError, match="1 argument"):
        Prepared(lambda pk: Game.objects.filter(pk=pk), int).rows()
    with pytest.raises(TypeError, match="not float"):
        Prepared(lambda amount: Game.objects.filter(xp_reward=amount), float)


# ---- catalogue rows: built once per distinct row, copied after ------------------------------------


def _videos_with_like(user_id: int):
    liked = VideoLike.objects.filter(user_id=user_id, video=OuterRef("pk"))
    return Video.objects.order_by("pk").annotate(liked=Exists(liked))


def test_catalogue_rows_equal_fresh_ones_with_each_learners_annotations():
    QuestFactory.create_batch(2)
    ana, ben = UserFactory(), UserFactory()
    UserGame.objects.create(user=ana, game=Game.objects.first(), best_score=70)
    kept = Prepared(_steps_with_best, int, catalogue=True)

    for learner in (ana, ben, ana, ben):
        assert _shown(kept.rows(learner.pk)) == _shown(_steps_with_best(learner.pk))
    assert [step.best for step in kept.rows(ana.pk)] == [70, None]
    assert [step.best for step in kept.rows(ben.pk)] == [None, None]


def test_catalogue_rows_are_new_instances_each_call_sharing_nothing_mutable():
    video = VideoFactory(tags=["saving"])
    kept = Prepared(_videos_with_like, int, catalogue=True)
    first = kept.rows(0)[0]
    first.tags.append("changed by a caller")
    first.title = "changed too"
    first.liked = True

    again = kept.rows(0)[0]

    assert again is not first
    assert (again.pk, again.title, again.tags, again.liked) == (video.pk, video.title, ["saving"], False)
    assert again._state.adding is False and again._state.db == "default"


def test_catalogue_related_rows_are_copied_with_their_links():
    QuestFactory()
    kept = Prepared(_steps_with_best, int, catalogue=True)
    kept.rows(0)

    with CaptureQueriesContext(connection) as captured:
        step, other = kept.rows(0)[0], kept.rows(0)[0]
    game = step.game

    assert len(captured) == 2  # one statement a call; the game came with the step
    assert game is not other.game
    assert game.quest_step is step  # the one-to-one's back link points at this call's step


def test_an_edited_catalogue_row_is_read_afresh():
    video = VideoFactory(title_en="Saving 101", tags=["saving"])
    kept = Prepared(_videos_with_like, int, catalogue=True)
    assert kept.rows(0)[0].title == "Saving 101"

    Video.objects.filter(pk=video.pk).update(title_en="Saving 102", tags=["saving", "goals"])
    liked_by = UserFactory()
    VideoLike.objects.create(user=liked_by, video=video)

    row = kept.rows(liked_by.pk)[0]
    assert (row.title, row.tags, row.liked) == ("Saving 102", ["saving", "goals"], True)


# ---- the signed-in learner, read by a prepared query (accounts.models.LearnerManager.get) -----


def _bearer(user_id) -> APIClient:
    token = AccessToken()
    token["user_id"] = user_id
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_the_tokens_learner_is_the_row_read():
    learner = UserFactory(username="ana", language="sq")

    response = _bearer(learner.pk).get("/api/v1/users/me")

    assert response.status_code == 200
    assert (response.json()["username"], response["Content-Language"]) == ("ana", "sq")


@pytest.mark.parametrize("case", ["inactive", "deleted"])
def test_a_token_without_an_active_learner_is_refused(case):
    learner = UserFactory()
    if case == "inactive":
        User.objects.filter(pk=learner.pk).update(is_active=False)
    else:
        learner.delete()

    response = _bearer(learner.pk).get("/api/v1/users/me")

    assert response.status_code == 401
    assert response.json()["detail"]


def test_get_by_primary_key_is_prepared_and_keeps_the_orms_answers():
    learner = UserFactory(username="ana")
    account_models._learner_by_pk._cache._compiled.clear()
    User.objects.get(pk=learner.pk)  # compiled here
    assert list(account_models._learner_by_pk._cache._compiled) == [("en", connection.vendor)]

    with CaptureQueriesContext(connection) as captured:
        found = [User.objects.get(pk=learner.pk), User.objects.get(id=str(learner.pk))]
    with pytest.raises(User.DoesNotExist, match="User matching query does not exist"):
        User.objects.get(pk=learner.pk + 1000)

    assert [(user.pk, user.username) for user in found] == [(learner.pk, "ana")] * 2
    assert len(captured) == 2
    assert User.objects.get(username="ana") == learner  # any other lookup: the ORM's


def test_numbers_compared_with_positive_fields_keep_their_place():
    """Django drops a comparison with a number outside a field's range: the marker is inside it."""
    for reward in (10, 50, 90):
        QuestFactory(xp_reward=reward)
    prepared = Prepared(lambda least: Game.objects.filter(xp_reward__gt=least).order_by("xp_reward"), int)

    assert [game.xp_reward for game in prepared.rows(40)] == [50, 90]
    assert [game.xp_reward for game in prepared.rows(0)] == [10, 50, 90]


def test_a_datetime_argument_is_passed_as_the_backend_passes_datetimes():
    learner = UserFactory()
    UserGame.objects.create(user=learner, game=QuestFactory(), completed_at=timezone.now() - timedelta(days=2))
    prepared = PreparedSQL(
        lambda since: UserGame.objects.filter(completed_at__gte=since).values_list("user_id").query.sql_with_params(),
        datetime,
    )

    assert prepared.fetchall(timezone.now() - timedelta(days=3)) == [(learner.pk,)]
    assert prepared.fetchall(timezone.now() - timedelta(days=1)) == []
