from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.exceptions import Ratelimited

from core.errors import DomainError
from core.handlers import RATE_LIMITED_MESSAGE, status_for
from core.ratelimits import enforce

from . import retrieval, selectors, services
from .forms import ChatForm

SIDEBAR_SIZE = 30


def _conversation(request, pk):
    if pk is None:
        return None, []
    try:
        return selectors.conversation_with_messages(user=request.user, conversation_id=pk)
    except selectors.ConversationNotFound as error:
        raise Http404(error.message) from error


@login_required
def chat_page(request, pk=None):
    """FinBot: the learner's conversations and one of them. Without JavaScript the form posts here."""
    conversation, history = _conversation(request, pk)
    form = ChatForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            enforce(request, group="chat", key=f"user:{request.user.pk}", rates=settings.CHAT_RATES)
            question = services.ask_question(
                user=request.user,
                text=form.cleaned_data["message"],
                conversation_id=conversation.pk if conversation else None,
            )
        except Ratelimited:
            form.add_error(None, _(RATE_LIMITED_MESSAGE))
            status = 429
        except DomainError as error:
            form.add_error("message", error.message)
            status = status_for(error)
        else:
            try:
                services.answer_question(question)
            except DomainError as error:  # the model failed; the question is saved
                messages.error(request, error.message)
            return redirect(question.conversation.get_absolute_url() + "#latest")
    elif request.method == "POST":
        status = 400
    last_reply = next((m for m in reversed(history) if m.role == "assistant"), None)
    context = {
        "conversations": selectors.conversations_for(user=request.user)[:SIDEBAR_SIZE],
        "conversation": conversation,
        "chat_messages": history,
        "form": form,
        "suggestions": (last_reply.suggestions if last_reply and last_reply.suggestions else None)
        or retrieval.starter_questions(),
    }
    return render(request, "chat/chat.html", context, status=status)


@login_required
@require_POST
def delete_conversation(request, pk):
    try:
        services.delete_conversation(user=request.user, conversation_id=pk)
    except selectors.ConversationNotFound as error:
        raise Http404(error.message) from error
    messages.success(request, _("Conversation deleted."))
    return redirect("chat")
