"""Learner pages of the game layer: badges, leaderboards, the shop, profiles, review."""

from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.handlers import status_for
from games.scoring import InvalidAnswers

from . import charts, leaderboards, selectors, services
from .forms import ReviewForm
from .models import Achievement

SEEN_BADGES = "badges_seen_at"  # session: when the learner last saw their badges
JUST_REDEEMED = "shop_redeemed"  # session: the code to celebrate once on its page
TOP = 50


def _new_badges(request, earned: list[tuple[Achievement, datetime | None]]) -> list[dict]:
    """Badges earned since the learner last looked (first look: since they signed in); then mark seen."""
    seen = request.session.get(SEEN_BADGES)
    since = datetime.fromisoformat(seen) if seen else request.user.last_login
    request.session[SEEN_BADGES] = timezone.now().isoformat()
    return [
        {"slug": achievement.slug, "title": achievement.title}
        for achievement, earned_at in earned
        if earned_at and (since is None or earned_at > since)
    ]


def _earned_at(item: selectors.AchievementProgress) -> datetime:
    assert item.earned_at is not None  # only earned items are sorted by it, and they carry the time
    return item.earned_at


@login_required
def achievements_page(request):
    items = selectors.achievements_for(user=request.user)
    earned = [item for item in items if item.earned]
    locked = [item for item in items if not item.earned]
    new = _new_badges(request, [(item.achievement, item.earned_at) for item in earned])
    context = {
        "earned": sorted(earned, key=_earned_at, reverse=True),
        "locked": sorted(locked, key=lambda item: item.percent, reverse=True),
        "total": len(items),
        "rewards": {"achievements": new} if new else None,
    }
    return render(request, "achievements/achievements.html", context)


def leaderboard_page(request):
    period = request.GET.get("period", leaderboards.WEEK)
    if period not in leaderboards.PERIODS:
        period = leaderboards.WEEK
    user = request.user if request.user.is_authenticated else None
    # The top and, for a learner ranked below it, the rows around them: one read.
    board = leaderboards.board(period=period, limit=TOP, user=user, window=True)
    context = {"board": board, "period": period, "around": board.around, "top": TOP}
    return render(request, "achievements/leaderboard.html", context)


def _shop(request, *, error: str | None = None, status: int = 200):
    context = {
        "items": list(selectors.shop_items()),
        "codes": list(selectors.redemptions_for(user=request.user)[:3]),
        "error": error,
    }
    return render(request, "achievements/shop.html", context, status=status)


@login_required
def shop_page(request):
    return _shop(request)


@login_required
@require_POST
def redeem_page(request, pk: int):
    item = get_object_or_404(selectors.shop_items(), pk=pk)
    try:
        redemption = services.redeem_item(user=request.user, item=item)
    except DomainError as error:
        request.user.refresh_from_db(fields=["coins"])  # the header shows the real balance
        return _shop(request, error=error.message, status=status_for(error))
    request.session[JUST_REDEEMED] = redemption.code
    return redirect("shop-code", code=redemption.code)


@login_required
def codes_page(request):
    page = Paginator(selectors.redemptions_for(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "achievements/codes.html", {"page": page})


@login_required
def code_page(request, code: str):
    redemption = selectors.redemptions_for(user=request.user).filter(code=code).first()
    if redemption is None:
        raise Http404(_("No such code."))
    just_redeemed = request.session.pop(JUST_REDEEMED, None) == code
    context = {
        "redemption": redemption,
        "just_redeemed": just_redeemed,
        "rewards": {"coins": -redemption.coins} if just_redeemed else None,
    }
    return render(request, "achievements/code.html", context)


@login_required
def profile_page(request):
    user = request.user
    badges = list(selectors.badges_for(user=user))
    new = _new_badges(request, [(badge.achievement, badge.earned_at) for badge in badges])
    context = {
        "badges": badges,
        "chart": charts.bar_chart(selectors.xp_by_day(user=user, days=30)),
        "activity": list(selectors.activity_for(user=user)[:8]),
        "rewards": {"achievements": new} if new else None,
    }
    return render(request, "achievements/profile.html", context)


def public_profile_page(request, username: str):
    person = selectors.public_profiles().filter(username=username).first()
    if person is None:
        raise Http404(_("No such learner."))
    return render(request, "achievements/public_profile.html", {"person": person})


def _review_question(request, *, item=None, form: ReviewForm | None = None, notice: str = "", status: int = 200):
    """A due question as a form (the first one unless given), or the empty state, with how many are left."""
    due = selectors.due_reviews(user=request.user)
    if item is None:
        item = due.first()
        form = ReviewForm(question=item.question) if item is not None else None
    context = {"item": item, "form": form, "left": due.count() if item else 0, "notice": notice}
    return render(request, "achievements/review.html", context, status=status)


NO_LONGER_DUE = gettext_lazy("That question is not waiting for review any more. Here is the next one.")


@login_required
def review_page(request):
    """One due question at a time; a plain form, so it works without JavaScript."""
    if request.method != "POST":
        return _review_question(request)
    question_id = request.POST.get("question", "")
    item = None
    if question_id.isdigit():
        item = selectors.due_reviews(user=request.user).filter(question_id=int(question_id)).first()
    if item is None:  # answered already (a second tab, a resent form), or never due
        return _review_question(request, notice=str(NO_LONGER_DUE), status=409)
    form = ReviewForm(request.POST, question=item.question)
    if not form.is_valid():
        return _review_question(request, item=item, form=form, status=400)
    answer = form.answer()
    try:
        outcome = services.answer_review(user=request.user, answer=answer)
    except InvalidAnswers:
        form.add_error("answer", _("Pick one of the answers shown."))
        return _review_question(request, item=item, form=form, status=400)
    except services.NotDueForReview:  # a twin request answered it a moment ago
        return _review_question(request, notice=str(NO_LONGER_DUE), status=409)
    context = {
        "question": outcome.item.question,
        "result": outcome.result,
        "chosen": set(answer.choices or ()),
        "given_value": answer.value,
        "next_due": outcome.next_due,
        "rewards": outcome.rewards.as_dict(),
        "capped": outcome.result.correct and not outcome.rewards.xp,
        "xp_limit": services.REVIEW_XP_DAILY_LIMIT,
        "left": selectors.due_review_count(user=request.user),
    }
    return render(request, "achievements/review_result.html", context)
