"""Achievements own the game layer: the reward ledger, stats, achievements, daily quests, shop."""
