from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from games.models import Game
from videos.models import Video


class ClassroomInput(serializers.Serializer):
    name = serializers.CharField(max_length=80)


class ClassroomPatch(serializers.Serializer):
    name = serializers.CharField(max_length=80, required=False)
    archived = serializers.BooleanField(required=False)


class TeacherSerializer(serializers.Serializer):
    display_name = serializers.SerializerMethodField()

    def get_display_name(self, user) -> str:
        return user.display_name or user.username


class ClassroomCreated(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    join_code = serializers.CharField()


class ClassroomSerializer(serializers.Serializer):
    """A class as the list shows it: the join code only to its teacher."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    teacher = TeacherSerializer()
    members_count = serializers.IntegerField()
    join_code = serializers.CharField(required=False, help_text="Only for the class's teacher.")
    archived = serializers.BooleanField()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.teacher_id != self.context["request"].user.pk:
            data.pop("join_code", None)
        return data


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    level = serializers.IntegerField()
    xp = serializers.IntegerField()
    week_xp = serializers.IntegerField()
    last_active_date = serializers.DateField(allow_null=True)
    assignments_done = serializers.IntegerField()


class ClassroomDetail(ClassroomSerializer):
    members = MemberSerializer(many=True)


class JoinInput(serializers.Serializer):
    code = serializers.CharField(max_length=32)


class JoinOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CodeOutput(serializers.Serializer):
    join_code = serializers.CharField()


class ContentRef(serializers.Serializer):
    id = serializers.IntegerField(source="content_id")
    slug = serializers.CharField()
    title = serializers.CharField()


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["game", "video"])
    game = serializers.SerializerMethodField()
    video = serializers.SerializerMethodField()
    due_date = serializers.DateField()
    state = serializers.ChoiceField(choices=["done", "late", "due"], required=False, help_text="Learners only.")
    done = serializers.BooleanField(required=False, help_text="Learners only.")
    done_count = serializers.IntegerField(required=False, help_text="The teacher only.")
    members_count = serializers.IntegerField(required=False, help_text="The teacher only.")

    def get_game(self, row) -> dict | None:
        return ContentRef(row).data if row.kind == "game" else None

    def get_video(self, row) -> dict | None:
        return ContentRef(row).data if row.kind == "video" else None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        private = ("done_count", "members_count") if not self.context.get("teacher") else ("done", "state")
        for name in private:
            data.pop(name, None)
        return data


class AssignmentInput(serializers.Serializer):
    game = serializers.IntegerField(required=False, min_value=1)
    video = serializers.IntegerField(required=False, min_value=1)
    due_date = serializers.DateField(input_formats=["%Y-%m-%d"])

    def validate(self, attrs):
        # Neither or both: the service refuses it with one sentence (BadAssignment).
        if "game" in attrs:
            attrs["game"] = Game.objects.filter(pk=attrs["game"]).first()
            if attrs["game"] is None:
                raise serializers.ValidationError({"game": [_("No such game.")]})
        if "video" in attrs:
            attrs["video"] = Video.objects.filter(pk=attrs["video"]).first()
            if attrs["video"] is None:
                raise serializers.ValidationError({"video": [_("No such video.")]})
        return attrs


class AssignmentStats(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    due_date = serializers.DateField()
    done_count = serializers.IntegerField()
    members_count = serializers.IntegerField()
    average_best_score = serializers.FloatField(allow_null=True, help_text="Games only: percent.")


class HardQuestionSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    prompt = serializers.CharField()
    game = serializers.CharField()
    correct_rate = serializers.FloatField(help_text="0–1 over the class's answers.")
    answers = serializers.IntegerField()


class ClassProgressSerializer(serializers.Serializer):
    members = MemberSerializer(many=True)
    assignments = AssignmentStats(many=True)
    hardest_questions = HardQuestionSerializer(many=True)


class ProgressQuery(serializers.Serializer):
    format = serializers.ChoiceField(choices=["json", "csv"], required=False)


class BoardQuery(serializers.Serializer):
    period = serializers.ChoiceField(choices=["all", "week"], default="week")
