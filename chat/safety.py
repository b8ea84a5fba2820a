"""Spotting private data in a learner's message (DESIGN.md, "Minors, accounts and safety").

Card numbers (the Luhn check of python-stdnum), IBANs of every country (python-stdnum's
registry), PINs, passwords, phone numbers (phonenumbers, Albanian numbers without
their +355 too), email addresses and personal ID numbers. PINs, passwords and ID
numbers are found as English and Albanian learners write them ("my pin is …", "PIN-i im
është …", "numri personal: …"); the rest look alike in any language.

Pure functions. A message that holds any of these is never sent to a model, is stored
redacted, and gets a kind explanation instead of an answer.
"""

import re
from dataclasses import dataclass, field

import phonenumbers
from django.utils.translation import gettext as _
from stdnum import iban, luhn

MAX_MESSAGE_LENGTH = 1000

CARD, IBAN, PIN, PASSWORD, PHONE, EMAIL, ID_NUMBER = "card", "iban", "pin", "password", "phone", "email", "id"
KINDS = [CARD, IBAN, PIN, PASSWORD, PHONE, EMAIL, ID_NUMBER]
# Where a phone number without its country code is read as local: Albania.
PHONE_REGION = "AL"

# 13–19 digits, single spaces or dashes allowed between them, not part of a longer number,
# a price ("1,299.99") or an international phone number ("+355 …", "00 355 …"): card
# numbers never start with 0.
_CARD_RE = re.compile(r"(?<![\d.,+])[1-9](?:[ -]?\d){12,18}(?!\d|[.,]\d|[ -]\d)")
_CVV_RE = re.compile(r"\b(?:cvv2?|cvc2?|security\s+code)\b\s*(?:is|:|=|-)?\s*(\d{3,4})\b", re.IGNORECASE)
# Two letters, two check digits, then the account part (letters/digits, spaces allowed).
_IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){10,30}", re.IGNORECASE)
_PIN_RE = re.compile(
    r"\bpin(?:[\s-]*(?:code|number|no\.?))?\b\s*(?:(?:is|was|=|:|-)\s*)?(\d{4,8})\b",
    re.IGNORECASE,
)
_PASSWORD_RE = re.compile(
    r"\b(?:(?:my|our)\s+(?:\w+\s+)?(?:password|passcode|passwd)\s+(?:is|was)\s+"
    r"|(?:password|passcode|passwd|pwd)\s*[:=]\s*)"
    r"(\S+)",
    re.IGNORECASE,
)

# Albanian: "PIN-i im është 1234", "pini i kartës sime: 1234", "pin-in e kam 1234".
_SQ_PIN_WORDS = r"(?:im|ime|tim|time|sime|yt|jote|i|e|ri|kam|kart[eë]s|[eë]sht[eë]|ishte)"
_PIN_SQ_RE = re.compile(
    rf"\bpin(?:-?(?:i|in|it|kodi)|\s+kodi)?\b(?:\s+{_SQ_PIN_WORDS}){{0,4}}\s*[:=-]?\s*(\d{{4,8}})\b",
    re.IGNORECASE,
)
# "fjalëkalimi im është …", "passwordi i instagramit është …", "fjalekalimi: …" — but not
# "fjalëkalimi im është i gjatë" (is long) or "shumë i thjeshtë" (too simple).
_PASSWORD_SQ_RE = re.compile(
    r"\b(?:fjal[eë]kalim|password)\w*(?:\s+(?:im|tim|yt|jot[eë]))?(?:\s+i\s+\w+)?\s+(?:[eë]sht[eë]|ishte|e\s+kam)\s+"
    r"(?!(?:i|e|t[eë]|shum[eë]|mjaft|kaq|sa|shkurt[eë]r|gjat[eë])\b)(\S+)"
    r"|\bfjal[eë]kalim\w*\s*[:=]\s*(\S+)",
    re.IGNORECASE,
)

_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}\b")
# Albania's personal number (numri personal, on every ID card): a letter, eight digits, a letter.
_ALBANIAN_ID_RE = re.compile(r"\b[A-Z]\d{8}[A-Z]\b", re.IGNORECASE)
# Any ID number the learner names as one: "my ID number is …", "passport no: …",
# "numri personal është …", "nr. i letërnjoftimit: …" (the number must hold a digit).
_NAMED_ID_RE = re.compile(
    r"\b(?:(?:personal|id|identity|passport|social\s+security|national\s+insurance)\s+(?:card\s+)?"
    r"(?:number|no\.?|nr\.?)|passport|numr(?:i|in)?\s+(?:im\s+)?personal|nr\.?\s+personal"
    r"|(?:numr(?:i|in)?|nr\.?)\s+(?:i|e)\s+(?:let[eë]rnjoftimit|kart[eë]s\s+s[eë]\s+identitetit|pasaport[eë]s))"
    r"(?:\s+(?:is|was|im|[eë]sht[eë]|ishte))?\s*[:=-]?\s*((?=[A-Z]*\d)[A-Z0-9]{6,14})\b",
    re.IGNORECASE,
)


@dataclass
class Scan:
    """What was found in a message, and the message with those parts hidden."""

    text: str
    redacted: str
    kinds: list[str] = field(default_factory=list)

    @property
    def sensitive(self) -> bool:
        return bool(self.kinds)


def _card_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _CARD_RE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if len(set(digits)) > 1 and luhn.is_valid(digits):
            spans.append(match.span())
    spans += [match.span(1) for match in _CVV_RE.finditer(text)]
    return spans


def _iban_spans(text: str) -> list[tuple[int, int]]:
    """IBANs, each the longest valid one a candidate starts with ("… 8741 please" keeps "please")."""
    spans = []
    for match in _IBAN_RE.finditer(text):
        ends = [match.start() + index + 1 for index, char in enumerate(match.group()) if char != " "]
        for end in reversed(ends):
            if text[end : end + 1].isalnum():
                continue  # a longer run of letters and digits is not this IBAN
            if iban.is_valid(text[match.start() : end]):
                spans.append((match.start(), end))
                break
    return spans


def _phone_spans(text: str) -> list[tuple[int, int]]:
    matcher = phonenumbers.PhoneNumberMatcher(text, PHONE_REGION, leniency=phonenumbers.Leniency.VALID)
    return [(match.start, match.end) for match in matcher]


def scan(text: str) -> Scan:
    """Find private data in `text`; `redacted` replaces each finding with a label."""
    found: list[tuple[int, int, str]] = []
    found += [(start, end, CARD) for start, end in _card_spans(text)]
    found += [(start, end, IBAN) for start, end in _iban_spans(text)]
    found += [(*match.span(1), PIN) for pattern in (_PIN_RE, _PIN_SQ_RE) for match in pattern.finditer(text)]
    found += [(*match.span(1), PASSWORD) for match in _PASSWORD_RE.finditer(text)]
    found += [(*match.span(match.lastindex or 1), PASSWORD) for match in _PASSWORD_SQ_RE.finditer(text)]
    found += [(start, end, PHONE) for start, end in _phone_spans(text)]
    found += [(*match.span(), EMAIL) for match in _EMAIL_RE.finditer(text)]
    found += [(*match.span(), ID_NUMBER) for match in _ALBANIAN_ID_RE.finditer(text)]
    found += [(*match.span(1), ID_NUMBER) for match in _NAMED_ID_RE.finditer(text)]
    # An IBAN's or a card's digits can also look like a phone number: keep the widest finding.
    found.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    kept: list[tuple[int, int, str]] = []
    for start, end, kind in found:
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, kind))
    labels = {
        CARD: _("[card number removed]"),
        IBAN: _("[IBAN removed]"),
        PIN: _("[PIN removed]"),
        PASSWORD: _("[password removed]"),
        PHONE: _("[phone number removed]"),
        EMAIL: _("[email address removed]"),
        ID_NUMBER: _("[ID number removed]"),
    }
    redacted, position = [], 0
    for start, end, kind in kept:
        redacted += [text[position:start], labels[kind]]
        position = end
    redacted.append(text[position:])
    kinds = sorted({kind for _start, _end, kind in kept}, key=KINDS.index)
    return Scan(text=text, redacted="".join(redacted), kinds=kinds)


MONEY_KEYS = {CARD, IBAN, PIN, PASSWORD}


def explanation(kinds: list[str]) -> str:
    """FinBot's answer to a message that held private data."""
    names = {
        CARD: _("a card number"),
        IBAN: _("a bank account number (IBAN)"),
        PIN: _("a PIN"),
        PASSWORD: _("a password"),
        PHONE: _("a phone number"),
        EMAIL: _("an email address"),
        ID_NUMBER: _("an ID number"),
    }
    what = _(" and ").join(names[kind] for kind in kinds) or _("private details")
    parts = [
        _(
            "Hold on! 🛑 It looks like your message contained %(what)s. I hid it and didn't send it anywhere, "
            "and it isn't saved in our chat."
        )
        % {"what": what}
    ]
    if MONEY_KEYS & set(kinds):
        parts.append(
            _(
                "Card numbers, IBANs, PINs and passwords are keys to your money. Never share them in a chat, "
                "a game, a message or a call — not with friends, not with a bot, and not with someone who says "
                "they're from your bank. A real bank will never ask for your PIN or password."
            )
        )
    if set(kinds) - MONEY_KEYS:
        parts.append(
            _(
                "Phone numbers, email addresses and ID numbers are personal details: with them, someone can "
                "contact you or pretend to be you. Keep them out of chats and games, and only give them to "
                "people and sites you and a parent trust."
            )
        )
    parts.append(
        _(
            "If you think someone has seen them, tell a parent or guardian, and call your bank if it was a card "
            "or account detail so they can block it. Then ask me anything about money — just leave the secret "
            "bits out! 🙂"
        )
    )
    return "\n\n".join(parts)
