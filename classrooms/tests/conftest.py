import pytest

from accounts.tests.factories import UserFactory

from .factories import ClassroomFactory, MembershipFactory, make_teacher


@pytest.fixture
def teacher(db):
    return make_teacher(username="teacher")


@pytest.fixture
def classroom(teacher):
    return ClassroomFactory(teacher=teacher, name="8A")


@pytest.fixture
def member(classroom):
    user = UserFactory(username="member", display_name="Mira")
    MembershipFactory(classroom=classroom, user=user)
    return user
