"""Which language FinBot answers in: the question's own, else the learner's (DESIGN.md, "Languages").

A question plainly written in English or Albanian is answered in that language, whoever
asks it; one too short or too mixed to tell ("ETF?", "ok") is answered in the learner's
language. Albanian teenagers often type without ë and ç, so the words are compared
folded ("eshte" for "është").
"""

import re

from django.conf import settings
from django.utils import translation

from . import albanian

ENGLISH, ALBANIAN = "en", "sq"

# Words only one of the languages uses (folded; "per" counts as Albanian, "per month"
# aside). Words both use ("a", "me", "do", "i") are left out: they tell nothing.
ALBANIAN_WORDS = frozenset(
    """
    si te ta nje eshte jane jam je jemi jeni ishte per cfare cka ne dhe edhe qe nuk kam ka kemi keni kane
    duhet duhen mund pse sa ku kur nese apo por une ti ju mua ty im ime tim time jote yt po mos jo pra
    shume pak vetem dua duan tha thote thone cila cili cilat nga mbi nen deri ose sepse dicka gje gjera
    gjithcka asgje ndonje cdo akoma ende pershendetje tung ckemi faleminderit flm rrofsh lutem mire keq
    kete keto ky kjo ajo ata ato ketu tani sot neser dje vit muaj jave
    para parat leke lek
    """.split()  # noqa: SIM905 — a word list reads better as text
)
ENGLISH_WORDS = frozenset(
    """
    the is are was were be been what whats how why when where who which does did can could should would will
    my your you it its this that these those and or of to for with from about into than then there their
    they we our not dont doesnt cant much many any some get got have has had if just really want need know
    money budget budgeting save saving savings card cards bank account loan interest pay paid tax taxes scam
    invest investing spend spending buy price prices phone job
    """.split()  # noqa: SIM905 — a word list reads better as text
)
# Albanian money words a one-word question may be ("kursime?", "buxheti"), by their stems.
ALBANIAN_TOPICS = frozenset(
    albanian.key(word)
    for word in """
    buxhet kursim kursej kredi llogari mashtrim tatim taksa borxh interesi investim fletepagese
    shpenzim blerje abonim sigurim inflacion karte
    """.split()  # noqa: SIM905 — a word list reads better as text
)
# Letters and pairs English words hardly have: xh, gj, nj, qe/qi/qy, ll-/rr-/sh+consonant first.
_ALBANIAN_SPELLING = re.compile(r"xh|gj|nj|q[aeiy]|^(?:ll|rr|sh[bcdfgjklmnpqstvxz])")
# Apostrophes: Albanian elides a little word before the next ("t'i", "s'kam", "ç'është");
# English shortens the end ("what's", "don't", "I'm", "you're").
_ALBANIAN_ELISION = re.compile(r"^[tsmcç]['’]")
_ENGLISH_CONTRACTION = re.compile(r"['’](?:s|t|m|re|ve|ll|d)$")
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def _vote(word: str) -> str | None:
    """Which language one word speaks for, if either."""
    lowered = word.lower()
    folded = albanian.fold(lowered)
    if _ALBANIAN_ELISION.search(lowered):
        return ALBANIAN
    if _ENGLISH_CONTRACTION.search(lowered):
        return ENGLISH
    if folded.isdigit():
        return None
    if folded != lowered or folded in ALBANIAN_WORDS:  # it had ë or ç, or is an Albanian word
        return ALBANIAN
    if folded in ENGLISH_WORDS:
        return ENGLISH
    if _ALBANIAN_SPELLING.search(folded) or albanian.key(folded) in ALBANIAN_TOPICS:
        return ALBANIAN
    return None


def detect(text: str) -> str | None:
    """The language the message is plainly written in ("sq" or "en"); None when too short or mixed."""
    votes = [_vote(word) for word in _WORD_RE.findall(text)]
    albanian_votes, english_votes = votes.count(ALBANIAN), votes.count(ENGLISH)
    if albanian_votes > english_votes:
        return ALBANIAN
    if english_votes > albanian_votes:
        return ENGLISH
    return None


def _supported(code: str | None) -> str | None:
    codes = [code for code, _name in settings.LANGUAGES]
    if not code:
        return None
    code = code.lower()
    if code in codes:
        return code
    primary = code.split("-")[0]
    return primary if primary in codes else None


def learner_language(user) -> str:
    """The learner's own language: the one they picked, else the request's, else English."""
    return _supported(getattr(user, "language", "")) or _supported(translation.get_language()) or settings.LANGUAGE_CODE


def reply_language(text: str, *, user) -> str:
    """The language to answer `text` in: its own when plain, else the learner's."""
    return detect(text) or learner_language(user)


def link_language(*, reply: str, learner: str) -> str | None:
    """The `?lang=` FinBot's links carry, so a page opens in the reply's language.

    None when both are the default language: the page would open in it anyway.
    """
    if reply == settings.LANGUAGE_CODE and learner == settings.LANGUAGE_CODE:
        return None
    return reply
