"""Template helpers for the reward layer's includes (no queries: they read what the view loaded)."""

from typing import NamedTuple

from django import template
from django.utils.safestring import SafeString

from core.fragments import kept

register = template.Library()


class QuestLine(NamedTuple):
    """What the list shows of one daily quest: hashable, so the list is a kept fragment."""

    title: str
    xp_reward: int
    coin_reward: int
    target: int
    progress: int
    done: bool


@register.simple_tag
def daily_quest_list(daily_quests) -> SafeString:
    """Today's quests (DailyQuest with `template` loaded, as selectors give them), rendered once
    per process for each set of titles, rewards and progress (core.fragments)."""
    lines = tuple(
        QuestLine(
            str(quest.template.title),
            quest.template.xp_reward,
            quest.template.coin_reward,
            quest.template.target,
            quest.progress,
            quest.completed_at is not None,
        )
        for quest in daily_quests
    )
    return kept("achievements/_daily_quests.html", quests=lines)


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
