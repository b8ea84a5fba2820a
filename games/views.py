import dataclasses

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import scoring, selectors, services
from .forms import PlayForm
from .models import Attempt, Category, Game

SESSION_REWARDS = "game_rewards"


@login_required
def quest_map(request):
    steps = selectors.storyline_for(user=request.user)
    done = sum(step.state == selectors.COMPLETED for step in steps)
    context = {"steps": steps, "done": done, "map_height": 120 * len(steps)}
    return render(request, "games/quest_map.html", context)


@login_required
def library(request):
    filters = {
        "type": request.GET.get("type") if request.GET.get("type") in Game.Type.values else None,
        "category": request.GET.get("category") if request.GET.get("category") in Category.values else None,
        "difficulty": request.GET.get("difficulty") if request.GET.get("difficulty") in ("1", "2", "3") else None,
    }
    status = request.GET.get("status")
    if status in ("done", "todo"):
        filters["completed"] = status == "done"
    games = selectors.games_for(user=request.user, filters=filters)
    context = {
        "games": games,
        "filters": filters,
        "status": status,
        "categories": Category.choices,
        "types": Game.Type.choices,
    }
    return render(request, "games/library.html", context)


def _playable(slug: str, *, published_only: bool = True) -> Game:
    try:
        return selectors.playable_game(lookup={"slug": slug}, published_only=published_only)
    except Game.DoesNotExist as error:
        raise Http404(_("No such game.")) from error


def _client_context(game: Game) -> dict:
    # A web version exists when a round file ships for it; otherwise it lives in the app.
    round_file = f"minigames/{game.slug}.json"
    return {"game": game, "round_url": static(round_file) if finders.find(round_file) else None}


@login_required
def play(request, slug):
    try:
        game = selectors.playable_game(lookup={"slug": slug})
    except Game.DoesNotExist:
        # Staff check unpublished games as learners will see them: in the preview.
        if request.user.is_staff and Game.objects.filter(slug=slug).exists():
            return redirect("game-preview", slug=slug)
        raise Http404(_("No such game.")) from None
    if selectors.is_locked(user=request.user, game=game):
        if request.user.is_staff:
            return redirect("game-preview", slug=slug)
        return render(request, "games/locked.html", {"game": game}, status=403)
    if game.scoring == Game.Scoring.CLIENT:
        return render(request, "games/client_game.html", _client_context(game))
    form = PlayForm(request.POST if request.method == "POST" else None, game=game)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.submit_attempt(user=request.user, game=game, answers=form.answers())
        except scoring.InvalidAnswers as error:
            form.add_error(None, error.message)
        else:
            _flash_rewards(request, result)
            return redirect("game-results", slug=game.slug, attempt_id=result.attempt.pk)
    status = 400 if form.errors else 200
    return render(request, "games/play.html", {"game": game, "form": form, "step_by_step": True}, status=status)


def _flash_rewards(request, result: services.AttemptResult) -> None:
    # The whole value, streak included, for the results page to show (once).
    request.session[SESSION_REWARDS] = {"attempt": result.attempt.pk, "rewards": dataclasses.asdict(result.rewards)}


@login_required
@require_POST
def finish(request, slug):
    """The end of a step-by-step play (js/play.js): score the answers it recorded, then the results page."""
    game = _playable(slug)
    try:
        attempt_id = int(request.POST.get("attempt", ""))
    except ValueError:
        raise Http404(_("No such attempt for this game.")) from None
    try:
        result = services.finish_attempt(user=request.user, game=game, attempt_id=attempt_id)
    except services.PlayFinished:
        # Finished already (a double click, a second tab): its results, whose rewards the first request showed.
        return redirect("game-results", slug=game.slug, attempt_id=attempt_id)
    except services.GameLocked:
        return render(request, "games/locked.html", {"game": game}, status=403)
    except (services.AttemptNotFound, services.WrongScoring):
        raise Http404(_("No such attempt for this game.")) from None
    _flash_rewards(request, result)
    return redirect("game-results", slug=game.slug, attempt_id=result.attempt.pk)


@dataclasses.dataclass(frozen=True)
class PreviewPlay:
    """What the results page shows of a preview play (there is no stored attempt)."""

    score: int
    passed: bool


@login_required
def preview(request, slug):
    """Any game as a learner meets it, for staff: locked or unpublished, and nothing recorded."""
    if not request.user.is_staff:
        raise Http404(_("No such game."))
    game = _playable(slug, published_only=False)
    context = {"game": game, "is_preview": True, "preview_notes": _preview_notes(request.user, game)}
    if game.scoring == Game.Scoring.CLIENT:
        # The web version reports to the real attempts API: a preview shows the page, not the play.
        return render(request, "games/client_game.html", {**_client_context(game), **context, "round_url": None})
    form = PlayForm(request.POST if request.method == "POST" else None, game=game)
    if request.method == "POST" and form.is_valid():
        try:
            score = services.preview_attempt(game=game, answers=form.answers())
        except scoring.InvalidAnswers as error:
            form.add_error(None, error.message)
        else:
            answers = [services.answer_json(a) for a in form.answers()]
            play = PreviewPlay(score=score.percent, passed=score.percent >= game.pass_score)
            return render(
                request,
                "games/results.html",
                {
                    **context,
                    "attempt": play,
                    "rows": _answer_rows(game, answers),
                    "rewards": None,
                    "next_step": None,
                    "play_again": reverse("game-preview", args=[game.slug]),
                },
            )
    status = 400 if form.errors else 200
    return render(request, "games/play.html", {**context, "form": form}, status=status)


def _preview_notes(user, game: Game) -> list[str]:
    """Why a learner might not see this game as it is previewed here."""
    notes = []
    if not game.is_published:
        notes.append(_("This game is not published: learners cannot see it yet."))
    if selectors.is_locked(user=user, game=game):
        notes.append(_("This quest is locked until the previous quest is completed."))
    return notes


def _answer_rows(game: Game, answers: list[dict]) -> list[dict]:
    """Each question with the answer given and whether it was right, for the results page."""
    given = {a["question"]: a for a in answers}
    rows = []
    for question in game.questions.all():
        answer = given.get(question.pk)
        typed = scoring.Answer(
            question=question.pk,
            choices=tuple(answer["choices"]) if answer and "choices" in answer else None,
            value=answer.get("value") if answer else None,
        )
        rows.append(
            {
                "question": question,
                "answer": answer,
                "chosen": set(answer.get("choices", [])) if answer else set(),
                "correct": scoring.is_correct(question, typed if answer else None),
            }
        )
    return rows


@login_required
def results(request, slug, attempt_id):
    game = _playable(slug)
    attempt = get_object_or_404(Attempt, pk=attempt_id, user=request.user, game=game, finished_at__isnull=False)
    flash = request.session.pop(SESSION_REWARDS, None)
    rewards = flash["rewards"] if flash and flash.get("attempt") == attempt.pk else None
    next_step = selectors.next_quest(user=request.user) if game.is_quest and attempt.passed else None
    context = {
        "game": game,
        "attempt": attempt,
        "rows": _answer_rows(game, attempt.answers),
        "rewards": rewards,
        "next_step": next_step,
        "play_again": reverse("game-play", args=[game.slug]),
    }
    return render(request, "games/results.html", context)
