"""Every admin page of our models opens, with content in it: list, add and change."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from achievements.services import redeem_item
from achievements.tests.factories import ShopItemFactory
from chat.services import ask
from chat.tests.factories import ConversationFactory, MessageFactory
from videos.tests.factories import SavedVideoFactory, VideoLikeFactory, VideoViewFactory

pytestmark = pytest.mark.django_db

OUR_APPS = {"accounts", "games", "videos", "achievements", "chat", "classrooms", "raiplay"}
REGISTERED = sorted(
    (model._meta.label for model in admin.site._registry if model._meta.app_label in OUR_APPS),
)


@pytest.fixture
def demo(db, settings):
    """The demo content (games, videos, rewards, knowledge, classes, learners who played), plus
    the learners' records the demo does not make."""
    settings.CHAT_API_KEY = ""  # FinBot offline
    call_command("seed_demo", verbosity=0)
    learner = User.objects.get(username="learner")
    SavedVideoFactory(user=learner)
    VideoLikeFactory(user=learner)
    VideoViewFactory(user=learner)
    MessageFactory(conversation=ConversationFactory(user=learner))
    item = ShopItemFactory(cost_coins=0, stock=5)
    redeem_item(user=learner, item=item)
    # FinBot's records for editors: a flagged conversation and a question it could not answer.
    ask(user=learner, text="someone is blackmailing me with my photos")
    ask(user=learner, text="how do i repair my bike chain")


@pytest.mark.parametrize("label", REGISTERED)
def test_list_add_and_change_pages_open(client, demo, label):
    client.force_login(UserFactory(username=f"boss-{label}", is_staff=True, is_superuser=True))
    model = next(m for m in admin.site._registry if m._meta.label == label)
    model_admin = admin.site._registry[model]
    meta = model._meta
    changelist = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    assert changelist.status_code == 200
    add = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
    assert add.status_code == (200 if model_admin.has_add_permission(_request(client)) else 403)
    if meta.managed and not meta.proxy:
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"the demo has no {meta.verbose_name}"
        change = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
        assert change.status_code == 200


def _request(client):
    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(pk=client.session["_auth_user_id"])
    return request
