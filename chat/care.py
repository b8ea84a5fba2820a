"""Messages that need a person, not a money bot: self-harm, abuse, threats, gambling, debt distress.

DESIGN.md ("Minors, accounts and safety"): such a message gets a fixed, caring reply in
the learner's language with where to find help (the child helpline ALO 116 111, a
trusted adult, the police for threats and danger), goes to no model, and is flagged for
editors (its redacted text only).

Pure functions. The patterns read English and Albanian as teenagers type them, Albanian
folded (ë → e, ç → c) so "vras veten" and "vrás vetën" are one. They lean towards caring:
a false alarm costs a kind message; a miss costs a child who asked for help.
"""

import re

from django.utils.translation import gettext as _

from . import albanian
from .models import SafetyFlag

# The reasons a flag records (their labels live with it), most urgent first: a message
# about several gets the reply of the first.
SELF_HARM, ABUSE, THREAT, DEBT, GAMBLING = SafetyFlag.Reason.values
REASONS = [SELF_HARM, ABUSE, THREAT, DEBT, GAMBLING]

_ME = r"(?:my ?self|me)"
_PEOPLE = r"(?:dad|mum|mom|father|mother|step ?dad|step ?mum|step ?mom|uncle|aunt|brother|sister|boyfriend|girlfriend|coach|teacher|parents?)"  # noqa: E501
_PATTERNS = {
    SELF_HARM: [
        rf"\bkill(?:ing)? {_ME}\b",
        r"\bsuicid",
        r"\bend (?:it all|my life)\b",
        r"\btake my (?:own )?life\b",
        r"\b(?:want|wanna|going|gonna) (?:to )?die\b",
        r"\bdon'?t want to (?:live|be alive|be here anymore|exist)\b",
        rf"\b(?:hurt|hurting|cut|cutting|harm|harming) {_ME}\b",
        r"\bself[- ]?harm",
        r"\bunalive\b",
        r"\bno reason to live\b",
        r"\bbetter off dead\b",
        # Albanian
        r"\b(?:te |me |ta |do ta )?vras veten\b",
        r"\bvetevra",
        r"\bdua (?:te|me) (?:vdes|dek|vdekur)\b",
        r"\b(?:nuk|s) ?dua (?:te|me) (?:jetoj|jetu)\b",
        r"\bt ?i jap fund jetes\b",
        r"\b(?:lendoj|lendova|pres|preva|demtoj) veten\b",
        r"\bvetedemtim",
    ],
    ABUSE: [
        rf"\b{_PEOPLE} (?:hits|beats|hurts|abuses|touches|chokes|kicks|slaps) me\b",
        r"\b(?:hits|beats|abuses|touched|touches) me (?:at home|every|when|if|inappropriately|where)\b",
        r"\bi(?:'m| am) (?:being )?(?:abused|beaten|hit at home)\b",
        r"\b(?:sexually )?abus(?:e|ed|ing) me\b",
        r"\bdomestic (?:abuse|violence)\b",
        r"\btakes? (?:all )?my money and (?:hits|beats|hurts|threatens)\b",
        # Albanian
        r"\bme (?:rreh|rrah|rrahu|rrahin|keqtrajton|keqtrajtojne|dhunon|dhunojne|abuzon|abuzojne|ngacmon)\b",
        r"\bme prek(?:i|u)? (?:ne vende|kur|pa deshiren)\b",
        r"\bdhun(?:e|a) (?:ne|në) (?:shtepi|familje)\b",
    ],
    THREAT: [
        r"\bthreaten",
        r"\bthreat (?:to|that) (?:share|post|leak|send|show|tell)\b",
        r"\bblackmail",
        r"\bsextort",
        r"\bnudes?\b",
        r"\bnaked (?:pics?|photos?|pictures?|videos?)\b",
        r"\b(?:share|post|leak|send|spread|show)\w* (?:my|our|your|her|his) (?:private |intimate )?(?:pics?|photos?|pictures?|videos?)\b",  # noqa: E501
        r"\bor (?:he|she|they|i)(?:'ll| will) (?:post|share|leak|send|tell|show)\b",
        # Albanian
        r"\bkercen",
        r"\bshantazh",
        r"\bfoto(?:t|s|ja)? (?:e |te )?(?:zhveshur|nudo|intime|lakuriq)",
        # Someone else about to publish them ("do i publikojë fotot"), not a learner posting a card photo.
        r"\b(?:publikoje|shperndaje|postoje|nxjerre|hedhe)\w* (?:\w+ )?fotot?\b",
    ],
    DEBT: [
        # The learner's own debt ("i can't pay it back"), not a question about a friend's.
        r"\b(?:i|we|im|i'm|i am)\b.{0,30}\b(?:can'?t|cannot|can not|unable to|no way to) (?:ever )?pay (?:it|them|him|her|this|the \w+|my \w+)? ?back\b",  # noqa: E501
        r"\bowe\w* .{0,40}\b(?:can'?t|cannot|don'?t know how to) (?:pay|afford)\b",
        r"\bdrowning in debt\b",
        r"\b(?:so much|huge|massive|deep|big) debt\b",
        r"\bdebt collectors?\b",
        r"\b(?:borrowed|owe\w*|took)\b.{0,40}\bloan sharks?\b",
        r"\b(?:stressed|scared|panicking|worried sick|terrified) (?:about|of) (?:my |our |the )?(?:debts?|money i owe|paying back)\b",  # noqa: E501
        # Albanian
        r"\b(?:borxh|hua|kredi)\w*\b.{0,60}\b(?:nuk|s) ?(?:\w+ ){0,2}(?:kthej|kthejme|laj|paguaj)\w* dot\b",
        r"\b(?:nuk|s) ?(?:\w+ ){0,2}(?:kthej|kthejme|laj|paguaj)\w* dot\b.{0,60}\b(?:borxh|hua|kredi)",
        r"\bs ?kam (?:si|nga) (?:t ?i |ti |ta |me i )?(?:kthej|kthy|laj)\w* (?:borxh|hua|kredi|parat)",
        r"\bborxh(?:e|et)? (?:te |të )?(?:medha|shume|pafund)\b",
        r"\b(?:mora|kam marre|i kam borxh|me kerkon)\b.{0,40}\bfajde",
        r"\bderi ne fyt\b",
    ],
    GAMBLING: [
        r"\bgambl",
        r"\bbetting\b",
        r"\bbet(?:s|ted)? (?:on|money|everything|all)\b",
        r"\bbookies?\b",
        r"\bcasinos?\b",
        r"\bslot machines?\b",
        r"\broulette\b",
        r"\bbet365\b",
        r"\bscratch cards?\b",
        # Albanian
        r"\bbixhoz",
        r"\bkumar",
        r"\bbast(?:i|e|et|in|ore|oret|eve)?\b(?! te vetem)",  # not "gjithçka në një bast të vetëm"
        r"\bkazino",
        r"\bloj(?:e)?ra(?:t)? (?:e |te )?fatit?\b",
        r"\bskomes",
        r"\bruleta?\b",
    ],
}
_COMPILED = {reason: [re.compile(pattern) for pattern in patterns] for reason, patterns in _PATTERNS.items()}


def _normalise(text: str) -> str:
    """Lower-cased, folded, apostrophes kept as typed, one space between words."""
    return " ".join(albanian.fold(text).replace("’", "'").split())


def reasons(text: str) -> list[str]:
    """What in `text` needs a caring reply, most urgent first; empty for an ordinary question."""
    normalised = _normalise(text)
    return [reason for reason in REASONS if any(pattern.search(normalised) for pattern in _COMPILED[reason])]


def caring_reply(reason: str) -> str:
    """FinBot's fixed reply to a message about `reason`, in the active language."""
    helpline = _(
        "You can call or text ALO 116 111, the free helpline for children and young people in Albania, "
        "any time: someone there will listen."
    )
    replies = {
        SELF_HARM: [
            _(
                "I'm really glad you told me, and I'm sorry you're feeling this way. 💛 You matter, and you "
                "don't have to carry this alone."
            ),
            helpline,
            _(
                "Please talk to a trusted adult today: a parent, a relative, a teacher or the school counsellor. "
                "If you are in danger right now, call 112."
            ),
            _("I'm only a money bot, so I can't help with this the way a person can. They can."),
        ],
        ABUSE: [
            _(
                "Thank you for telling me. 💛 No one has the right to hurt you, and it is never your fault, "
                "whoever they are."
            ),
            helpline,
            _(
                "Tell a trusted adult you feel safe with: a relative, a teacher or the school counsellor. If you "
                "are in danger right now, call the police on 129 or 112."
            ),
        ],
        THREAT: [
            _(
                "I'm sorry this is happening. 💛 Someone threatening you, or asking for photos or money, is "
                "committing a crime, and it is not your fault."
            ),
            _(
                "Don't pay and don't send anything more. Keep the messages (take screenshots), then block them "
                "and report the account."
            ),
            _(
                "Tell a trusted adult today and report it to the police on 129: they deal with threats and "
                "blackmail, including online."
            ),
            helpline,
        ],
        DEBT: [
            _(
                "Owing money you can't pay back is really stressful, but there is a way through it, and you "
                "don't have to sort it out alone. 💛"
            ),
            _(
                "Don't borrow more to pay it off, and stay away from quick loans. Tell a trusted adult today: "
                "together you can write down what is owed and talk to whoever you owe. If someone threatens "
                "you over a debt, that's a matter for the police (129)."
            ),
            helpline,
        ],
        GAMBLING: [
            _(
                "Betting and gambling are built so that the house wins: most people who play lose more than "
                "they win, and they are for adults only. 💛"
            ),
            _(
                "If betting is costing you money or worry, or someone you know can't stop, you're not alone. "
                "Talk to a trusted adult: a parent, a relative or a teacher."
            ),
            helpline,
        ],
    }
    return "\n\n".join(replies[reason])
