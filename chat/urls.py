from django.urls import path

from . import views

urlpatterns = [
    path("chat/", views.chat_page, name="chat"),
    path("chat/<int:pk>/", views.chat_page, name="chat-conversation"),
    path("chat/<int:pk>/delete/", views.delete_conversation, name="chat-delete"),
]
