"""Greetings and thank-yous: messages FinBot answers kindly but that ask nothing about money.

Pure functions, English and Albanian (folded: "përshëndetje" as "pershendetje").
"""

from . import albanian, textsearch

GREETING, THANKS = "greeting", "thanks"

GREETINGS = {
    *("hi", "hello", "hey", "hiya", "yo", "hola", "morning", "evening", "afternoon", "sup", "greetings"),
    *("pershendetje", "tung", "ckemi", "cpo", "hej", "mirdita", "miredita", "mirembrema", "mengjes"),
    *("finbot", "bot"),
}
THANKS_WORDS = {
    *("thanks", "thank", "thx", "ty", "cheers", "great", "cool", "awesome", "nice", "super"),
    *("faleminderit", "flm", "rrofsh", "bukur"),
}
# Words a greeting or a thank-you may come with ("hi there", "tung si je", "faleminderit shume").
GREETING_FILLERS = {"there", "good", "si", "je", "jeni", "ja"}
THANKS_FILLERS = {
    *("you", "so", "much", "a", "lot", "finbot", "very", "that", "was", "helpful"),
    *("shume", "te", "per", "ndihmen", "ishte", "e", "dobishme", "mire", "ja"),
}


def kind(message: str) -> str | None:
    """GREETING or THANKS when that is all the message says; None for anything else."""
    said = set(textsearch.words(albanian.fold(message)))
    if said & GREETINGS and said <= GREETINGS | GREETING_FILLERS:
        return GREETING
    if said & THANKS_WORDS and said <= THANKS_WORDS | THANKS_FILLERS:
        return THANKS
    return None
