"""How long a client-scored mini-game must last at least: a floor per card, not a guess per game.

A "sort the cards" round is read-and-tap: a fast, honest teenager needs about a second a
card, a bored one tapping without reading needs a tenth of that. The floor sits at 0.4 s a
card (12 cards: 5 s), well under honest play and well over blind tapping, so it refuses
scripts and button-mashing, never a quick reader. A game's `min_play_seconds` is set from
its round's card count with this rule (content/demo/games.json; a test keeps them in step).
"""

SECONDS_PER_CARD = 0.4


def min_play_seconds(cards: int) -> int:
    """The least number of whole seconds a round of `cards` cards may take (0.4 s a card, rounded up)."""
    return -(-cards * 2 // 5)  # ceil(cards * 0.4) in integers: no float rounding at 5, 10, 15 cards
