"""Class pages: who sees what, and the forms' bad input."""

import pytest
from django.test import Client

from accounts.tests.factories import UserFactory
from classrooms.models import Membership

from .factories import make_teacher

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_teacher_and_learner_index(classroom, teacher, member):
    teacher_page = client_of(teacher).get("/classes/").content.decode()
    assert "New class" in teacher_page and classroom.join_code in teacher_page
    learner_page = client_of(member).get("/classes/").content.decode()
    assert "Join with a code" in learner_page and "8A" in learner_page and classroom.join_code not in learner_page


def test_detail_views(classroom, teacher, member):
    teacher_page = client_of(teacher).get(f"/classes/{classroom.pk}/").content.decode()
    assert 'data-testid="progress"' in teacher_page and "Hardest questions" in teacher_page
    assert member.email not in teacher_page
    learner_page = client_of(member).get(f"/classes/{classroom.pk}/").content.decode()
    assert "Class board" in learner_page and 'data-testid="progress"' not in learner_page
    assert "<script>" not in teacher_page  # the CSP allows static scripts only


def test_join_page_bad_code_and_own_class(classroom, teacher, learner):
    response = client_of(learner).post("/classes/join/", {"code": "ZZZZZZZZ"})
    assert response.status_code == 404 and b"No open class" in response.content
    assert client_of(teacher).post("/classes/join/", {"code": classroom.join_code}).status_code == 400
    joined = client_of(learner).post("/classes/join/", {"code": classroom.join_code})
    assert joined.status_code == 302 and Membership.objects.filter(user=learner).count() == 1


def test_learner_cannot_create_a_class(learner):
    assert client_of(learner).post("/classes/new/", {"name": "x"}).status_code == 403


def test_past_due_date_is_refused_on_the_page(classroom, teacher):
    from games.tests.factories import make_game

    game = make_game(single=1)
    response = client_of(teacher).post(
        f"/classes/{classroom.pk}/assignments/", {"content": f"game:{game.pk}", "due_date": "2000-01-01"}
    )
    assert response.status_code == 400 and b"in the past" in response.content


PAGES = [
    ("get", "/classes/{pk}/"),
    ("get", "/classes/{pk}/progress.csv"),
    ("post", "/classes/{pk}/rename/"),
    ("post", "/classes/{pk}/archive/"),
    ("post", "/classes/{pk}/code/"),
    ("post", "/classes/{pk}/leave/"),
    ("post", "/classes/{pk}/members/{member}/remove/"),
    ("post", "/classes/{pk}/assignments/"),
]


@pytest.mark.parametrize("method,path", PAGES)
@pytest.mark.parametrize("who", ["other_teacher", "non_member", "anonymous"])
def test_every_page_refuses_others(classroom, member, method, path, who):
    client = {
        "other_teacher": lambda: client_of(make_teacher()),
        "non_member": lambda: client_of(UserFactory()),
        "anonymous": Client,
    }[who]()
    response = getattr(client, method)(path.format(pk=classroom.pk, member=member.pk), {"name": "x"})
    if who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 404
    assert Membership.objects.filter(user=member).exists()


def test_members_cannot_use_teacher_pages(classroom, member):
    client = client_of(member)
    assert client.get(f"/classes/{classroom.pk}/progress.csv").status_code == 403
    assert client.post(f"/classes/{classroom.pk}/code/").status_code == 403


def test_dashboard_shows_due_assignments(classroom, member):
    from classrooms import services
    from games.tests.factories import make_game

    services.create_assignment(
        classroom=classroom, game=make_game(single=1, title="Saving 101"), due_date=services.today()
    )
    page = client_of(member).get("/").content.decode()
    assert "Class assignments" in page and "Saving 101" in page
