from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError

from accounts.models import ConsentStatus
from accounts.selectors import is_teacher
from accounts.tests.factories import UserFactory
from achievements.services import grant
from classrooms import codes, selectors, services
from classrooms.models import Assignment, Membership
from core import export
from games import scoring
from games import services as games
from games.tests.factories import make_game, questions_of
from videos.tests.factories import VideoFactory

from .factories import ClassroomFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_codes_avoid_look_alike_characters():
    for _ in range(200):
        code = codes.new_code()
        assert len(code) == 8
        assert not set(code) & set("0O1IL")
    assert codes.normalize(" ab cd-ef 23 ") == "ABCDEF23"


def test_only_teachers_create_classes(teacher, learner):
    created = services.create_classroom(teacher=teacher, name="  7B ")
    assert created.name == "7B" and len(created.join_code) == 8
    with pytest.raises(services.NotATeacher):
        services.create_classroom(teacher=learner, name="Mine")


def test_join_codes_are_unique_in_the_database(classroom):
    with pytest.raises(IntegrityError):
        ClassroomFactory(join_code=classroom.join_code)


def test_make_teacher_command_adds_the_group(learner):
    assert not is_teacher(learner)
    call_command("make_teacher", "learner", stdout=StringIO())
    learner.refresh_from_db()
    assert is_teacher(learner)


def test_join_by_code_is_idempotent_and_case_insensitive(classroom, learner):
    joined, created = services.join_classroom(user=learner, code=classroom.join_code.lower())
    again, created_again = services.join_classroom(user=learner, code=classroom.join_code)
    assert joined == again == classroom
    assert (created, created_again) == (True, False)
    assert Membership.objects.filter(user=learner).count() == 1


def test_unknown_and_archived_codes_are_not_found(classroom, learner):
    with pytest.raises(services.UnknownCode):
        services.join_classroom(user=learner, code="ZZZZZZZZ")
    services.update_classroom(classroom=classroom, archived=True)
    with pytest.raises(services.UnknownCode):
        services.join_classroom(user=learner, code=classroom.join_code)


def test_a_teacher_cannot_join_their_own_class(classroom, teacher):
    with pytest.raises(services.OwnClass):
        services.join_classroom(user=teacher, code=classroom.join_code)


def test_a_new_code_retires_the_old_one(classroom, learner):
    old = classroom.join_code
    services.regenerate_code(classroom=classroom)
    assert classroom.join_code != old
    with pytest.raises(services.UnknownCode):
        services.join_classroom(user=learner, code=old)
    services.join_classroom(user=learner, code=classroom.join_code)


def test_a_learner_may_be_in_several_classes_and_leave_one(classroom, learner):
    other = ClassroomFactory()
    services.join_classroom(user=learner, code=classroom.join_code)
    services.join_classroom(user=learner, code=other.join_code)
    assert set(selectors.classes_for(user=learner)) == {classroom, other}
    services.leave_classroom(user=learner, classroom=classroom)
    assert list(selectors.classes_for(user=learner)) == [other]
    with pytest.raises(services.NotAMember):
        services.leave_classroom(user=learner, classroom=classroom)


def test_teacher_removes_a_member(classroom, member):
    services.remove_member(classroom=classroom, user_id=member.pk)
    assert not Membership.objects.filter(user=member).exists()


def test_assignments_refuse_past_dates_unpublished_content_and_both_kinds(classroom):
    game = make_game(single=1)
    video = VideoFactory()
    today = services.today()
    with pytest.raises(services.DueInThePast):
        services.create_assignment(classroom=classroom, game=game, due_date=today - timedelta(days=1))
    with pytest.raises(services.BadAssignment):
        services.create_assignment(classroom=classroom, game=game, video=video, due_date=today)
    with pytest.raises(services.BadAssignment):
        services.create_assignment(classroom=classroom, due_date=today)
    hidden = make_game(single=1, is_published=False)
    with pytest.raises(services.NotPublished):
        services.create_assignment(classroom=classroom, game=hidden, due_date=today)
    assert services.create_assignment(classroom=classroom, game=game, due_date=today).kind == "game"
    assert services.create_assignment(classroom=classroom, video=video, due_date=today).kind == "video"


def test_assignment_states_for_a_learner(classroom, member):
    passed, missed, soon = make_game(single=1), make_game(single=1), make_game(single=1)
    today = services.today()
    Assignment.objects.create(classroom=classroom, game=passed, due_date=today)
    Assignment.objects.create(classroom=classroom, game=missed, due_date=today - timedelta(days=2))
    Assignment.objects.create(classroom=classroom, game=soon, due_date=today + timedelta(days=1))
    games.submit_attempt(user=member, game=passed, answers=scoring.perfect_answers(questions_of(passed)))
    rows = {row.content_id: row for row in selectors.assignments_for(classroom=classroom, user=member)}
    assert rows[passed.pk].state == "done"
    assert rows[missed.pk].state == "late"
    assert rows[soon.pk].state == "due" and rows[soon.pk].due_soon
    assert [row.state for row in selectors.due_for(user=member)] == ["late", "due", "done"]


def test_progress_counts_done_and_average_best_score(classroom, member):
    game = make_game(single=2)
    other = UserFactory()
    MembershipFactory(classroom=classroom, user=other)
    Assignment.objects.create(classroom=classroom, game=game, due_date=services.today())
    qs = questions_of(game)
    games.submit_attempt(user=member, game=game, answers=scoring.perfect_answers(qs))
    half = [scoring.perfect_answers(qs)[0], scoring.Answer(question=qs[1].pk, choices=(qs[1].choices.all()[1].pk,))]
    games.submit_attempt(user=other, game=game, answers=half)
    grant(user=member, key="test:week", reason="adjustment", xp=30)
    result = selectors.progress(classroom)
    (row,) = result.assignments
    assert (row.done_count, row.members_count, row.average_best_score) == (1, 2, 75.0)
    mine = next(m for m in result.members if m.id == member.pk)
    assert mine.assignments_done == 1
    assert mine.week_xp == mine.xp  # every XP of this learner was earned this week


def test_hardest_questions_need_five_answers(classroom):
    game = make_game(single=2)
    easy, hard = questions_of(game)
    wrong = hard.choices.all()[1].pk
    for index in range(5):
        user = UserFactory()
        MembershipFactory(classroom=classroom, user=user)
        answers = [scoring.perfect_answers([easy])[0], scoring.Answer(question=hard.pk, choices=(wrong,))]
        if index == 0:
            answers[1] = scoring.perfect_answers([hard])[0]
        games.submit_attempt(user=user, game=game, answers=answers)
    rows = selectors.hardest_questions(classroom)
    assert [(row.question, row.correct_rate, row.answers) for row in rows] == [(hard.pk, 0.2, 5), (easy.pk, 1.0, 5)]
    outsider = UserFactory()  # attempts of learners outside the class do not count
    games.submit_attempt(user=outsider, game=game, answers=scoring.perfect_answers([easy, hard]))
    assert selectors.hardest_questions(classroom)[0].answers == 5


def test_class_board_ranks_within_the_class_and_leaves_out_hidden_and_pending(classroom, member):
    shy = UserFactory(show_on_leaderboard=False)
    waiting = UserFactory(consent_status=ConsentStatus.PENDING)
    rival = UserFactory()
    outsider = UserFactory()
    for user in (shy, waiting, rival):
        MembershipFactory(classroom=classroom, user=user)
    for user, xp in ((member, 40), (shy, 90), (waiting, 80), (rival, 60), (outsider, 500)):
        grant(user=user, key=f"test:{user.pk}", reason="adjustment", xp=xp)
    board = selectors.board(classroom=classroom, period="all", user=member)
    assert [(row.rank, row.id, row.xp) for row in board.results] == [(1, rival.pk, 60), (2, member.pk, 40)]
    assert board.me == {"rank": 2, "xp": 40}
    week = selectors.board(classroom=classroom, period="week", user=member)
    assert [row.id for row in week.results] == [rival.pk, member.pk]


def test_export_includes_memberships_and_erasure_removes_them(classroom, member):
    from accounts import services as accounts

    section = export.export_user(member)["classes"]
    assert section["memberships"][0]["class"] == "8A"
    assert section["teaching"] == []
    assert export.export_user(classroom.teacher)["classes"]["teaching"][0]["join_code"] == classroom.join_code
    accounts.delete_account(user=member)
    assert not Membership.objects.filter(classroom=classroom).exists()


def test_removing_someone_not_in_the_class_is_not_found(classroom, learner):
    from core.errors import NotFound

    with pytest.raises(NotFound, match="not in the class"):
        services.remove_member(classroom=classroom, user_id=learner.pk)
