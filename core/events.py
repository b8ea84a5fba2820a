"""Domain events and the one port the reward layer listens on.

A content app (games, videos, chat) builds a typed event for what a learner just did and
hands it to `deliver`, inside its own transaction. The reward layer registers itself in its
`AppConfig.ready()` and answers with one complete `Rewards`. Content apps never import the
reward layer; the reward layer never guesses what an event means.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .rewards import Rewards


@dataclass(frozen=True, kw_only=True)
class Event:
    """Something a learner did that may be worth a reward. Apps subclass it per action."""

    user: Any  # the learner (accounts.User; core imports no app)
    source: Any  # what they did it with: the game, the video, the message
    key: str  # names the action once: the reward layer grants each key at most once
    reason: str  # the ledger's reason for the reward ("game", "quest", "video"); "" when none
    xp: int = 0  # the reward the content defines
    coins: int = 0
    increments: Mapping[str, int] = field(default_factory=dict)  # metric -> delta
    marks: Mapping[str, int] = field(default_factory=dict)  # metric -> value to raise to
    first_time: bool = True  # a repeat (a replayed game) earns no reward, only daily quests


class RewardPort(Protocol):
    def deliver(self, event: Event) -> Rewards:
        """Turn the event into rewards, inside the caller's transaction."""
        ...

    def standing(self, user: Any) -> Rewards:
        """Nothing earned: the learner's level and streak as they are now."""
        ...


class _NoRewards:
    """Until a reward layer registers (or in a project without one): nothing is earned."""

    def deliver(self, event: Event) -> Rewards:
        return self.standing(event.user)

    def standing(self, user: Any) -> Rewards:
        return Rewards(level=user.level, streak=user.streak_count)


_port: RewardPort = _NoRewards()


def register(port: RewardPort) -> None:
    global _port
    _port = port


def deliver(event: Event) -> Rewards:
    return _port.deliver(event)


def standing(user: Any) -> Rewards:
    return _port.standing(user)
