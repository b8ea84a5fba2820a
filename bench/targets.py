"""What each bench target requests: shared by the load generator (bench_locust.py) and the warm-up
before the idle memory figure (run_bench.py)."""

API = "/api/v1"

# target: (method, path, credentials): "token" a learner's JWT, "session" their session cookie,
# "fresh" a learner who never played (one per request).
ROUTES = {
    "floor": ("GET", "/bench/floor/?bytes={floor_bytes}", None),
    "auth/login": ("POST", f"{API}/auth/login", None),
    "games/{id}/attempts (first pass)": ("POST", API + "/games/{quest}/attempts", "fresh"),
    "users/leaderboard all": ("GET", f"{API}/users/leaderboard?period=all", "token"),
    "users/leaderboard week": ("GET", f"{API}/users/leaderboard?period=week", "token"),
    "users/leaderboard around=me": ("GET", f"{API}/users/leaderboard?period=all&around=me", "token"),
    "games/quests/storyline": ("GET", f"{API}/games/quests/storyline", "token"),
    "games/": ("GET", f"{API}/games/", "token"),
    "achievements/": ("GET", f"{API}/achievements/", "token"),
    "videos/": ("GET", f"{API}/videos/", "token"),
    "users/me": ("GET", f"{API}/users/me", "token"),
    "quests/daily": ("GET", f"{API}/quests/daily", "token"),
    "/ (dashboard page)": ("GET", "/", "session"),
    "/leaderboard/ (page)": ("GET", "/leaderboard/", "session"),
}


def base_target(target: str) -> str:
    return target.removesuffix(" [redis down]")


def reads(names: list[str]) -> list[str]:
    """The GET targets among `names` (the soak's mix): no floor, no login, no first pass."""
    return [name for name in names if ROUTES[base_target(name)][0] == "GET" and base_target(name) != "floor"]
