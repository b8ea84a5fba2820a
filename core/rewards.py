"""The `rewards` block every action response carries: what the learner just earned.

Games, videos and chat announce events (`core.events`); the reward layer answers each
with one complete `Rewards`: what was earned, and the learner's level and streak after it.
"""

from dataclasses import dataclass, field

from rest_framework import serializers


@dataclass
class Rewards:
    level: int  # the learner's level after the action
    streak: int  # the streak that counts today, after the action
    xp: int = 0
    coins: int = 0
    level_up: bool = False
    achievements: list[dict] = field(default_factory=list)  # [{"slug", "title"}]
    daily_quests: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The API's `rewards` block (DESIGN.md's contract: the streak is not part of it)."""
        return {
            "xp": self.xp,
            "coins": self.coins,
            "level": self.level,
            "level_up": self.level_up,
            "achievements": self.achievements,
            "daily_quests": self.daily_quests,
        }


class RewardsSerializer(serializers.Serializer):
    """The `rewards` block's schema, for the API documentation."""

    xp = serializers.IntegerField()
    coins = serializers.IntegerField()
    level = serializers.IntegerField()
    level_up = serializers.BooleanField()
    achievements = serializers.ListField(child=serializers.DictField())
    daily_quests = serializers.ListField(child=serializers.IntegerField())
