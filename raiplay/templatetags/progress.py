"""The learner's level, streak, coins and next quest on pages: kept fragments (core.fragments),
rendered once per process for each set of values they show, from those values alone."""

from django import template
from django.utils.safestring import SafeString

from achievements import levels, streaks
from core.fragments import kept

register = template.Library()


@register.simple_tag
def level_progress(xp: int) -> dict:
    """Where `xp` stands in its level, for the XP bar."""
    return levels.progress(xp)


@register.simple_tag
def current_streak(user) -> int:
    """The streak that still counts today (a stale stored streak reads 0)."""
    return streaks.current_for(user)


@register.simple_tag
def xp_bar(xp: int) -> SafeString:
    return kept("_xp_bar.html", xp=xp)


@register.simple_tag
def progress_card(user) -> SafeString:
    """The dashboard's card: the XP bar, today's streak, freezes and coins."""
    streak = streaks.current_for(user)
    return kept("_progress_card.html", xp=user.xp, streak=streak, freezes=user.streak_freezes, coins=user.coins)


@register.simple_tag
def stats_chip(user) -> SafeString:
    """The top bar's level, today's streak and coins, linking to the profile."""
    return kept("_stats_chip.html", level=user.level, streak=streaks.current_for(user), coins=user.coins)


@register.simple_tag
def next_quest_card(step) -> SafeString:
    """The dashboard's next quest (a games.selectors.StoryStep, or None when all are done)."""
    if step is None:
        return kept("_next_quest.html")
    game = step.game
    return kept(
        "_next_quest.html",
        position=step.position,
        icon=game.icon,
        title=str(game.title),
        description=str(game.description),
        slug=game.slug,
        xp_reward=game.xp_reward,
    )
