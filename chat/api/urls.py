from django.urls import re_path

from . import views

# Both with and without the trailing slash: the old mobile app posts to `chat/`.
urlpatterns = [
    re_path(r"^chat/?$", views.ChatView.as_view(), name="api-chat"),
    re_path(r"^chat/stream/?$", views.ChatStreamView.as_view(), name="api-chat-stream"),
    re_path(r"^chat/conversations/?$", views.ConversationListView.as_view(), name="api-chat-conversations"),
    re_path(
        r"^chat/conversations/(?P<pk>\d+)/?$", views.ConversationDetailView.as_view(), name="api-chat-conversation"
    ),
]
