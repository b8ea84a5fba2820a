from django import template

from achievements import levels

register = template.Library()


@register.simple_tag
def level_progress(user) -> dict:
    """Where the learner stands in their level, for the XP bar (no query: reads user.xp)."""
    return levels.progress(user.xp)
