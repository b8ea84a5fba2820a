"""The names of the metrics events move and achievements count: one vocabulary for all apps."""

GAMES_COMPLETED = "games_completed"
QUESTS_COMPLETED = "quests_completed"
VIDEOS_WATCHED = "videos_watched"
CHAT_QUESTIONS = "chat_questions"
XP_TOTAL = "xp_total"
LEVEL = "level"
STREAK_DAYS = "streak_days"
COINS_EARNED = "coins_earned"
REVIEWS_DONE = "reviews_done"  # missed questions answered again in review (right or wrong)

PLAIN = {
    GAMES_COMPLETED,
    QUESTS_COMPLETED,
    VIDEOS_WATCHED,
    CHAT_QUESTIONS,
    XP_TOTAL,
    LEVEL,
    STREAK_DAYS,
    COINS_EARNED,
    REVIEWS_DONE,
}
PREFIXED = ("games_completed:", "game:")


def category_metric(category: str) -> str:
    return f"{GAMES_COMPLETED}:{category}"


def game_metric(slug: str) -> str:
    return f"game:{slug}"
