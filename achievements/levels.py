"""The XP curve: reaching level n takes 50·n·(n−1) XP (L1 0, L2 100, L3 300, L4 600, L5 1000 …)."""

from math import isqrt


def xp_for_level(level: int) -> int:
    return 50 * level * (level - 1)


def level_for(xp: int) -> int:
    if xp <= 0:
        return 1
    # Solve 50·n·(n−1) <= xp for the largest n; isqrt keeps it exact for any size.
    level = (1 + isqrt(1 + 4 * xp // 50)) // 2
    while xp_for_level(level + 1) <= xp:
        level += 1
    while xp_for_level(level) > xp:
        level -= 1
    return level


def progress(xp: int) -> dict:
    """Where the learner stands inside their level, for XP bars."""
    level = level_for(xp)
    start, end = xp_for_level(level), xp_for_level(level + 1)
    return {
        "level": level,
        "xp": xp,
        "level_start": start,
        "next_level_xp": end,
        "into_level": xp - start,
        "needed": end - start,
        "percent": round(100 * (xp - start) / (end - start)),
    }
