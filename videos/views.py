"""Learner pages: the video feed, the saved list, one video, and no-JavaScript save/like forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.categories import Category
from core.errors import DomainError

from . import selectors, services
from .models import Video

PAGE_SIZE = 12


def _page(request, videos):
    return Paginator(videos, PAGE_SIZE).get_page(request.GET.get("page"))


def feed(request):
    category = request.GET.get("category", "")
    if category not in Category.values:
        category = ""
    q = " ".join(request.GET.get("q", "").split())[: selectors.MAX_QUERY_LENGTH]
    page = _page(request, selectors.videos_for(user=request.user, category=category, query=q))
    return render(
        request,
        "videos/feed.html",
        {"page": page, "videos": page.object_list, "categories": Category.choices, "category": category, "q": q},
    )


@login_required
def saved(request):
    page = _page(request, selectors.saved_for(user=request.user))
    return render(request, "videos/saved.html", {"page": page, "videos": page.object_list})


def detail(request, slug):
    try:
        video = selectors.video_for(user=request.user, slug=slug)
    except Video.DoesNotExist as error:
        raise Http404(_("No such video.")) from error
    return render(request, "videos/detail.html", {"video": video, "videos": [video]})


def _back(request) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("videos")


def _toggle(request, pk: int, *, on, off, turn_on: str):
    if not request.user.is_authenticated:
        # Back to the page the visitor was on after signing in, not to this POST-only address.
        return redirect_to_login(_back(request))
    try:
        video = selectors.published_video(pk=pk)
    except Video.DoesNotExist as error:
        raise Http404(_("No such video.")) from error
    try:
        (on if request.POST.get("action") == turn_on else off)(user=request.user, video=video)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(_back(request))


@require_POST
def save(request, pk):
    return _toggle(request, pk, on=services.save_video, off=services.unsave_video, turn_on="save")


@require_POST
def like(request, pk):
    return _toggle(request, pk, on=services.like_video, off=services.unlike_video, turn_on="like")
