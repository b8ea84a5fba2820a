"""Join codes: 8 characters a teacher can read aloud and a learner can type on a phone."""

import secrets

# No 0/O, no 1/I/L: nothing a learner could mistake for another character.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(text: str) -> str:
    """What a learner typed, as stored: upper case, without spaces or dashes."""
    return "".join(text.split()).replace("-", "").upper()
