import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import services as accounts
from accounts.models import User
from accounts.selectors import TEACHERS
from classrooms import services as classes
from classrooms.models import Classroom
from games import scoring, selectors
from games import services as games

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


class Command(BaseCommand):
    help = "Load the demo content and the `learner` and `editor` accounts (safe to run again)."

    def handle(self, *args, **options):
        for name in DEMO_FILES:
            path = CONTENT_DIR / name
            if path.exists():
                call_command("import_content", str(path), verbosity=options["verbosity"], stdout=self.stdout)
        with transaction.atomic():
            learner_password = self._account("learner", "learner@example.com", staff=False)
            editor_password = self._account("editor", "editor@example.com", staff=True)
            teacher_password = self._account("teacher", "teacher@example.com", staff=False)
        self._classmates()
        self._demo_class()
        self.stdout.write(self.style.SUCCESS("Demo ready. Sign in at http://127.0.0.1:8000/accounts/login/"))
        accounts_made = (("learner", learner_password), ("editor", editor_password), ("teacher", teacher_password))
        for username, password in accounts_made:
            self.stdout.write(f"  {username:<8} password: {password}")

    def _account(self, username: str, email: str, *, staff: bool) -> str:
        """Create or refresh a demo account; a fresh random password each run, so the printed one works."""
        user, _ = User.objects.get_or_create(
            username=username, defaults={"email": email, "display_name": username.title(), "is_staff": staff}
        )
        if staff:
            editors = Group.objects.filter(name="Editors").first()
            if editors:
                user.groups.add(editors)
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.save()
        return password

    def _classmates(self) -> None:
        """Learners who have played through the real services, so XP, ledger and boards agree."""
        for username, name, quests in CLASSMATES:
            user = User.objects.filter(username=username).first() or accounts.register_user(
                username=username, email=f"{username}@example.com", password=None, display_name=name
            )
            done = sum(step.state == selectors.COMPLETED for step in selectors.storyline_for(user=user))
            for _ in range(quests - done):
                step = selectors.next_quest(user=user)
                assert step is not None, "the demo storyline has fewer quests than CLASSMATES expects"
                game = selectors.playable_game(lookup={"pk": step.game.pk})
                answers = scoring.perfect_answers(list(game.questions.all()))
                games.submit_attempt(user=user, game=game, answers=answers)

    def _demo_class(self) -> None:
        """The teacher's class of the demo classmates, with a quest and a video assigned."""
        from datetime import timedelta

        from games.models import Game
        from videos.models import Video

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
