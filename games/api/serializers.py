from django.utils.translation import gettext as _
from rest_framework import serializers

from ..models import Category, Choice, Game, Question
from ..scoring import Answer


class ChoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Choice
        fields = ["id", "text"]  # never is_correct


class QuestionSerializer(serializers.ModelSerializer):
    choices = ChoiceSerializer(many=True, source="choice_list")  # as loaded with the game

    class Meta:
        model = Question
        fields = ["id", "position", "prompt", "kind", "choices"]


GAME_FIELDS = [
    "id",
    "slug",
    "title",
    "description",
    "icon",
    "type",
    "category",
    "difficulty",
    "xp_reward",
    "coin_reward",
    "pass_score",
    "scoring",
    "min_play_seconds",
    "quest_position",
]


class GameBaseSerializer(serializers.ModelSerializer):
    quest_position = serializers.SerializerMethodField()

    class Meta:
        model = Game
        fields = GAME_FIELDS

    def get_quest_position(self, game) -> int | None:
        step = getattr(game, "quest_step", None) if game.is_quest else None
        return step.position if step else None


class GameSerializer(GameBaseSerializer):
    """A game in a list, with the learner's state when signed in."""

    completed = serializers.SerializerMethodField()
    best_score = serializers.SerializerMethodField()
    locked = serializers.SerializerMethodField()

    class Meta(GameBaseSerializer.Meta):
        fields = [*GAME_FIELDS, "completed", "best_score", "locked"]

    # These read what selectors.games_for attached; they never query.
    def get_completed(self, game) -> bool:
        mine = getattr(game, "mine", None)
        return bool(mine and mine.completed_at)

    def get_best_score(self, game) -> int | None:
        mine = getattr(game, "mine", None)
        return mine.best_score if mine else None

    def get_locked(self, game) -> bool:
        return getattr(game, "state", None) == "locked"


class StorylineStepSerializer(GameSerializer):
    """A quest of the storyline: for visitors `state` is null and `completed`/`locked` false."""

    # Declared for the schema: the storyline view builds the body.
    position = serializers.IntegerField()
    state = serializers.ChoiceField(choices=["completed", "available", "locked"], allow_null=True)

    class Meta(GameSerializer.Meta):
        fields = [*GameSerializer.Meta.fields, "position", "state"]


class StorylineSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = StorylineStepSerializer(many=True)


class GameDetailSerializer(GameBaseSerializer):
    """A game to play: its questions and choices, never which choice is correct."""

    questions = QuestionSerializer(many=True, source="question_list")  # as loaded with the game

    class Meta(GameBaseSerializer.Meta):
        fields = [*GAME_FIELDS, "questions"]


class GameListQuery(serializers.Serializer):
    completed = serializers.BooleanField(required=False, allow_null=True, default=None)
    type = serializers.ChoiceField(choices=Game.Type.choices, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    difficulty = serializers.IntegerField(required=False, min_value=1, max_value=3)


class AnswerInput(serializers.Serializer):
    question = serializers.IntegerField()
    choices = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=50)
    value = serializers.FloatField(required=False)

    def validate(self, attrs):
        if ("choices" in attrs) == ("value" in attrs):
            raise serializers.ValidationError(_("Give either `choices` or `value` for each answer."))
        return attrs

    def to_answer(self) -> Answer:
        """The validated answer, for one-answer routes (a step of a play, a review)."""
        data = self.validated_data
        return Answer(
            question=data["question"],
            choices=tuple(data["choices"]) if "choices" in data else None,
            value=data.get("value"),
        )


class StepAnswerInput(AnswerInput):
    """One answer of a step-by-step play: `{question, choices}` or `{question, value}`."""


class AttemptInput(serializers.Serializer):
    # DRF hands max_length to the ListSerializer that many=True builds; the stubs' __init__ omits it.
    answers = AnswerInput(many=True, max_length=200)  # type: ignore[call-arg]

    def validate_answers(self, answers):
        return [
            Answer(
                question=a["question"],
                choices=tuple(a["choices"]) if "choices" in a else None,
                value=a.get("value"),
            )
            for a in answers
        ]


class QuestionResultSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    correct = serializers.BooleanField()
    explanation = serializers.CharField()
    correct_choices = serializers.ListField(child=serializers.IntegerField())
    answer_value = serializers.FloatField(allow_null=True)


class AnswerFeedbackSerializer(serializers.Serializer):
    """The feedback on one answer of a step-by-step play, given once it is recorded."""

    correct = serializers.BooleanField()
    explanation = serializers.CharField(allow_blank=True)
    correct_choices = serializers.ListField(child=serializers.IntegerField())
    answer_value = serializers.FloatField(allow_null=True)


class StartOutput(serializers.Serializer):
    attempt_id = serializers.IntegerField()


class CompleteInput(serializers.Serializer):
    attempt_id = serializers.IntegerField()
    score = serializers.IntegerField(min_value=0, max_value=100)
