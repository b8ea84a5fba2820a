import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import services as accounts
from accounts.models import User
from accounts.selectors import TEACHERS
from achievements import selectors as review_selectors
from achievements import services as rewards
from achievements.models import ReviewItem
from classrooms import services as classes
from classrooms.models import Classroom
from games import scoring, selectors
from games import services as games
from games.models import QuestStep
from videos import services as videos
from videos.models import Video

CONTENT_DIR = Path(settings.BASE_DIR) / "content" / "demo"
DEMO_FILES = ["games.json", "videos.json", "rewards.json", "knowledge.json"]
# Classmates so the leaderboard has a race to join: (username, display name, quests passed).
CLASSMATES = [
    ("arta", "Arta", 6),
    ("bledi", "Bledi", 5),
    ("dea", "Dea", 4),
    ("eri", "Eri", 3),
    ("klea", "Klea", 2),
    ("noel", "Noel", 2),
    ("sara", "Sara", 1),
]
# The demo `learner` has started: the first quests passed, a streak of a few days, a saved video.
LEARNER_QUESTS = 2
LEARNER_STREAK_DAYS = 4


@dataclass(frozen=True)
class DemoPassword:
    username: str
    password: str | None  # None: the account existed and keeps the password it had

    def line(self) -> str:
        return f"  {self.username:<8} password: {self.password or 'unchanged (the one printed when it was made)'}"


class Command(BaseCommand):
    help = "Load the demo content and the `learner` and `editor` accounts (safe to run again)."

    def handle(self, *args, **options):
        for name in DEMO_FILES:
            path = CONTENT_DIR / name
            if path.exists():
                call_command("import_content", str(path), verbosity=options["verbosity"], stdout=self.stdout)
        with transaction.atomic():
            passwords = [
                self._account("learner", "learner@example.com", staff=False),
                self._account("editor", "editor@example.com", staff=True),
                self._account("teacher", "teacher@example.com", staff=False),
            ]
        self._classmates()
        self._learner_progress(User.objects.get(username="learner"))
        self._demo_class()
        self.stdout.write(self.style.SUCCESS("Demo ready. Sign in at http://127.0.0.1:8000/accounts/login/"))
        for password in passwords:
            self.stdout.write(password.line())

    def _account(self, username: str, email: str, *, staff: bool) -> DemoPassword:
        """Create a demo account, or keep an existing one's password so yesterday's still works.

        DEMO_PASSWORD, when set, is every demo account's password (set if it differs);
        otherwise a new account gets a random one, printed once, and an existing one is left alone.
        """
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": email, "display_name": username.title(), "is_staff": staff}
        )
        if staff:
            editors = Group.objects.filter(name="Editors").first()
            if editors:
                user.groups.add(editors)
        wanted = settings.DEMO_PASSWORD
        if wanted:
            if created or not user.check_password(wanted):
                user.set_password(wanted)
                user.save(update_fields=["password"])
            return DemoPassword(username, wanted)
        if created or not user.has_usable_password():
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.save(update_fields=["password"])
            return DemoPassword(username, password)
        return DemoPassword(username, None)

    def _classmates(self) -> None:
        """Learners who have played through the real services, so XP, ledger and boards agree."""
        for username, name, quests in CLASSMATES:
            user = User.objects.filter(username=username).first() or accounts.register_user(
                username=username, email=f"{username}@example.com", password=None, display_name=name
            )
            self._pass_quests(user, quests)

    def _learner_progress(self, learner: User) -> None:
        """The demo learner's start, step by step, each through the service that owns it.

        Every step is idempotent (a second run earns nothing), and one more is one more line here.
        """
        steps = (self._learner_quests, self._learner_streak, self._save_a_video, self._seed_review)
        for step in steps:
            step(learner)

    def _learner_quests(self, learner: User) -> None:
        self._pass_quests(learner, LEARNER_QUESTS)

    def _learner_streak(self, learner: User) -> None:
        rewards.backfill_streak(user=learner, days=LEARNER_STREAK_DAYS)

    def _pass_quests(self, user: User, quests: int) -> None:
        """Pass the storyline's first `quests` quests with perfect answers; ones passed already are skipped."""
        done = sum(step.state == selectors.COMPLETED for step in selectors.storyline_for(user=user))
        for _ in range(quests - done):
            step = selectors.next_quest(user=user)
            assert step is not None, "the demo storyline is shorter than the demo needs"
            game = selectors.playable_game(lookup={"pk": step.game.pk})
            games.submit_attempt(user=user, game=game, answers=scoring.perfect_answers(game.question_list()))

    def _seed_review(self, learner: User) -> None:
        """A question of the second quest missed yesterday, so one review is due today."""
        if ReviewItem.objects.filter(user=learner).exists():
            return
        step = QuestStep.objects.filter(position=LEARNER_QUESTS).select_related("game").first()
        question = step.game.questions.first() if step else None
        if question is not None:
            yesterday = review_selectors.today_for(learner) - timedelta(days=1)
            rewards.schedule_misses(user=learner, questions=[question.pk], missed_on=yesterday)

    def _save_a_video(self, learner: User) -> None:
        video = Video.objects.filter(is_published=True).order_by("title").first()
        if video is not None:
            videos.save_video(user=learner, video=video)

    def _demo_class(self) -> None:
        """The teacher's class of the demo classmates, with a quest and a video assigned."""
        from games.models import Game

        teacher = User.objects.get(username="teacher")
        teacher.groups.add(Group.objects.get_or_create(name=TEACHERS)[0])
        classroom = Classroom.objects.filter(teacher=teacher, name="8A").first()
        if classroom is None:
            classroom = classes.create_classroom(teacher=teacher, name="8A")
        for username, *_ in [*CLASSMATES, ("learner",)]:
            learner = User.objects.get(username=username)
            classes.join_classroom(user=learner, code=classroom.join_code)
        if classroom.assignments.exists():
            return
        step = selectors.storyline_for(user=teacher)
        first_quest = Game.objects.filter(pk=step[0].game.pk).first() if step else None
        video = Video.objects.filter(is_published=True).order_by("title").first()
        due = classes.today() + timedelta(days=3)
        if first_quest is not None:
            classes.create_assignment(classroom=classroom, game=first_quest, due_date=due)
        if video is not None:
            classes.create_assignment(classroom=classroom, video=video, due_date=due + timedelta(days=4))
