"""Games own the content learners play (quests and mini-games) and how they played it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.categories import Category


class Game(models.Model):
    class Type(models.TextChoices):
        QUEST = "quest", _("Quest")
        MINIGAME = "minigame", _("Mini-game")

    class Scoring(models.TextChoices):
        SERVER = "server", _("Scored on the server")
        CLIENT = "client", _("Played in a client that reports the score")

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    icon = models.CharField(max_length=16, default="🎯", help_text=_("An emoji."))
    type = models.CharField(max_length=10, choices=Type.choices, default=Type.MINIGAME)
    category = models.CharField(max_length=20, choices=Category.choices)
    difficulty = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(3)])
    xp_reward = models.PositiveIntegerField(default=50)
    coin_reward = models.PositiveIntegerField(default=10)
    pass_score = models.PositiveSmallIntegerField(
        default=70, validators=[MaxValueValidator(100)], help_text=_("Percent needed to pass.")
    )
    scoring = models.CharField(max_length=10, choices=Scoring.choices, default=Scoring.SERVER)
    min_play_seconds = models.PositiveIntegerField(
        default=0, help_text=_("Client-scored games: a result sooner than this after start is refused.")
    )
    # New games start as drafts: publishing checks that learners can answer them (games.validation).
    is_published = models.BooleanField(
        default=False,
        help_text=_(
            "Learners see the game only once it is published, and it is published only when every "
            "question can be answered; until then it is saved as a draft."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Not fields: games.selectors.games_for attaches the learner's standing.
    mine: "UserGame | None"
    state: str  # completed | available | locked
    # Set by games.selectors.playable_game / questions_of: its questions, each with its choices.
    loaded_questions: list["Question"] | None = None

    class Meta:
        ordering = ["type", "title"]
        indexes = [models.Index(fields=["is_published", "type", "category"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(difficulty__gte=1, difficulty__lte=3), name="games_difficulty_1_3"
            ),
            models.CheckConstraint(condition=models.Q(pass_score__lte=100), name="games_pass_score_percent"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("game-play", args=[self.slug])

    def question_list(self) -> list["Question"]:
        """Its questions in order, each with its choices: as loaded (games.selectors), or prefetched."""
        return self.loaded_questions if self.loaded_questions is not None else list(self.questions.all())

    @property
    def is_quest(self) -> bool:
        return self.type == self.Type.QUEST


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("One correct choice")
        MULTIPLE = "multiple", _("Select all that apply")
        NUMBER = "number", _("A number")

    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    prompt = models.TextField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    explanation = models.TextField(blank=True, help_text=_("Shown after answering."))
    answer_value = models.FloatField(null=True, blank=True, help_text=_("Number questions: the answer."))
    tolerance = models.FloatField(default=0, validators=[MinValueValidator(0)])
    # Kept as learners answer (services.submit_attempt), for the editors' hardest questions:
    # counted once here, never recounted from every attempt per request.
    answered_count = models.PositiveIntegerField(default=0, editable=False)
    correct_count = models.PositiveIntegerField(default=0, editable=False)

    # Set by games.selectors when it reads a game's choices in one query for all its questions.
    loaded_choices: list["Choice"] | None = None

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.prompt[:60]

    def choice_list(self) -> list["Choice"]:
        """Its choices in order: as loaded with the game's (games.selectors), prefetched, or read now."""
        return self.loaded_choices if self.loaded_choices is not None else list(self.choices.all())


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=300)
    is_correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.text


class QuestStep(models.Model):
    """The storyline: quest n is locked until quest n−1 is completed."""

    game = models.OneToOneField(Game, on_delete=models.CASCADE, related_name="quest_step")
    position = models.PositiveIntegerField(unique=True)

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return f"{self.position}. {self.game}"

    def clean(self):
        if self.game_id and self.game.type != Game.Type.QUEST:
            raise ValidationError({"game": _("Only quests belong on the storyline.")})


class Attempt(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts")
    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="attempts")
    answers = models.JSONField(default=list, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(default=False)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["game", "finished_at"])]

    def __str__(self):
        return f"{self.user_id} {self.game_id} {self.score}"


class UserGame(models.Model):
    """A learner's standing in one game."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="games")
    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="players")
    completed_at = models.DateTimeField(null=True, blank=True)
    best_score = models.PositiveSmallIntegerField(default=0)
    attempts_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "game"], name="games_usergame_unique")]

    def __str__(self):
        return f"{self.user_id} {self.game_id}"
