"""Template helpers for the reward layer's includes (no queries: they read what the view loaded)."""

from django import template

register = template.Library()


@register.filter
def has_rewards(rewards) -> bool:
    """Whether a `rewards` block (the API shape) holds anything worth a banner."""
    if not rewards:
        return False
    return bool(
        rewards.get("xp")
        or rewards.get("coins")
        or rewards.get("level_up")
        or rewards.get("achievements")
        or rewards.get("daily_quests")
    )


@register.filter
def percent_of(current, target) -> int:
    """current/target as a whole percentage, capped at 100 (progress bars)."""
    try:
        return min(100, round(100 * int(current) / int(target))) if int(target) else 100
    except (TypeError, ValueError):
        return 0


@register.filter
def negate(value) -> int:
    return -int(value)


@register.filter
def minus(value, other) -> int:
    return int(value) - int(other)


@register.filter
def image_src(value: str) -> str:
    """An editor-given image address the page may load: a path on this site or an http(s) URL."""
    value = (value or "").strip()
    if value.startswith("//") or not value.startswith(("/", "https://", "http://")):
        return ""
    return value
