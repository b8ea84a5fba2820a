"""Achievements own the game layer: the reward ledger, stats, achievements, daily quests, shop, review."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Reason(models.TextChoices):
    GAME = "game", _("Game")
    QUEST = "quest", _("Quest")
    VIDEO = "video", _("Video")
    ACHIEVEMENT = "achievement", _("Achievement")
    DAILY_QUEST = "daily_quest", _("Daily quest")
    STREAK = "streak", _("Streak")
    SHOP = "shop", _("Shop")
    ADJUSTMENT = "adjustment", _("Adjustment")
    REVIEW = "review", _("Review")


# Reasons whose XP makes a day a learning day (rewards for rewards do not).
ACTIVITY_REASONS = {Reason.GAME, Reason.QUEST, Reason.VIDEO, Reason.DAILY_QUEST, Reason.REVIEW}


class LedgerEntry(models.Model):
    """One movement of XP and/or coins. Append-only: a correction is a new entry."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ledger")
    xp = models.IntegerField(default=0)
    coins = models.IntegerField(default=0)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    key = models.CharField(max_length=200, unique=True, help_text=_("Idempotency key: the same key grants once."))
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "ledger entries"
        indexes = [models.Index(fields=["user", "-created_at"]), models.Index(fields=["created_at", "user"])]

    def __str__(self):
        return f"{self.user_id} {self.xp:+} XP {self.coins:+} coins ({self.reason})"


class UserStat(models.Model):
    """A counter per learner and metric (`games_completed`, `games_completed:budgeting`, `game:<slug>`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stats")
    metric = models.CharField(max_length=100)
    value = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "metric"], name="achievements_userstat_unique")]
        indexes = [models.Index(fields=["metric", "-value", "updated_at"], name="achievements_stat_board")]

    def __str__(self):
        return f"{self.user_id} {self.metric}={self.value}"


class Achievement(models.Model):
    """A rule editors write: reach `threshold` on `metric` and the badge (and its rewards) is yours."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    icon = models.CharField(max_length=16, default="🏅", help_text=_("An emoji."))
    metric = models.CharField(
        max_length=100,
        help_text=_(
            "games_completed, quests_completed, videos_watched, chat_questions, xp_total, level, streak_days, "
            "coins_earned, games_completed:<category>, game:<slug>"
        ),
    )
    threshold = models.PositiveIntegerField(default=1)
    xp_reward = models.PositiveIntegerField(default=0)
    coin_reward = models.PositiveIntegerField(default=0)
    is_secret = models.BooleanField(default=False, help_text=_("Hidden until earned."))
    is_active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "threshold", "title"]

    def __str__(self):
        return self.title

    def clean(self):
        from .metrics import validate_metric

        validate_metric(self.metric)


class UserAchievement(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="achievements")
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="holders")
    earned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-earned_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "achievement"], name="achievements_userachievement_unique")
        ]

    def __str__(self):
        return f"{self.user_id} {self.achievement_id}"


class DailyQuestTemplate(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=100)
    metric = models.CharField(max_length=100)
    target = models.PositiveIntegerField(default=1)
    xp_reward = models.PositiveIntegerField(default=10)
    coin_reward = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.title

    def clean(self):
        from .metrics import validate_metric

        validate_metric(self.metric)


class DailyQuest(models.Model):
    """One of a learner's three quests for one local day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_quests")
    date = models.DateField()
    template = models.ForeignKey(DailyQuestTemplate, on_delete=models.CASCADE, related_name="+")
    progress = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "date", "template"], name="achievements_dailyquest_unique")
        ]

    def __str__(self):
        return f"{self.user_id} {self.date} {self.template_id}"


class ShopItem(models.Model):
    class Kind(models.TextChoices):
        VOUCHER = "voucher", _("Voucher")
        STREAK_FREEZE = "streak_freeze", _("Streak freeze")

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    image = models.CharField(max_length=300, blank=True, help_text=_("Image URL or static path."))
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.VOUCHER)
    cost_coins = models.PositiveIntegerField()
    stock = models.PositiveIntegerField(null=True, blank=True, help_text=_("Empty for unlimited."))
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["cost_coins", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.cost_coins == 0:
            raise ValidationError({"cost_coins": _("An item must cost at least one coin.")})


def new_redemption_code() -> str:
    return "RP-" + secrets.token_hex(5).upper()


class Redemption(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="redemptions")
    item = models.ForeignKey(ShopItem, on_delete=models.PROTECT, related_name="redemptions")
    code = models.CharField(max_length=20, unique=True, default=new_redemption_code)
    coins = models.PositiveIntegerField(help_text=_("What it cost at the time."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.code


class ReviewItem(models.Model):
    """A question the learner missed, coming back on a spaced schedule (see `achievements.spacing`).

    `step` indexes `spacing.INTERVALS`: the interval that led to `due_on`. Dates are the
    learner's local dates. A retired item (right at the last step) stays, for the export and
    so that missing the question again starts it over.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_items")
    question = models.ForeignKey("games.Question", on_delete=models.CASCADE, related_name="+")
    step = models.PositiveSmallIntegerField(default=0)
    due_on = models.DateField()
    missed_on = models.DateField(help_text=_("When the learner last got it wrong (a play or a review)."))
    reviewed_on = models.DateField(null=True, blank=True)
    reviews = models.PositiveIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="achievements_reviewitem_unique"),
            models.CheckConstraint(condition=models.Q(step__lte=4), name="achievements_reviewitem_step"),
        ]
        indexes = [models.Index(fields=["user", "due_on"], name="achievements_review_due")]

    def __str__(self):
        return f"{self.user_id} q{self.question_id} step {self.step} due {self.due_on}"


class BoardEntry(models.Model):
    """A learner's total on one board: all time (`board="all"`) or one week (its Monday, `"2025-05-12"`).

    Kept by `grant` in the XP's own transaction, so the database fallback reads an index
    instead of summing the ledger. Only learners who may stand on the boards have rows;
    a total at or below zero stays (the week's sum is exact) but ranks nowhere.
    """

    board = models.CharField(max_length=10)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    xp = models.IntegerField(default=0)
    reached_at = models.DateTimeField()  # when this total was reached, to the second: ties go to the earlier

    class Meta:
        constraints = [models.UniqueConstraint(fields=["board", "user"], name="achievements_boardentry_unique")]
        indexes = [models.Index(fields=["board", "-xp", "reached_at", "-user"], name="achievements_board_order")]
        verbose_name_plural = "board entries"

    def __str__(self):
        return f"{self.board} {self.user_id}={self.xp}"


class BoardScore(models.Model):
    """How many learners on a board hold exactly `xp` (> 0): a rank is a sum over the scores above.

    Folded from `BoardScoreChange` by the scheduler: grants only append changes, so no two
    grants ever wait on one counter row.
    """

    board = models.CharField(max_length=10)
    xp = models.IntegerField()
    learners = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["board", "xp"], name="achievements_boardscore_unique")]

    def __str__(self):
        return f"{self.board} {self.xp}: {self.learners}"


class BoardScoreChange(models.Model):
    """One learner arriving at (+1) or leaving (−1) a score on a board, not yet folded into `BoardScore`."""

    board = models.CharField(max_length=10)
    xp = models.IntegerField()
    change = models.SmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["board", "xp"], name="achievements_scorechange_xp")]

    def __str__(self):
        return f"{self.board} {self.xp}: {self.change:+}"
