from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.selectors import is_teacher
from classrooms import selectors
from classrooms.models import Classroom


@pytest.mark.django_db
def test_seed_demo_adds_a_teacher_with_a_class_in_progress():
    for _ in range(2):  # idempotent
        out = StringIO()
        call_command("seed_demo", stdout=out)
    assert "teacher  password:" in out.getvalue()
    teacher = User.objects.get(username="teacher")
    assert is_teacher(teacher)
    (classroom,) = Classroom.objects.filter(teacher=teacher)
    progress = selectors.progress(classroom)
    assert len(progress.members) == 8 and len(progress.assignments) == 2
    assert progress.assignments[0].done_count > 0
