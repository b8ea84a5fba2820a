"""Performance benchmarks for the hot paths (`make bench`; in `make test` they run once, untimed)."""

import pytest

from accounts.models import User
from accounts.tests.factories import UserFactory
from achievements import leaderboards
from achievements.models import LedgerEntry, UserStat
from core.content import import_content
from games import selectors as game_selectors
from games import services as game_services
from games.models import Game
from games.scoring import Answer

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]


def _game(slug: str, position: int | None = None) -> dict:
    return {
        "slug": slug,
        "title": slug,
        "type": "quest" if position else "minigame",
        "quest_position": position,
        "category": "saving",
        "questions": [
            {
                "prompt": f"{slug} {n}",
                "kind": "single",
                "choices": [{"text": "yes", "correct": True}, {"text": "no", "correct": False}],
            }
            for n in range(8)
        ],
    }


def _right_answers(game: Game) -> list[Answer]:
    return [
        Answer(question=q.pk, choices=tuple(c.pk for c in q.choices.all() if c.is_correct))
        for q in game.questions.prefetch_related("choices")
    ]


def test_bench_submit_attempt_first_pass(benchmark):
    """Scoring, the attempt row, the ledger, stats, daily quests and the achievement check."""
    import_content({"games": [_game(f"g{n}") for n in range(60)]})
    games = iter(Game.objects.order_by("pk"))
    user = UserFactory()
    played = []

    def setup():
        game = next(games)
        played.append(game)
        return (), {"user": user, "game": game, "answers": _right_answers(game)}

    benchmark.pedantic(game_services.submit_attempt, setup=setup, rounds=50, iterations=1)
    # Every round was a first pass that granted its reward (untimed runs do one round).
    assert LedgerEntry.objects.filter(user=user, reason="game").count() == len(played) >= 1


def test_bench_games_list_for_a_learner(benchmark):
    import_content({"games": [_game(f"q{n}", n) for n in range(1, 41)] + [_game(f"m{n}") for n in range(60)]})
    user = UserFactory()
    result = benchmark(game_selectors.games_for, user=user)
    assert len(result) == 100


def test_bench_leaderboard_from_the_database(benchmark):
    users = User.objects.bulk_create(
        User(username=f"bench{n}", email=f"bench{n}@example.com", xp=n * 7 % 5000) for n in range(2000)
    )
    UserStat.objects.bulk_create(UserStat(user=u, metric="xp_total", value=u.xp) for u in users if u.xp)
    me = users[1234]
    board = benchmark(leaderboards.board, period="all", limit=50, user=me)
    assert len(board.results) == 50
    assert board.me is not None
