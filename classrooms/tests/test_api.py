"""The classes API over real HTTP (DRF's APIClient): contract shapes, refusals, limits."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from achievements.services import grant
from classrooms import services
from classrooms.models import Assignment, Membership
from conftest import client_for
from games import scoring
from games import services as games
from games.tests.factories import make_game, questions_of
from videos.tests.factories import VideoFactory

from .factories import ClassroomFactory, MembershipFactory, make_teacher

pytestmark = pytest.mark.django_db


def test_users_me_says_who_teaches(teacher, learner):
    assert client_for(teacher).get("/api/v1/users/me").json()["is_teacher"] is True
    assert client_for(learner).get("/api/v1/users/me").json()["is_teacher"] is False


def test_teacher_creates_lists_renames_and_archives(teacher):
    api = client_for(teacher)
    created = api.post("/api/v1/classes/", {"name": "9C"})
    assert created.status_code == 201
    body = created.json()
    assert set(body) == {"id", "name", "join_code"} and len(body["join_code"]) == 8
    listed = api.get("/api/v1/classes/").json()
    assert listed == [
        {
            "id": body["id"],
            "name": "9C",
            "teacher": {"display_name": teacher.display_name},
            "members_count": 0,
            "join_code": body["join_code"],
            "archived": False,
        }
    ]
    patched = api.patch(f"/api/v1/classes/{body['id']}", {"name": "9D", "archived": True})
    assert patched.status_code == 200
    assert (patched.json()["name"], patched.json()["archived"], patched.json()["members"]) == ("9D", True, [])
    code = api.post(f"/api/v1/classes/{body['id']}/code").json()["join_code"]
    assert code != body["join_code"]


def test_a_learner_cannot_create_a_class(auth_api):
    response = auth_api.post("/api/v1/classes/", {"name": "Mine"})
    assert response.status_code == 403 and "detail" in response.json()


def test_join_twice_is_one_membership_and_the_list_hides_the_code(classroom, auth_api, learner):
    first = auth_api.post("/api/v1/classes/join", {"code": classroom.join_code})
    again = auth_api.post("/api/v1/classes/join", {"code": classroom.join_code.lower()})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == {"id": classroom.pk, "name": "8A"}
    assert Membership.objects.filter(user=learner).count() == 1
    (row,) = auth_api.get("/api/v1/classes/").json()
    assert "join_code" not in row and row["members_count"] == 1


def test_bad_codes(classroom, auth_api, teacher):
    assert auth_api.post("/api/v1/classes/join", {"code": "ZZZZZZZZ"}).status_code == 404
    own = client_for(teacher).post("/api/v1/classes/join", {"code": classroom.join_code})
    assert own.status_code == 400 and "detail" in own.json()
    services.update_classroom(classroom=classroom, archived=True)
    assert auth_api.post("/api/v1/classes/join", {"code": classroom.join_code}).status_code == 404


def test_ten_wrong_codes_an_hour_then_429(classroom, auth_api):
    for _ in range(10):
        assert auth_api.post("/api/v1/classes/join", {"code": "WRONG234"}).status_code == 404
    limited = auth_api.post("/api/v1/classes/join", {"code": classroom.join_code})
    assert limited.status_code == 429 and "detail" in limited.json()
    # Another learner has their own counter.
    other = client_for(UserFactory())
    assert other.post("/api/v1/classes/join", {"code": classroom.join_code}).status_code == 201


def test_leave(classroom, member):
    api = client_for(member)
    assert api.post(f"/api/v1/classes/{classroom.pk}/leave").status_code == 204
    assert api.post(f"/api/v1/classes/{classroom.pk}/leave").status_code == 404


def test_assignments_for_teacher_and_learner(classroom, teacher, member):
    game = make_game(single=1)
    video = VideoFactory()
    due = (services.today() + timedelta(days=2)).isoformat()
    api = client_for(teacher)
    made = api.post(f"/api/v1/classes/{classroom.pk}/assignments", {"game": game.pk, "due_date": due})
    assert made.status_code == 201
    assert made.json() == {
        "id": made.json()["id"],
        "kind": "game",
        "game": {"id": game.pk, "slug": game.slug, "title": game.title},
        "video": None,
        "due_date": due,
        "done_count": 0,
        "members_count": 1,
    }
    assert (
        api.post(f"/api/v1/classes/{classroom.pk}/assignments", {"video": video.pk, "due_date": due}).status_code == 201
    )
    games.submit_attempt(user=member, game=game, answers=scoring.perfect_answers(questions_of(game)))
    rows = client_for(member).get(f"/api/v1/classes/{classroom.pk}/assignments").json()
    assert [(r["kind"], r["done"], r["state"]) for r in rows] == [("game", True, "done"), ("video", False, "due")]
    assert "done_count" not in rows[0]
    assert api.get(f"/api/v1/classes/{classroom.pk}/assignments").json()[0]["done_count"] == 1
    gone = api.delete(f"/api/v1/classes/{classroom.pk}/assignments/{rows[1]['id']}")
    assert gone.status_code == 204 and Assignment.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"due_date": "2000-01-01"},  # past (and no content)
        {"game": "GAME", "due_date": "YESTERDAY"},
        {"game": "GAME", "video": "VIDEO", "due_date": "TODAY"},
        {"game": "HIDDEN", "due_date": "TODAY"},
        {"game": "GAME", "due_date": "YESTERDAY"},
        {"game": 999999, "due_date": "TODAY"},
    ],
)
def test_bad_assignments_are_400(classroom, teacher, body):
    game, hidden, video = make_game(single=1), make_game(single=1, is_published=False), VideoFactory()
    today = services.today()
    names = {
        "GAME": game.pk,
        "HIDDEN": hidden.pk,
        "VIDEO": video.pk,
        "TODAY": today.isoformat(),
        "YESTERDAY": (today - timedelta(days=1)).isoformat(),
    }
    data = {k: names.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    response = client_for(teacher).post(f"/api/v1/classes/{classroom.pk}/assignments", data)
    assert response.status_code == 400
    assert response.json()


def test_progress_json_and_csv(classroom, teacher, member):
    game = make_game(single=1)
    Assignment.objects.create(classroom=classroom, game=game, due_date=services.today())
    games.submit_attempt(user=member, game=game, answers=scoring.perfect_answers(questions_of(game)))
    api = client_for(teacher)
    body = api.get(f"/api/v1/classes/{classroom.pk}/progress").json()
    (row,) = body["members"]
    assert set(row) == {
        "id",
        "username",
        "display_name",
        "level",
        "xp",
        "week_xp",
        "last_active_date",
        "assignments_done",
    }
    assert row["assignments_done"] == 1
    assert body["assignments"][0]["done_count"] == 1 and body["assignments"][0]["average_best_score"] == 100.0
    assert body["hardest_questions"] == []
    csv = api.get(f"/api/v1/classes/{classroom.pk}/progress?format=csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0] == "username,display_name,level,xp,week_xp,last_active_date,assignments_done"
    assert lines[1].startswith("member,Mira,")
    assert "@" not in csv.content.decode()  # no email
    refused = client_for(member).get(f"/api/v1/classes/{classroom.pk}/progress?format=csv")
    assert refused.status_code == 403 and refused["Content-Type"] == "application/json"


def test_class_board(classroom, member, teacher):
    grant(user=member, key="t", reason="adjustment", xp=25)
    for api in (client_for(member), client_for(teacher)):
        body = api.get(f"/api/v1/classes/{classroom.pk}/leaderboard?period=all").json()
        assert body["period"] == "all"
        assert [(r["rank"], r["username"], r["xp"]) for r in body["results"]] == [(1, "member", 25)]
        assert "email" not in body["results"][0]
    assert client_for(member).get(f"/api/v1/classes/{classroom.pk}/leaderboard").json()["me"] == {"rank": 1, "xp": 25}


def test_nothing_private_reaches_the_teacher(classroom, teacher, member):
    member.guardian_email = "parent@example.com"
    member.save()
    api = client_for(teacher)
    for path in ("", "/members", "/progress", "/leaderboard", "/assignments"):
        text = api.get(f"/api/v1/classes/{classroom.pk}{path}").content.decode()
        assert "@example.com" not in text


# ---- every route refuses others: another teacher, a non-member, anonymous ----------------

ROUTES = [
    ("get", "/api/v1/classes/{pk}", None),
    ("patch", "/api/v1/classes/{pk}", {"name": "x"}),
    ("post", "/api/v1/classes/{pk}/code", None),
    ("post", "/api/v1/classes/{pk}/leave", None),
    ("get", "/api/v1/classes/{pk}/members", None),
    ("delete", "/api/v1/classes/{pk}/members/{member}", None),
    ("get", "/api/v1/classes/{pk}/assignments", None),
    ("post", "/api/v1/classes/{pk}/assignments", {"game": "{game}", "due_date": "2999-01-01"}),
    ("delete", "/api/v1/classes/{pk}/assignments/{assignment}", None),
    ("get", "/api/v1/classes/{pk}/progress", None),
    ("get", "/api/v1/classes/{pk}/progress?format=csv", None),
    ("get", "/api/v1/classes/{pk}/leaderboard", None),
]
TEACHER_ONLY = {"patch", "code", "members", "progress", "delete", "post-assignments"}


def _call(api, method, path, body, ids):
    url = path.format(**ids)
    data = {
        k: (int(v.format(**ids)) if isinstance(v, str) and v.startswith("{") else v) for k, v in (body or {}).items()
    }
    return getattr(api, method)(url, data or None)


@pytest.fixture
def ids(classroom, member):
    game = make_game(single=1)
    assignment = Assignment.objects.create(classroom=classroom, game=game, due_date=services.today())
    return {"pk": classroom.pk, "member": member.pk, "game": game.pk, "assignment": assignment.pk}


@pytest.mark.parametrize("method,path,body", ROUTES)
@pytest.mark.parametrize("who", ["other_teacher", "non_member", "anonymous"])
def test_every_route_refuses_others(api, ids, member, method, path, body, who):
    caller = {
        "other_teacher": lambda: client_for(make_teacher()),
        "non_member": lambda: client_for(UserFactory()),
        "anonymous": lambda: api,
    }[who]()
    response = _call(caller, method, path, body, ids)
    assert response.status_code == (401 if who == "anonymous" else 404), response.content
    assert response["Content-Type"] == "application/json" and "detail" in response.json()
    assert Membership.objects.filter(user=member).exists() and Assignment.objects.filter(pk=ids["assignment"]).exists()


@pytest.mark.parametrize(
    "method,path,body",
    [
        r
        for r in ROUTES
        if "leave" not in r[1] and "leaderboard" not in r[1] and not (r[0] == "get" and r[1].endswith("assignments"))
    ],
)
def test_members_are_refused_the_teachers_routes(ids, member, method, path, body):
    response = _call(client_for(member), method, path, body, ids)
    assert response.status_code == 403 and "detail" in response.json()


# ---- a constant number of queries, whatever the class size ---------------------------------


def _class_of(size: int):
    classroom = ClassroomFactory()
    game = make_game(single=2)
    Assignment.objects.create(classroom=classroom, game=game, due_date=services.today())
    Assignment.objects.create(classroom=classroom, video=VideoFactory(), due_date=services.today())
    answers = scoring.perfect_answers(questions_of(game))
    for index in range(size):
        user = UserFactory()
        MembershipFactory(classroom=classroom, user=user)
        if index % 2 == 0:
            games.submit_attempt(user=user, game=game, answers=answers)
    return classroom


@pytest.mark.parametrize(
    "path",
    [
        "/progress",
        "/progress?format=csv",
        "/members",
        "",
        "/assignments",
        "/leaderboard?period=week",
        "/leaderboard?period=all",
    ],
)
def test_query_count_is_flat(path):
    counts = []
    for size in (5, 60):
        classroom = _class_of(size)
        api = client_for(classroom.teacher)
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"/api/v1/classes/{classroom.pk}{path}")
        assert response.status_code == 200
        counts.append(len(queries))
    print(path, counts)
    assert counts[0] == counts[1]
