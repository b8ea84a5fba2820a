"""Reads of classes: who may see which, members' progress, assignments' states, the class board.

Every read of a whole class runs a fixed number of queries, whatever the class size:
per-learner numbers come from one annotated query, per-assignment numbers from one query
per kind of content, and the hardest questions from the class's attempts in one pass.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import ConsentStatus, User
from accounts.selectors import is_teacher
from achievements.leaderboards import ALL, Board, Row, week_start
from achievements.models import LedgerEntry
from core.errors import Forbidden, NotFound
from core.prepared import Prepared
from games import scoring
from games.models import Attempt, Question, UserGame
from videos.models import VideoView

from .models import Assignment, Classroom, Membership
from .services import today

DONE, LATE, DUE = "done", "late", "due"
SOON_DAYS = 3  # "due soon" on the dashboard: today and the next three days
HARDEST_MIN_ANSWERS = 5
HARDEST_LIMIT = 5


class ClassNotFound(NotFound):
    default_message = _("No such class.")


class TeacherOnly(Forbidden):
    default_message = _("Only the class's teacher can see this.")


# ---- which classes a user sees ------------------------------------------------------


def classes_for(*, user: User) -> QuerySet[Classroom]:
    """The classes a user teaches or joined, with `members_count` (one query)."""
    joined = Membership.objects.filter(user=user).values("classroom_id")
    return (
        Classroom.objects.filter(Q(teacher=user) | Q(pk__in=joined))
        .select_related("teacher")
        .annotate(members_count=Count("memberships"))
        .order_by("archived", "name", "id")
    )


def classroom_for(*, user: User, pk: int, teacher_only: bool = False) -> Classroom:
    """The class if the user teaches it (or, unless `teacher_only`, is in it).

    Anyone else is told it does not exist (404), so ids reveal nothing; a member asking for
    the teacher's view is refused (403).
    """
    classroom = Classroom.objects.select_related("teacher").filter(pk=pk).first()
    if classroom is None:
        raise ClassNotFound()
    if classroom.teacher_id == user.pk:
        return classroom
    member = Membership.objects.filter(classroom=classroom, user=user).exists()
    if not member:
        raise ClassNotFound()
    if teacher_only:
        raise TeacherOnly()
    return classroom


def teaches(user: User, classroom: Classroom) -> bool:
    return classroom.teacher_id == user.pk


def can_teach(user: User) -> bool:
    return is_teacher(user)


# ---- members and their progress -------------------------------------------------------


@dataclass
class MemberRow:
    id: int
    username: str
    display_name: str
    level: int
    xp: int
    week_xp: int
    last_active_date: date | None
    assignments_done: int = 0


@dataclass
class AssignmentRow:
    id: int
    kind: str
    content_id: int
    slug: str
    title: str
    url: str
    due_date: date
    classroom_id: int
    classroom_name: str
    done: bool = False  # for one learner
    done_count: int = 0  # for the teacher
    members_count: int = 0
    average_best_score: float | None = None

    @property
    def state(self) -> str:
        if self.done:
            return DONE
        return LATE if self.due_date < today() else DUE

    @property
    def due_soon(self) -> bool:
        return self.state == DUE and self.due_date <= today() + timedelta(days=SOON_DAYS)


@dataclass
class HardQuestion:
    question: int
    prompt: str
    game: str  # the game's title
    correct_rate: float  # 0–1
    answers: int


@dataclass
class Progress:
    members: list[MemberRow]
    assignments: list[AssignmentRow]
    hardest_questions: list[HardQuestion] = field(default_factory=list)


def _week_xp():
    rows = (
        LedgerEntry.objects.filter(user=OuterRef("pk"), created_at__gte=week_start())
        .order_by()
        .values("user")
        .annotate(total=Sum("xp"))
        .values("total")
    )
    return Coalesce(Subquery(rows[:1]), Value(0), output_field=IntegerField())


def _members(classroom: Classroom) -> QuerySet[User]:
    return (
        User.objects.filter(class_memberships__classroom=classroom)
        .annotate(week_xp=_week_xp())
        .only("id", "username", "display_name", "avatar_url", "level", "xp", "last_active_date")
        .order_by("display_name", "username")
    )


def _assignment_row(assignment: Assignment) -> AssignmentRow:
    content = assignment.content
    return AssignmentRow(
        id=assignment.pk,
        kind=assignment.kind,
        content_id=content.pk,
        slug=content.slug,
        title=content.title,
        url=content.get_absolute_url(),
        due_date=assignment.due_date,
        classroom_id=assignment.classroom_id,
        classroom_name=assignment.classroom.name,
    )


def _assignments(classrooms) -> list[Assignment]:
    return list(_assignments_of(classrooms))


def _assignments_of(classrooms) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(classroom__in=classrooms)
        .select_related("classroom", "game", "video")
        .order_by("due_date", "id")
    )


# The dashboard asks on every visit: built and compiled once (core.prepared).
_open_assignments_of_learner = Prepared(
    lambda user_id: _assignments_of(Classroom.objects.filter(memberships__user_id=user_id, archived=False)), int
)


def _done_pairs(user_ids, assignments: list[Assignment]) -> tuple[set[tuple[int, int]], set[tuple[int, int]], dict]:
    """(learner, game) passed, (learner, video) watched, and best scores by (learner, game)."""
    game_ids = {a.game_id for a in assignments if a.game_id}
    video_ids = {a.video_id for a in assignments if a.video_id}
    games_done: set[tuple[int, int]] = set()
    best: dict[tuple[int, int], int] = {}
    if game_ids:
        played = UserGame.objects.filter(user_id__in=user_ids, game_id__in=game_ids).values_list(
            "user_id", "game_id", "completed_at", "best_score", "attempts_count"
        )
        for uid, gid, completed, score, count in played:
            if completed is not None:
                games_done.add((uid, gid))
            if count:
                best[(uid, gid)] = score
    videos_done: set[tuple[int, int]] = set()
    if video_ids:
        watched = VideoView.objects.filter(
            user_id__in=user_ids, video_id__in=video_ids, completed_at__isnull=False
        ).values_list("user_id", "video_id")
        videos_done = set(watched)
    return games_done, videos_done, best


def _is_done(assignment: Assignment, uid: int, games_done, videos_done) -> bool:
    if assignment.game_id:
        return (uid, assignment.game_id) in games_done
    return (uid, assignment.video_id) in videos_done


def hardest_questions(classroom: Classroom, *, limit: int = HARDEST_LIMIT) -> list[HardQuestion]:
    """The questions the class gets wrong most often (at least HARDEST_MIN_ANSWERS answers).

    Answers are scored again here from the class's finished attempts: the stored answers
    say what was chosen, the questions what was right (three queries in all).
    """
    attempts = Attempt.objects.filter(
        user__class_memberships__classroom=classroom, finished_at__isnull=False
    ).values_list("game_id", "answers")
    given: list[tuple[int, dict]] = [
        (gid, a) for gid, answers in attempts for a in answers or [] if isinstance(a, dict)
    ]
    if not given:
        return []
    game_ids = {gid for gid, _ in given}
    questions = {
        q.pk: q
        for q in Question.objects.filter(game_id__in=game_ids).select_related("game").prefetch_related("choices")
    }
    tally: dict[int, list[int]] = {}
    for gid, answer in given:
        question = questions.get(answer.get("question"))  # type: ignore[arg-type]
        if question is None or question.game_id != gid:
            continue  # a question removed since
        correct = _correct(question, answer)
        if correct is None:
            continue
        counts = tally.setdefault(question.pk, [0, 0])
        counts[0] += correct
        counts[1] += 1
    rows = [
        HardQuestion(
            question=qid,
            prompt=questions[qid].prompt,
            game=questions[qid].game.title,
            correct_rate=round(right / total, 3),
            answers=total,
        )
        for qid, (right, total) in tally.items()
        if total >= HARDEST_MIN_ANSWERS
    ]
    rows.sort(key=lambda row: (row.correct_rate, -row.answers, row.question))
    return rows[:limit]


def _correct(question: Question, answer: dict) -> bool | None:
    """Whether a stored answer is right; None when it no longer fits the question (edited since)."""
    if question.kind == Question.Kind.NUMBER:
        value = answer.get("value")
        if not isinstance(value, int | float) or question.answer_value is None:
            return None
        return scoring.is_correct(question, scoring.Answer(question=question.pk, value=float(value)))
    choices = answer.get("choices")
    if not isinstance(choices, list):
        return None
    return scoring.is_correct(question, scoring.Answer(question=question.pk, choices=tuple(choices)))


def _numbers(classroom: Classroom) -> tuple[list[MemberRow], list[AssignmentRow]]:
    """Each learner with their numbers, and each assignment with the class's (five queries)."""
    members = list(_members(classroom))
    user_ids = [m.pk for m in members]
    assignments = _assignments([classroom])
    games_done, videos_done, best = _done_pairs(user_ids, assignments)
    rows = [
        MemberRow(
            id=m.pk,
            username=m.username,
            display_name=m.display_name,
            level=m.level,
            xp=m.xp,
            week_xp=m.week_xp,  # type: ignore[attr-defined]
            last_active_date=m.last_active_date,
            assignments_done=sum(_is_done(a, m.pk, games_done, videos_done) for a in assignments),
        )
        for m in members
    ]
    assignment_rows = []
    for assignment in assignments:
        row = _assignment_row(assignment)
        row.members_count = len(user_ids)
        row.done_count = sum(_is_done(assignment, uid, games_done, videos_done) for uid in user_ids)
        if assignment.game_id:
            scores = [best[(uid, assignment.game_id)] for uid in user_ids if (uid, assignment.game_id) in best]
            row.average_best_score = round(sum(scores) / len(scores), 1) if scores else None
        assignment_rows.append(row)
    return rows, assignment_rows


def progress(classroom: Classroom) -> Progress:
    """The teacher's view of a class: each learner, each assignment, the hardest questions."""
    members, assignments = _numbers(classroom)
    return Progress(members=members, assignments=assignments, hardest_questions=hardest_questions(classroom))


def members_of(classroom: Classroom) -> list[MemberRow]:
    return _numbers(classroom)[0]


def assignments_for(*, classroom: Classroom, user: User) -> list[AssignmentRow]:
    """A class's assignments: with counts for its teacher, with `done` for a learner."""
    if teaches(user, classroom):
        return _numbers(classroom)[1]
    assignments = _assignments([classroom])
    return _for_learner(user, assignments)


def _for_learner(user: User, assignments: list[Assignment]) -> list[AssignmentRow]:
    games_done, videos_done, _ = _done_pairs([user.pk], assignments)
    rows = []
    for assignment in assignments:
        row = _assignment_row(assignment)
        row.done = _is_done(assignment, user.pk, games_done, videos_done)
        rows.append(row)
    return rows


def due_for(*, user: User, limit: int = 6) -> list[AssignmentRow]:
    """The dashboard's list: late and upcoming work first, then what was done this past week."""
    if not user.is_authenticated:
        return []
    rows = _for_learner(user, _open_assignments_of_learner.rows(user.pk))
    recent = today() - timedelta(days=7)
    rows = [row for row in rows if not row.done or row.due_date >= recent]
    order = {LATE: 0, DUE: 1, DONE: 2}
    rows.sort(key=lambda row: (order[row.state], row.due_date))
    return rows[:limit]


# ---- the class board -----------------------------------------------------------------


def board(*, classroom: Classroom, period: str = ALL, user: User | None = None) -> Board:
    """The class's members ranked by XP (all time) or XP this week (one query).

    Like the site's boards, it leaves out learners who hide from leaderboards and those
    still waiting for a guardian's consent. Equal scores share a rank.
    """
    people = (
        _members(classroom)
        .filter(show_on_leaderboard=True, is_active=True)
        .exclude(consent_status=ConsentStatus.PENDING)
    )
    score_of = (lambda p: p.xp) if period == ALL else (lambda p: p.week_xp)
    ordered = sorted(people, key=lambda p: (-score_of(p), (p.display_name or p.username).lower(), p.pk))
    results: list[Row] = []
    for index, person in enumerate(ordered):
        score = score_of(person)
        rank = results[-1].rank if results and results[-1].xp == score else index + 1
        results.append(
            Row(rank, person.pk, person.username, person.display_name, person.avatar_url, person.level, score)
        )
    me = next(({"rank": row.rank, "xp": row.xp} for row in results if user is not None and row.id == user.pk), None)
    return Board(period=period, results=results, me=me)


# ---- the learner's data export ---------------------------------------------------------


def export_data(user: User) -> dict:
    """The classes part of the learner's data export: classes joined and classes taught."""
    return {
        "memberships": [
            {"class": name, "teacher": teacher_name or teacher_username, "joined_at": joined.isoformat()}
            for name, teacher_name, teacher_username, joined in Membership.objects.filter(user=user)
            .order_by("joined_at")
            .values_list(
                "classroom__name", "classroom__teacher__display_name", "classroom__teacher__username", "joined_at"
            )
        ],
        "teaching": [
            {"id": pk, "name": name, "join_code": code, "archived": archived, "created_at": created.isoformat()}
            for pk, name, code, archived, created in Classroom.objects.filter(teacher=user)
            .order_by("created_at")
            .values_list("pk", "name", "join_code", "archived", "created_at")
        ],
    }
