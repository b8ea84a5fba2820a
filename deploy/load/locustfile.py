"""`make load`: simulated learners against `make stack` (nginx, two app servers).

Each learner signs up (an adult, so FinBot is open), then plays quests, watches videos,
asks FinBot, looks at the board and tries the shop, as the mobile app does. Every write that
moves XP, coins or stock carries an Idempotency-Key. The run fails (exit 1) when more than
0.1% of requests fail: a 5xx, a timeout, or a status the API does not promise.
"""

import itertools
import random
import uuid

from locust import HttpUser, between, events, task

MAX_FAIL_RATIO = 0.001
_ids = itertools.count(1)
RUN = uuid.uuid4().hex[:6]


class Learner(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        n = next(_ids)
        # Each simulated phone has its own address (the stack trusts loopback's X-Forwarded-For),
        # so the per-address sign-up limit applies per learner, as it would in a school.
        self.client.headers["X-Forwarded-For"] = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        body = {
            "username": f"load{RUN}{n}",
            "email": f"load{RUN}{n}@example.com",
            "password": uuid.uuid4().hex + "-Aa1!",
            "birth_year": 2000,
        }
        with self.client.post("/api/v1/auth/signup", json=body, catch_response=True, name="auth/signup") as r:
            if r.status_code != 201:
                r.failure(f"signup {r.status_code}")
                self.stop()
                return
            self.client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        self.games = [
            g["id"] for g in self.client.get("/api/v1/games/quests/storyline", name="storyline").json()["results"]
        ]
        self.videos = [v["id"] for v in self.client.get("/api/v1/videos/", name="videos").json()["results"]]

    def expect(self, method, url, *, ok, name, **kwargs):
        with self.client.request(method, url, catch_response=True, name=name, **kwargs) as response:
            if response.status_code in ok:
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:120]}")
            return response

    @task(4)
    def play_a_quest(self):
        if not self.games:
            return
        game = random.choice(self.games[:3])
        detail = self.expect("GET", f"/api/v1/games/{game}/", ok={200}, name="games/{id}")
        if detail.status_code != 200:
            return
        answers = [
            {"question": q["id"], "choices": [random.choice(q["choices"])["id"]]}
            if q["kind"] != "number"
            else {"question": q["id"], "value": 10}
            for q in detail.json()["questions"]
        ]
        key = {"Idempotency-Key": uuid.uuid4().hex}
        self.expect(  # 403: a quest still locked for this learner
            "POST",
            f"/api/v1/games/{game}/attempts",
            ok={201, 403},
            name="games/{id}/attempts",
            json={"answers": answers},
            headers=key,
        )

    @task(3)
    def watch(self):
        if not self.videos:
            return
        video = random.choice(self.videos)
        self.expect(
            "POST",
            f"/api/v1/videos/{video}/progress",
            ok={200},
            name="videos/{id}/progress",
            json={"position_seconds": random.randint(1, 5)},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )

    @task(2)
    def ask_finbot(self):
        question = random.choice(["What is a budget?", "how do i save for a bike", "is crypto safe?"])
        self.expect("POST", "/api/v1/chat/", ok={200, 429}, name="chat", json={"message": question})

    @task(2)
    def leaderboard(self):
        self.expect("GET", "/api/v1/users/leaderboard?period=week", ok={200}, name="users/leaderboard")
        self.expect("GET", "/api/v1/quests/daily", ok={200}, name="quests/daily")

    @task(1)
    def shop(self):
        items = self.expect("GET", "/api/v1/shop/items", ok={200}, name="shop/items")
        if items.status_code != 200 or not items.json()["results"]:
            return
        item = random.choice(items.json()["results"])["id"]
        self.expect(  # 409: not enough coins or sold out, the normal answer for a new learner
            "POST",
            f"/api/v1/shop/items/{item}/redeem",
            ok={201, 409},
            name="shop/items/{id}/redeem",
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )


@events.quitting.add_listener
def _judge(environment, **kwargs):
    stats = environment.stats.total
    ratio = stats.fail_ratio
    print(
        f"load: {stats.num_requests} requests, {stats.num_failures} failed ({ratio:.3%}), "
        f"median {stats.median_response_time} ms, p99 {stats.get_response_time_percentile(0.99)} ms, "
        f"{stats.total_rps:.1f} req/s"
    )
    if ratio > MAX_FAIL_RATIO:
        environment.process_exit_code = 1
