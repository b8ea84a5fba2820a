"""The `rewards` block every action response carries: what the learner just earned.

Games, videos and chat announce events; the reward layer answers each event with a
`Rewards`. Senders merge the answers with `from_responses` without knowing who replied.
"""

from dataclasses import dataclass, field

from rest_framework import serializers


@dataclass
class Rewards:
    xp: int = 0
    coins: int = 0
    level: int | None = None
    level_up: bool = False
    achievements: list[dict] = field(default_factory=list)  # [{"slug", "title"}]
    daily_quests: list[int] = field(default_factory=list)
    streak: int | None = None

    def merge(self, other: "Rewards") -> "Rewards":
        return Rewards(
            xp=self.xp + other.xp,
            coins=self.coins + other.coins,
            level=other.level if other.level is not None else self.level,
            level_up=self.level_up or other.level_up,
            achievements=self.achievements + other.achievements,
            daily_quests=self.daily_quests + other.daily_quests,
            streak=other.streak if other.streak is not None else self.streak,
        )

    def as_dict(self, *, level: int) -> dict:
        """The API shape; `level` is the learner's level when nothing changed it."""
        return {
            "xp": self.xp,
            "coins": self.coins,
            "level": self.level if self.level is not None else level,
            "level_up": self.level_up,
            "achievements": self.achievements,
            "daily_quests": self.daily_quests,
        }


def from_responses(responses) -> Rewards:
    """Merge what the receivers of a signal returned (a list of (receiver, value))."""
    total = Rewards()
    for _receiver, value in responses:
        if isinstance(value, Rewards):
            total = total.merge(value)
    return total


class RewardsSerializer(serializers.Serializer):
    """The `rewards` block's schema, for the API documentation."""

    xp = serializers.IntegerField()
    coins = serializers.IntegerField()
    level = serializers.IntegerField()
    level_up = serializers.BooleanField()
    achievements = serializers.ListField(child=serializers.DictField())
    daily_quests = serializers.ListField(child=serializers.IntegerField())
