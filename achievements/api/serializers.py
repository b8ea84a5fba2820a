from rest_framework import serializers

from core.rewards import RewardsSerializer
from core.rows import rows_of
from games.api.serializers import AnswerFeedbackSerializer, AnswerInput, ChoiceSerializer

from .. import streaks
from ..models import Achievement, DailyQuest, LedgerEntry, Redemption, ReviewItem, ShopItem, UserAchievement


class LeaderboardRow(serializers.Serializer):
    rank = serializers.IntegerField()
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    avatar_url = serializers.CharField()
    level = serializers.IntegerField()
    xp = serializers.IntegerField()


class LeaderboardMe(serializers.Serializer):
    rank = serializers.IntegerField()
    xp = serializers.IntegerField()


class LeaderboardSerializer(serializers.Serializer):
    period = serializers.CharField()
    results = LeaderboardRow(many=True)
    me = LeaderboardMe(allow_null=True)


class LeaderboardQuery(serializers.Serializer):
    period = serializers.ChoiceField(choices=["all", "week"], default="all")
    limit = serializers.IntegerField(min_value=1, max_value=100, default=50)
    around = serializers.ChoiceField(choices=["me"], required=False)


class AchievementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Achievement
        fields = [
            "id",
            "slug",
            "title",
            "description",
            "icon",
            "metric",
            "threshold",
            "xp_reward",
            "coin_reward",
            "is_secret",
        ]


class ProgressSerializer(serializers.Serializer):
    current = serializers.IntegerField()
    target = serializers.IntegerField()


class AchievementProgressSerializer(AchievementSerializer):
    """An achievement with the learner's progress towards it; reads a selectors.AchievementProgress."""

    # Declared for the schema: to_representation builds the body.
    earned = serializers.BooleanField()
    earned_at = serializers.DateTimeField(allow_null=True)
    progress = ProgressSerializer()

    class Meta(AchievementSerializer.Meta):
        fields = [*AchievementSerializer.Meta.fields, "earned", "earned_at", "progress"]

    def to_representation(self, item):
        return progress_rows([item])[0]


def progress_rows(items) -> list[dict]:
    """`AchievementProgressSerializer(items, many=True).data`, with the language and time zone
    read once for the list, not once an item (each is a context-local lookup)."""
    rows = rows_of(AchievementSerializer, catalogue=True)
    scope = rows.scope()
    return [
        {
            **rows.row(item.achievement, scope),
            "earned": item.earned,
            "earned_at": item.earned_at.isoformat() if item.earned_at else None,
            "progress": {"current": item.current, "target": item.target},
        }
        for item in items
    ]


class BadgeSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(source="achievement.slug")
    title = serializers.CharField(source="achievement.title")
    description = serializers.CharField(source="achievement.description")
    icon = serializers.CharField(source="achievement.icon")

    class Meta:
        model = UserAchievement
        fields = ["slug", "title", "description", "icon", "earned_at"]


class LedgerEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = ["id", "xp", "coins", "reason", "source_type", "source_id", "note", "created_at"]


class PublicProfileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    avatar_url = serializers.CharField()
    level = serializers.IntegerField()
    xp = serializers.IntegerField()
    streak_count = serializers.SerializerMethodField()
    badges = BadgeSerializer(many=True)

    def get_streak_count(self, user) -> int:
        # The streak that still counts today, as the pages show it (no query).
        return streaks.current_for(user)


class DailyQuestSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, allow_null=True, help_text="Null until the quest is first stored.")
    slug = serializers.CharField(source="template.slug")
    title = serializers.CharField(source="template.title")
    metric = serializers.CharField(source="template.metric")
    target = serializers.IntegerField(source="template.target")
    xp_reward = serializers.IntegerField(source="template.xp_reward")
    coin_reward = serializers.IntegerField(source="template.coin_reward")
    completed = serializers.SerializerMethodField()

    class Meta:
        model = DailyQuest
        fields = [
            "id",
            "date",
            "slug",
            "title",
            "metric",
            "progress",
            "target",
            "xp_reward",
            "coin_reward",
            "completed",
            "completed_at",
        ]

    def get_completed(self, quest) -> bool:
        return quest.completed_at is not None


class ShopItemSerializer(serializers.ModelSerializer):
    in_stock = serializers.SerializerMethodField()

    class Meta:
        model = ShopItem
        fields = ["id", "slug", "name", "description", "image", "kind", "cost_coins", "stock", "in_stock"]

    def get_in_stock(self, item) -> bool:
        return item.stock is None or item.stock > 0


class RedemptionSerializer(serializers.ModelSerializer):
    item = ShopItemSerializer()

    class Meta:
        model = Redemption
        fields = ["id", "code", "item", "coins", "created_at"]


class RedeemOutput(serializers.Serializer):
    code = serializers.CharField()
    item = ShopItemSerializer()
    coins = serializers.IntegerField(help_text="The learner's coin balance after the redemption.")


class ReviewGameSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class ReviewItemSerializer(serializers.ModelSerializer):
    """A question due for review, as a learner answers it: never which choice is correct."""

    question = serializers.IntegerField(source="question_id", help_text="The id to answer with.")
    game = ReviewGameSerializer(source="question.game")
    prompt = serializers.CharField(source="question.prompt")
    kind = serializers.ChoiceField(source="question.kind", choices=["single", "multiple", "number"])
    choices = ChoiceSerializer(source="question.choices", many=True)
    step = serializers.IntegerField(min_value=0, max_value=4, help_text="0 to 4: due 1, 3, 7, 14 or 30 days after.")

    class Meta:
        model = ReviewItem
        fields = ["question", "game", "prompt", "kind", "choices", "due_on", "step"]


class ReviewAnswerInput(AnswerInput):
    """`{question, choices: [ids]}` or `{question, value}`: one answer, as in a play."""


class ReviewAnswerOutput(AnswerFeedbackSerializer):
    """A step's feedback, with when the question comes back and what the review earned."""

    next_due = serializers.DateField(allow_null=True, help_text="Null: answered right at the last step, retired.")
    rewards = RewardsSerializer()
