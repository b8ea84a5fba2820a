from django import template

from achievements import levels, streaks

register = template.Library()


@register.simple_tag
def level_progress(user) -> dict:
    """Where the learner stands in their level, for the XP bar (no query: reads user.xp)."""
    return levels.progress(user.xp)


@register.simple_tag
def current_streak(user) -> int:
    """The streak that still counts today (a stale stored streak reads 0)."""
    return streaks.current_for(user)
