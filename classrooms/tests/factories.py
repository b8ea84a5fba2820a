"""Teachers, classes, members and assignments."""

from datetime import timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.selectors import TEACHERS
from accounts.tests.factories import UserFactory
from classrooms import codes
from classrooms.models import Assignment, Classroom, Membership


def make_teacher(**fields):
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get_or_create(name=TEACHERS)[0])
    return user


class ClassroomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Classroom

    name = factory.Sequence(lambda n: f"Class {n}")
    teacher = factory.LazyFunction(make_teacher)
    join_code = factory.LazyFunction(codes.new_code)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    classroom = factory.SubFactory(ClassroomFactory)
    user = factory.SubFactory(UserFactory)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    classroom = factory.SubFactory(ClassroomFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
