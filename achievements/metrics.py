"""The metrics achievements and daily quests can count."""

from django.core.exceptions import ValidationError

GAMES_COMPLETED = "games_completed"
QUESTS_COMPLETED = "quests_completed"
VIDEOS_WATCHED = "videos_watched"
CHAT_QUESTIONS = "chat_questions"
XP_TOTAL = "xp_total"
LEVEL = "level"
STREAK_DAYS = "streak_days"
COINS_EARNED = "coins_earned"

PLAIN = {GAMES_COMPLETED, QUESTS_COMPLETED, VIDEOS_WATCHED, CHAT_QUESTIONS, XP_TOTAL, LEVEL, STREAK_DAYS, COINS_EARNED}
PREFIXED = ("games_completed:", "game:")


def validate_metric(metric: str) -> None:
    if metric in PLAIN or any(metric.startswith(p) and len(metric) > len(p) for p in PREFIXED):
        return
    raise ValidationError(
        {
            "metric": f"Unknown metric “{metric}”. Use one of {', '.join(sorted(PLAIN))}, games_completed:<category>"
            " or game:<slug>."
        }
    )


def category_metric(category: str) -> str:
    return f"{GAMES_COMPLETED}:{category}"


def game_metric(slug: str) -> str:
    return f"game:{slug}"
