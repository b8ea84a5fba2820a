"""Spotting private data in a learner's message: card numbers, IBANs, PINs, passwords.

PINs and passwords are found as English and Albanian learners write them ("my pin is …",
"PIN-i im është …", "fjalëkalimi: …"); card numbers and IBANs look alike in any language.

Pure functions. A message that holds any of these is never sent to a model, is stored
redacted, and gets a kind explanation instead of an answer.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_MESSAGE_LENGTH = 1000

CARD, IBAN, PIN, PASSWORD = "card", "iban", "pin", "password"

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

# IBAN lengths per country (the SWIFT IBAN registry).
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29,
    "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip


@dataclass
class Scan:
    """What was found in a message, and the message with those parts hidden."""

    text: str
    redacted: str
    kinds: list[str] = field(default_factory=list)

    @property
    def sensitive(self) -> bool:
        return bool(self.kinds)


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def iban_valid(candidate: str) -> bool:
    """ISO 13616: known country, its length, and the mod-97 check."""
    iban = candidate.replace(" ", "").upper()
    if IBAN_LENGTHS.get(iban[:2]) != len(iban) or not iban[2:4].isdigit() or not iban.isalnum():
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def _card_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _CARD_RE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if len(set(digits)) > 1 and luhn_valid(digits):
            spans.append(match.span())
    spans += [match.span(1) for match in _CVV_RE.finditer(text)]
    return spans


def _iban_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _IBAN_RE.finditer(text):
        country = match.group()[:2].upper()
        length = IBAN_LENGTHS.get(country)
        if not length:
            continue
        # The pattern may run on into the next word ("… 8741 please"): keep exactly the
        # country's length of characters, counted without spaces.
        end, seen = match.start(), 0
        for index, char in enumerate(match.group()):
            if char != " ":
                seen += 1
            if seen == length:
                end = match.start() + index + 1
                break
        else:
            continue
        if text[end : end + 1].isalnum():
            continue  # a longer run of letters and digits is not this IBAN
        if iban_valid(text[match.start() : end]):
            spans.append((match.start(), end))
    return spans


def scan(text: str) -> Scan:
    """Find private data in `text`; `redacted` replaces each finding with a label."""
    found: list[tuple[int, int, str]] = []
    found += [(start, end, CARD) for start, end in _card_spans(text)]
    found += [(start, end, IBAN) for start, end in _iban_spans(text)]
    found += [(*match.span(1), PIN) for pattern in (_PIN_RE, _PIN_SQ_RE) for match in pattern.finditer(text)]
    found += [(*match.span(1), PASSWORD) for match in _PASSWORD_RE.finditer(text)]
    found += [(*match.span(match.lastindex or 1), PASSWORD) for match in _PASSWORD_SQ_RE.finditer(text)]
    # An IBAN's digits can also look like a card number: keep the widest finding.
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
    }
    redacted, position = [], 0
    for start, end, kind in kept:
        redacted += [text[position:start], labels[kind]]
        position = end
    redacted.append(text[position:])
    kinds = sorted({kind for _start, _end, kind in kept}, key=[CARD, IBAN, PIN, PASSWORD].index)
    return Scan(text=text, redacted="".join(redacted), kinds=kinds)


def explanation(kinds: list[str]) -> str:
    """FinBot's answer to a message that held private data."""
    names = {
        CARD: _("a card number"),
        IBAN: _("a bank account number (IBAN)"),
        PIN: _("a PIN"),
        PASSWORD: _("a password"),
    }
    what = _(" and ").join(names[kind] for kind in kinds) or _("private details")
    return _(
        "Hold on! 🛑 It looks like your message contained %(what)s. I hid it and didn't send it anywhere, "
        "and it isn't saved in our chat.\n\n"
        "Card numbers, IBANs, PINs and passwords are keys to your money. Never share them in a chat, "
        "a game, a message or a call — not with friends, not with a bot, and not with someone who says "
        "they're from your bank. A real bank will never ask for your PIN or password.\n\n"
        "If you think someone has seen them, tell a parent or guardian and call your bank so they can "
        "block the card or change your details. Then ask me anything about money — just leave the secret "
        "bits out! 🙂"
    ) % {"what": what}
