"""Every write of classes: making and renaming them, codes, joining and leaving, assignments."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import is_teacher
from core.errors import DomainError, Forbidden, NotFound
from games.models import Game
from videos.models import Video

from . import codes
from .models import Assignment, Classroom, Membership

CODE_TRIES = 5


class NotATeacher(Forbidden):
    default_message = _("Only teachers can do this.")


class UnknownCode(NotFound):
    default_message = _("No open class has this code. Check it with your teacher.")


class OwnClass(DomainError):
    default_message = _("You teach this class: you cannot join it as a learner.")


class NotAMember(NotFound):
    default_message = _("You are not in this class.")


class ClassArchived(DomainError):
    default_message = _("This class is archived: bring it back before changing it.")


class BadAssignment(DomainError):
    default_message = _("Assign one game or one video.")


class DueInThePast(DomainError):
    default_message = _("The due date is in the past: pick today or a later day.")


class NotPublished(DomainError):
    default_message = _("Only published games and videos can be assigned.")


def today() -> date:
    """Today in TIME_ZONE: due dates are the school's days."""
    return timezone.localdate()


def _with_fresh_code(save) -> Classroom:
    # Codes are random: a clash is rare, so try again a few times rather than check first.
    for attempt in range(CODE_TRIES):
        try:
            with transaction.atomic():
                return save(codes.new_code())
        except IntegrityError:
            if attempt == CODE_TRIES - 1:
                raise
    raise AssertionError("unreachable")


def create_classroom(*, teacher: User, name: str) -> Classroom:
    """A new class with a fresh join code; only teachers may make one."""
    if not is_teacher(teacher):
        raise NotATeacher()
    return _with_fresh_code(lambda code: Classroom.objects.create(teacher=teacher, name=name.strip(), join_code=code))


def update_classroom(*, classroom: Classroom, name: str | None = None, archived: bool | None = None) -> Classroom:
    """Rename, archive or bring back a class (an archived class takes no new members)."""
    fields = []
    if name is not None:
        classroom.name = name.strip()
        fields.append("name")
    if archived is not None:
        classroom.archived = archived
        fields.append("archived")
    if fields:
        classroom.save(update_fields=fields)
    return classroom


def regenerate_code(*, classroom: Classroom) -> Classroom:
    """A new join code; the old one stops working at once (members stay)."""

    def save(code: str) -> Classroom:
        classroom.join_code = code
        classroom.save(update_fields=["join_code"])
        return classroom

    return _with_fresh_code(save)


def join_classroom(*, user: User, code: str) -> tuple[Classroom, bool]:
    """Join the open class with this code; returns (class, whether the learner is new in it).

    Joining twice is harmless: the unique membership makes the second a no-op.
    """
    classroom = Classroom.objects.filter(join_code=codes.normalize(code), archived=False).first()
    if classroom is None:
        raise UnknownCode()
    if classroom.teacher_id == user.pk:
        raise OwnClass()
    _membership, created = Membership.objects.get_or_create(classroom=classroom, user=user)
    return classroom, created


def leave_classroom(*, user: User, classroom: Classroom) -> None:
    deleted, _by_model = Membership.objects.filter(classroom=classroom, user=user).delete()
    if not deleted:
        raise NotAMember()


def remove_member(*, classroom: Classroom, user_id: int) -> None:
    """The teacher takes a learner out of the class (their own progress stays theirs)."""
    deleted, _by_model = Membership.objects.filter(classroom=classroom, user_id=user_id).delete()
    if not deleted:
        raise NotFound(_("This learner is not in the class."))


def create_assignment(
    *, classroom: Classroom, due_date: date, game: Game | None = None, video: Video | None = None
) -> Assignment:
    """Assign one published game or video, due today or later (in TIME_ZONE)."""
    if (game is None) == (video is None):
        raise BadAssignment()
    if classroom.archived:
        raise ClassArchived()
    content = game if game is not None else video
    assert content is not None
    if not content.is_published:
        raise NotPublished()
    if due_date < today():
        raise DueInThePast()
    return Assignment.objects.create(classroom=classroom, game=game, video=video, due_date=due_date)


def delete_assignment(*, assignment: Assignment) -> None:
    assignment.delete()
