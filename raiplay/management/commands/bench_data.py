"""`manage.py bench_data --users N`: a realistic data set for `make bench`, bulk-loaded.

N learners (usernames `bench-0000000` …, one shared password, BENCH_PASSWORD) on the demo
content, with the spread a year of school use leaves: every fifth learner has a game history
(passed quests in storyline order, some mini-games, failed attempts before passing and now and
then a quest started but not passed yet: UserGame and Attempt rows), most have watched a video
or two (VideoView), about 0.6 likes per learner, and the achievements those stats reach. Every
XP and coin comes from a ledger entry keyed as the services key it, so `check_ledger` passes;
the stats are the receivers' counters for the same events. Derived state is left to the
project's own commands at the end: `recount_likes` (the videos' like counters) and
`rebuild_leaderboards`.

PostgreSQL loads with COPY (psycopg 3), a transaction per chunk of learners; other databases
with batched INSERTs. A second run with the same N finds the learners there and does nothing;
with another N (or after a broken run) it refuses: load into a fresh database instead.
"""

import json
import random
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils.functional import cached_property
from tqdm import tqdm

from accounts.models import ConsentStatus, User
from achievements.levels import level_for
from achievements.models import Achievement, LedgerEntry, UserAchievement, UserStat
from core import metrics
from games.models import Attempt, Game, QuestStep, UserGame
from videos.models import Video, VideoLike, VideoView

PREFIX = "bench-"
BENCH_PASSWORD = "bench-Pa55-phrase"  # every bench learner's; `make bench` signs in with it
CHUNK = 20_000
GAME_HISTORY_EVERY = 5  # learners 0, 5, 10, … have played games (a fifth of them)
LIKE_CHANCE = 0.05  # per learner and video: ~0.6 likes per learner with the 12 demo videos
DAYS = 120  # activity is spread over the last four months
CONTENT_DIR = Path(settings.BASE_DIR) / "content" / "demo"
CONTENT_FILES = ["games.json", "videos.json", "rewards.json"]
TIRANE = ZoneInfo("Europe/Tirane")  # every bench learner's time zone (the default)


def bench_username(n: int) -> str:
    return f"{PREFIX}{n:07d}"


def has_game_history(n: int) -> bool:
    """Learner n has played games; the others are fresh to them (`make bench` plays first passes with those)."""
    return n % GAME_HISTORY_EVERY == 0


class Table:
    """One model's rows as tuples of its concrete columns; what a row does not give takes the field's default."""

    def __init__(self, model: type[models.Model], given: Sequence[str]):
        self.model = model
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(given) - set(fields)
        assert not unknown, unknown
        rest = [f for name, f in fields.items() if name not in given and not (f.primary_key and f.auto_created)]
        self.fields = [fields[name] for name in given] + rest
        self.tail = tuple(f.get_default() for f in rest)
        missing = [f.attname for f, value in zip(rest, self.tail, strict=True) if value is None and not f.null]
        assert not missing, f"{model.__name__} needs values for {missing}"
        self.rows: list[tuple] = []

    def add(self, *values: Any) -> None:
        self.rows.append(values + self.tail)


class Loader:
    """Writes tables: COPY on PostgreSQL, batched INSERTs elsewhere."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def skip_foreign_key_triggers(self) -> None:
        """Within this transaction, when the role may (a superuser, as in CI): no per-row foreign-key check.

        The generator makes every row point at a learner of the same chunk or at content that
        exists, so the checks would only cost time (about a third of the load).
        """
        if not self.postgres or not self.superuser:
            return
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")

    @cached_property
    def superuser(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
        return bool(row and row[0])

    def write(self, table: Table) -> None:
        if not table.rows:
            return
        name = connection.ops.quote_name(str(table.model._meta.db_table))
        columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in table.fields)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                    for row in table.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(table.fields))
                insert = f"INSERT INTO {name} ({columns}) VALUES ({marks})"  # noqa: S608 — our own table and columns
                prepared = [
                    [f.get_db_prep_save(value, connection) for f, value in zip(table.fields, row, strict=True)]
                    for row in table.rows
                ]
                for start in range(0, len(prepared), 1000):
                    cursor.executemany(insert, prepared[start : start + 1000])
        table.rows.clear()


class Content:
    """The published content, read once: what a generated learner can have played, watched and earned."""

    def __init__(self):
        steps = QuestStep.objects.select_related("game").filter(game__is_published=True).order_by("position")
        self.quests = [step.game for step in steps]
        quest_ids = {game.pk for game in self.quests}
        self.minigames = list(
            Game.objects.filter(is_published=True, scoring=Game.Scoring.SERVER).exclude(pk__in=quest_ids).order_by("pk")
        )
        self.questions = {
            game.pk: [(q.pk, q.kind, [c.pk for c in q.choices.all() if c.is_correct], q.answer_value) for q in qs]
            for game in self.quests + self.minigames
            for qs in [game.questions.prefetch_related("choices")]
        }
        self.videos = list(Video.objects.filter(is_published=True).order_by("pk"))
        self.achievements = list(Achievement.objects.filter(is_active=True).order_by("position", "pk"))
        if not self.quests or not self.videos:
            raise CommandError("No published quests or videos: the demo content did not load.")


class Generator:
    """The rows of learners `start`…`stop`-1: deterministic, so every run makes the same data."""

    def __init__(self, content: Content, now: datetime, first_id: int, password: str):
        self.content = content
        self.now = now
        self.first_id = first_id
        self.password = password
        self.users = Table(
            User,
            [
                "id",
                "username",
                "email",
                "password",
                "display_name",
                "date_joined",
                "last_login",
                "birth_year",
                "language",
                "show_on_leaderboard",
                "consent_status",
                "consent_at",
                "xp",
                "coins",
                "level",
                "streak_count",
                "longest_streak",
                "last_active_date",
            ],
        )
        self.ledger = Table(
            LedgerEntry, ["user_id", "xp", "coins", "reason", "source_type", "source_id", "key", "created_at"]
        )
        self.user_games = Table(UserGame, ["user_id", "game_id", "completed_at", "best_score", "attempts_count"])
        self.attempts = Table(
            Attempt, ["user_id", "game_id", "answers", "score", "passed", "started_at", "finished_at"]
        )
        self.likes = Table(VideoLike, ["user_id", "video_id", "created_at"])
        self.views = Table(
            VideoView, ["user_id", "video_id", "position_seconds", "first_seen_at", "last_seen_at", "completed_at"]
        )
        self.stats = Table(UserStat, ["user_id", "metric", "value", "updated_at"])
        self.badges = Table(UserAchievement, ["user_id", "achievement_id", "earned_at"])
        self.tables = [
            self.users,
            self.ledger,
            self.user_games,
            self.attempts,
            self.likes,
            self.views,
            self.stats,
            self.badges,
        ]
        self.answers_json = {
            game_id: (
                json.dumps([_answer(q, right=True) for q in questions]),
                json.dumps([_answer(q, right=i % 2 == 0) for i, q in enumerate(questions)]),
            )
            for game_id, questions in content.questions.items()
        }

    def learners(self, start: int, stop: int) -> None:
        for n in range(start, stop):
            self.learner(n)

    def learner(self, n: int) -> None:
        rng = random.Random(n)  # noqa: S311 — made-up data, the same every run; nothing secret
        uid = self.first_id + n
        joined = self.now - timedelta(days=DAYS, seconds=rng.randrange(86400 * 30))
        xp = coins = 0
        stats: dict[str, int] = {}
        last = joined

        def moment() -> datetime:
            # Later activity is likelier: a fifth of it falls in the last week.
            days = DAYS * (rng.random() ** 2.5) if rng.random() > 0.2 else rng.random() * 6
            return max(joined + timedelta(minutes=5), self.now - timedelta(days=days, seconds=rng.randrange(3600)))

        def earn(reason: str, source: models.Model | None, key: str, gained_xp: int, gained_coins: int, at) -> None:
            nonlocal xp, coins, last
            label, source_id = (source._meta.label_lower, str(source.pk)) if source is not None else ("", "")
            self.ledger.add(uid, gained_xp, gained_coins, reason, label, source_id, key, at)
            xp += gained_xp
            coins += gained_coins
            stats[metrics.COINS_EARNED] = stats.get(metrics.COINS_EARNED, 0) + gained_coins
            last = max(last, at)

        def bump(metric: str, by: int = 1) -> None:
            stats[metric] = stats.get(metric, 0) + by

        if has_game_history(n):
            passed_quests = min(len(self.content.quests), 1 + int(rng.expovariate(1 / 2.2)))
            played = [(game, True) for game in self.content.quests[:passed_quests]]
            if passed_quests < len(self.content.quests) and rng.random() < 0.3:
                played.append((self.content.quests[passed_quests], False))  # tried the next one, not passed yet
            minis = rng.sample(self.content.minigames, k=min(len(self.content.minigames), int(rng.expovariate(1))))
            played += [(game, rng.random() < 0.85) for game in minis]
            at = moment() - timedelta(days=2)
            for game, passed in played:
                at = min(self.now, at + timedelta(minutes=rng.randrange(3, 600)))
                failures = int(rng.expovariate(1.5)) + (0 if passed else 1)
                right, half = self.answers_json[game.pk]
                for _ in range(failures):
                    self.attempts.add(uid, game.pk, half, 50, False, at - timedelta(minutes=4), at)
                    at += timedelta(minutes=5)
                best = 50 if not passed else rng.choice((80, 100, 100))
                if passed:
                    self.attempts.add(uid, game.pk, right, best, True, at - timedelta(minutes=4), at)
                    reason = "quest" if game.is_quest else "game"
                    earn(reason, game, f"{uid}:game:{game.pk}", game.xp_reward, game.coin_reward, at)
                    bump(metrics.GAMES_COMPLETED)
                    bump(metrics.category_metric(game.category))
                    if game.is_quest:
                        bump(metrics.QUESTS_COMPLETED)
                    stats[metrics.game_metric(game.slug)] = 1
                self.user_games.add(uid, game.pk, at if passed else None, best, failures + passed)
        watched = rng.sample(self.content.videos, k=min(len(self.content.videos), int(rng.expovariate(1 / 1.5))))
        for video in watched:
            at = moment()
            self.views.add(uid, video.pk, float(video.duration_seconds), at - timedelta(minutes=3), at, at)
            earn("video", video, f"{uid}:video:{video.pk}", video.xp_reward, 0, at)
            bump(metrics.VIDEOS_WATCHED)
        for video in self.content.videos:
            if rng.random() < LIKE_CHANCE:
                self.likes.add(uid, video.pk, moment())
        streak = longest = 0
        if xp:
            longest = 1 + int(rng.expovariate(1 / 3))
            streak = longest if (self.now - last) < timedelta(days=1) else 0
            stats[metrics.STREAK_DAYS] = longest
        # The achievements these stats reach (an award's own XP can reach another, as in the services).
        held: set[int] = set()
        progressed = True
        while progressed:
            progressed = False
            stats[metrics.XP_TOTAL] = xp
            stats[metrics.LEVEL] = level_for(xp)
            for achievement in self.content.achievements:
                if achievement.pk in held or stats.get(achievement.metric, 0) < achievement.threshold:
                    continue
                held.add(achievement.pk)
                progressed = True
                at = last + timedelta(seconds=1)
                self.badges.add(uid, achievement.pk, at)
                key = f"{uid}:achievement:{achievement.pk}"
                earn("achievement", achievement, key, achievement.xp_reward, achievement.coin_reward, at)
        if not xp:
            stats.clear()  # nothing happened: the receivers never wrote a stat
        for metric, value in stats.items():
            self.stats.add(uid, metric, value, last)
        age = rng.randrange(12, 18)
        minor = age < settings.DIGITAL_CONSENT_AGE
        self.users.add(
            uid,
            bench_username(n),
            f"{bench_username(n)}@bench.raiplay.test",
            self.password,
            f"Learner {n}",
            joined,
            last if xp else None,
            self.now.year - age,
            rng.choice(("sq", "sq", "sq", "en", "")),
            rng.random() > 0.05,
            ConsentStatus.GRANTED if minor else ConsentStatus.NOT_NEEDED,
            joined + timedelta(hours=3) if minor else None,
            xp,
            coins,
            level_for(xp),
            streak,
            longest,
            last.astimezone(TIRANE).date() if xp else None,  # the learner's local day,
        )


def _answer(question: tuple, *, right: bool) -> dict:
    pk, kind, correct, value = question
    if kind == "number":
        return {"question": pk, "value": value if right else (value or 0) + 1000}
    return {"question": pk, "choices": correct if right else []}


class Command(BaseCommand):
    help = "Load N benchmark learners with a realistic history (COPY on PostgreSQL), then rebuild the leaderboards."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=1_000_000, help="how many learners (default 1,000,000)")
        parser.add_argument("--chunk", type=int, default=CHUNK, help="learners per transaction")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, users: int, chunk: int, no_progress: bool, **options):
        if users < 1:
            raise CommandError("--users must be at least 1.")
        present = User.objects.filter(username__startswith=PREFIX).count()
        if present:
            last = User.objects.filter(username=bench_username(users - 1)).exists()
            if present == users and last:
                self.stdout.write(f"{users:,} bench learners are already loaded: nothing to do.")
                return
            raise CommandError(
                f"This database already holds {present:,} bench learners, not the {users:,} asked for "
                "(another size, or a run that broke off). Load into a fresh database: bench_data never loads twice."
            )
        started = time.monotonic()
        for name in CONTENT_FILES:
            call_command("import_content", str(CONTENT_DIR / name), verbosity=0)
        content = Content()
        now = datetime.now(UTC).replace(microsecond=0)
        first_id = (User.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1
        generator = Generator(content, now, first_id, make_password(BENCH_PASSWORD))
        loader = Loader()
        counts = {table.model.__name__: 0 for table in generator.tables}
        with tqdm(total=users, unit="learner", unit_scale=True, disable=no_progress, desc="bench_data") as bar:
            for start in range(0, users, chunk):
                stop = min(users, start + chunk)
                generator.learners(start, stop)
                with transaction.atomic():
                    loader.skip_foreign_key_triggers()
                    for table in generator.tables:  # users first: every other row points at one
                        counts[table.model.__name__] += len(table.rows)
                        loader.write(table)
                bar.update(stop - start)
        self._after_load(loader)
        call_command("recount_likes", stdout=self.stdout)  # COPY bypassed the like services' counters
        call_command("rebuild_leaderboards", stdout=self.stdout)
        summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Loaded in {time.monotonic() - started:.0f} s: {summary}."))
        self.stdout.write(f"Every bench learner's password: {BENCH_PASSWORD}")

    def _after_load(self, loader: Loader) -> None:
        with connection.cursor() as cursor:
            if loader.postgres:
                # Explicit ids went past the identity sequence: move it on, then fresh statistics for the planner.
                table = User._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM {table}))",  # noqa: S608
                    [table],
                )
                cursor.execute("ANALYZE")
