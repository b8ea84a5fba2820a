import json
from collections.abc import Iterator
from typing import cast

from django.conf import settings
from django.http import StreamingHttpResponse
from drf_spectacular.utils import OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from core.errors import first_message
from core.handlers import status_for
from core.openapi import BAD_QUERY, NO_PAGE, SIGNED_OUT, error
from core.ratelimits import enforce

from .. import selectors, services
from . import serializers as s

NOT_FOUND = error("`conversation_id` is not one of the learner's conversations")
ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Empty or too long message (over 1000 characters)"),
    401: SIGNED_OUT,
    403: error("A minor whose guardian has not approved the account yet"),
    404: NOT_FOUND,
    429: error("Too many questions: `CHAT_RATES` per learner, `GUEST_CHAT_RATE` per address for guests"),
}
GUEST_ERRORS = {
    **ERRORS,
    401: error("A token was sent but is invalid or expired (without one, the question is a guest's)"),
    404: error("`conversation_id` is not one of the learner's conversations (guests cannot continue one)"),
}
MODEL_ERRORS = {
    502: error("The model failed; the question is saved"),
    504: error("The model timed out; the question is saved"),
}


def _sse_event(name: str, data: str) -> dict:
    """One server-sent event: its `event` name, and its `data`, a JSON document."""
    return {
        "type": "object",
        "properties": {
            "event": {"type": "string", "enum": [name]},
            "data": {"type": "string", "description": data},
        },
        "required": ["event", "data"],
    }


# Open API 3.0 has the `schema` of an event stream describe each event (3.0 cannot give the JSON
# inside `data` a schema: the descriptions say what it holds).
CHAT_EVENT = {
    "oneOf": [
        _sse_event("message", 'A piece of the answer as it arrives (no `event:` line): `{"token": "..."}`.'),
        _sse_event(
            "done",
            "The last event: `{conversation_id, message_id, question_id, question, conversation_title, "
            "suggestions, links, rewards}` as ChatOutput has them.",
        ),
        _sse_event(
            "error",
            'The model failed mid-way (the question is saved): `{"detail": "...", "status": 502}`, '
            "`status` being what ChatView would answer.",
        ),
    ]
}


def _learner(request: Request) -> User:
    """The signed-in learner: every view here requires IsAuthenticated."""
    return cast(User, request.user)


def start_question(request) -> services.Question:
    """Validate, count against the chat rate (the learner's, or the guest's address), store the question."""
    data = s.ChatInput(data=request.data)
    if not data.is_valid():
        # The old app shows only `detail`: one sentence besides the field errors.
        raise ValidationError({"detail": first_message(data.errors), **data.errors})
    user = request.user if request.user.is_authenticated else None
    if user is None:
        enforce(request, group="guest-chat", key="ip", rates=[settings.GUEST_CHAT_RATE])
    else:
        enforce(request, group="chat", key=f"user:{user.pk}", rates=settings.CHAT_RATES)
    return services.ask_question(
        user=user,
        text=data.validated_data["message"],
        conversation_id=data.validated_data.get("conversation_id"),
    )


def answer_payload(answer: services.Answer) -> dict:
    return {
        "conversation_id": answer.conversation.pk,
        "message_id": answer.reply.pk,
        "question_id": answer.question.message.pk,
        "question": answer.question.message.content,
        "conversation_title": answer.conversation.title,
        "suggestions": answer.reply.suggestions,
        "links": answer.reply.links,
        "rewards": answer.question.rewards.as_dict(),
    }


GUEST_NOTE = (
    " Without a token the question is a guest's (the old mobile app): answered the same way, stored without a "
    "user, rate-limited per client address; a guest cannot continue a conversation."
)
PRIVATE_NOTE = (
    " Messages holding a card number, IBAN, PIN, password, phone number, email address or ID number are stored "
    "redacted and never sent to a model; messages about self-harm, abuse, threats, gambling or debt distress get "
    "a caring reply with where to find help, go to no model and are flagged for editors."
)


class ChatView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        request=s.ChatInput,
        responses={200: s.ChatOutput, **GUEST_ERRORS, **MODEL_ERRORS},
        tags=["chat"],
        description="Ask FinBot. JSON or form-encoded; without `conversation_id` a new conversation starts."
        + PRIVATE_NOTE
        + GUEST_NOTE,
    )
    def post(self, request):
        answer = services.answer_question(start_question(request))
        return Response({"reply": answer.reply.content, **answer_payload(answer)})


def sse(data: dict, event: str | None = None) -> str:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


def event_stream(question: services.Question) -> Iterator[str]:
    for event in services.stream_answer(question):
        if event.kind == "token":
            yield sse({"token": event.token})
        elif event.kind == "done":
            assert event.answer is not None  # a done event carries the answer
            yield sse(answer_payload(event.answer), "done")
        else:
            assert event.error is not None  # an error event carries the error
            yield sse({"detail": event.error.message, "status": status_for(event.error)}, "error")


class ChatStreamView(APIView):
    permission_classes = [AllowAny]

    def perform_content_negotiation(self, request, force=False):
        # Clients send `Accept: text/event-stream`; errors before the stream are still JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        request=s.ChatInput,
        responses={
            (200, "text/event-stream"): OpenApiResponse(
                response=CHAT_EVENT,
                description='`data: {"token": "..."}` events as the answer arrives, then `event: done` with '
                "`data:` {conversation_id, message_id, question_id, suggestions, links, rewards}; a model "
                'failure mid-way is `event: error` with `data: {"detail", "status"}` (the question is saved).',
            ),
            **GUEST_ERRORS,
        },
        tags=["chat"],
        description="Ask FinBot and receive the answer as a server-sent event stream." + GUEST_NOTE,
    )
    def post(self, request):
        question = start_question(request)
        response = StreamingHttpResponse(event_stream(question), content_type="text/event-stream; charset=utf-8")
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
        return response


@extend_schema(
    tags=["chat"],
    description="The learner's conversations, most recently active first.",
    responses={200: s.ConversationSerializer(many=True), 400: BAD_QUERY, 401: SIGNED_OUT, 404: NO_PAGE},
)
class ConversationListView(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.ConversationSerializer

    def get_queryset(self):
        return selectors.conversations_for(user=_learner(self.request))


class ConversationDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.ConversationDetailSerializer, 401: SIGNED_OUT, 404: NOT_FOUND}, tags=["chat"])
    def get(self, request, pk):
        conversation, messages = selectors.conversation_with_messages(user=request.user, conversation_id=pk)
        conversation.message_list = messages
        return Response(s.ConversationDetailSerializer(conversation).data)

    @extend_schema(responses={204: None, 401: SIGNED_OUT, 404: NOT_FOUND}, tags=["chat"])
    def delete(self, request, pk):
        services.delete_conversation(user=request.user, conversation_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
