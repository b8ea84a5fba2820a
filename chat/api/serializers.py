from rest_framework import serializers

from core.rewards import RewardsSerializer

from ..models import Conversation, Message
from ..safety import MAX_MESSAGE_LENGTH


class ChatInput(serializers.Serializer):
    message = serializers.CharField(max_length=MAX_MESSAGE_LENGTH)
    conversation_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class LinkSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["game", "video", "article"])
    title = serializers.CharField()
    url = serializers.CharField()


class ChatOutput(serializers.Serializer):
    reply = serializers.CharField()
    conversation_id = serializers.IntegerField()
    message_id = serializers.IntegerField(help_text="The reply's id.")
    question_id = serializers.IntegerField(help_text="The learner's message's id.")
    question = serializers.CharField(help_text="The learner's message as stored: private data redacted.")
    conversation_title = serializers.CharField()
    suggestions = serializers.ListField(child=serializers.CharField(), help_text="Follow-up questions to offer.")
    links = LinkSerializer(many=True, help_text="A related game and video.")
    rewards = RewardsSerializer()


class MessageSerializer(serializers.ModelSerializer):
    links = LinkSerializer(many=True)

    class Meta:
        model = Message
        fields = ["id", "role", "content", "created_at", "backend", "status", "suggestions", "links"]


class ConversationSerializer(serializers.ModelSerializer):
    message_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Conversation
        fields = ["id", "title", "created_at", "updated_at", "message_count"]


class ConversationDetailSerializer(serializers.ModelSerializer):
    messages = MessageSerializer(many=True, source="message_list")

    class Meta:
        model = Conversation
        fields = ["id", "title", "created_at", "updated_at", "messages"]
