import dataclasses

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

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


def _playable(slug: str) -> Game:
    try:
        return selectors.playable_game(lookup={"slug": slug})
    except Game.DoesNotExist as error:
        raise Http404(_("No such game.")) from error


@login_required
def play(request, slug):
    game = _playable(slug)
    if selectors.is_locked(user=request.user, game=game):
        return render(request, "games/locked.html", {"game": game}, status=403)
    if game.scoring == Game.Scoring.CLIENT:
        # A web version exists when a round file ships for it; otherwise it lives in the app.
        round_file = f"minigames/{game.slug}.json"
        round_url = static(round_file) if finders.find(round_file) else None
        return render(request, "games/client_game.html", {"game": game, "round_url": round_url})
    form = PlayForm(request.POST if request.method == "POST" else None, game=game)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.submit_attempt(user=request.user, game=game, answers=form.answers())
        except scoring.InvalidAnswers as error:
            form.add_error(None, error.message)
        else:
            # The whole value, streak included, for the results page to show.
            rewards = dataclasses.asdict(result.rewards)
            request.session[SESSION_REWARDS] = {"attempt": result.attempt.pk, "rewards": rewards}
            return redirect("game-results", slug=game.slug, attempt_id=result.attempt.pk)
    status = 400 if form.errors else 200
    return render(request, "games/play.html", {"game": game, "form": form}, status=status)


@login_required
def results(request, slug, attempt_id):
    game = _playable(slug)
    attempt = get_object_or_404(Attempt, pk=attempt_id, user=request.user, game=game, finished_at__isnull=False)
    flash = request.session.pop(SESSION_REWARDS, None)
    rewards = flash["rewards"] if flash and flash.get("attempt") == attempt.pk else None
    given = {a["question"]: a for a in attempt.answers}
    questions = list(game.questions.all())
    rows = []
    for question in questions:
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
    next_step = selectors.next_quest(user=request.user) if game.is_quest and attempt.passed else None
    context = {
        "game": game,
        "attempt": attempt,
        "rows": rows,
        "rewards": rewards,
        "next_step": next_step,
        "play_again": reverse("game-play", args=[game.slug]),
    }
    return render(request, "games/results.html", context)
