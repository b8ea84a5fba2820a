"""What a teenager's English question is about when it never names the topic.

"Why did a meal cost 5 a few years ago and now it's 8?" is about inflation without the
word; "my account went to -50" is an overdraft; "my mate wants to use my account to get
paid" is a money mule. Each topic below lists the ways learners put it (brands, slang,
stories); a question that says one of them gets the topic's words added to its own, as
if it had named the topic. The topic words are the ones the articles use (their titles
and tags), so the ranking stays one BM25F over the articles' own text.

Phrases are regular expressions over the lower-cased question, matched on word
boundaries. They are knowledge about how people talk about money, not about any one
question: a phrase belongs here when any learner saying it means the topic.
"""

import re

CONCEPTS: dict[str, list[str]] = {
    "budget": [r"plan (?:out )?(?:my|your) money"],
    "50/30/20 rule": [
        r"\d+ ?% (?:goes|go|for|on) (?:to )?(?:needs|wants|savings?|fun)",
        r"(?:needs|wants|savings?)[^.?!]{0,30}\b(?:other two|other numbers|percent(?:ages)?)",
        r"half (?:goes|go|of it|my money)? ?(?:on|to|for) needs",
        r"50 ?/ ?30 ?/ ?20",
    ],
    "needs wants essentials": [
        r"(?:a|really a|just a) (?:need|want)",
        r"need (?:it )?or (?:just )?(?:a )?want",
        r"(?:want|wants) (?:it )?(?:not|or) need",
        r"essential|nice to have|necessit\w+|luxur\w+",
    ],
    "saving goal": [
        r"how much (?:do i need to |should i |to )?(?:save|put (?:away|aside)) (?:per|a|each|every) (?:week|month|day)",
        r"how much (?:per|a|each|every) (?:week|month|day)",
        r"\bby (?:christmas|summer|my birthday|the holidays|easter|next year)",
        r"saving (?:up )?for (?:a|an|the|my)\b",
        r"(?:lock ?screen|picture|photo) of (?:what|the thing)|motivat\w+ (?:to|while) sav\w+",
    ],
    "compound interest": [
        r"interest on (?:the )?interest",
        r"(?:8th|eighth) wonder",
        r"einstein",
        r"year (?:2|two) interest|interest (?:bigger|grows|higher) (?:each|every) year",
        r"\d+ (?:turn|turns|become|becomes|grow|grows) into \d+",
    ],
    "inflation": [
        r"(?<!share )(?<!stock )prices? (?:keep |kept |always |have |has )?"
        r"(?:go(?:es|ing)? up|went up|rise|rising|rose|risen|increase\w*|climb\w*)",
        r"(?:cost|costs|was|were|used to be)[^.?!]{0,25}(?:years?|months?|decades?) ago",
        r"(?:buys?|get|gets) (?:way |much |a lot )?less than (?:it )?used to",
        r"more expensive (?:every|each) year|(?:everything|stuff) (?:is )?getting (?:more )?expensive",
        r"prices? (?:went|go|goes) up \d+ ?%|prices? rose \d+ ?%",
        r"cost of living",
    ],
    "overdraft": [
        r"below zero|under zero",
        r"(?:went|go|goes|gone|is|into|to) (?:to )?(?:minus|negative|-\s?\d+)",
        r"minus \d+|-\d+",
        r"in the red",
        r"spend more than (?:i|you) (?:have|had)",
    ],
    "minimum payment": [r"min(?:imum)? (?:payment|due|repayment)|pay (?:just |only )?the minimum"],
    "pay later": [
        r"klarna|afterpay|clearpay|pay in (?:3|4|three|four)|split (?:it|the payment|payments) into",
        r"pay(?:ing)? later",
    ],
    "investing": [
        r"shares? (?:and|or) stuff|stock market",
        r"what can (?:you|i) (?:even )?invest in",
    ],
    "risk return": [
        r"why (?:do|would) (?:people|ppl|anyone) (?:keep|leave) (?:money|cash) in (?:a )?savings?",
        r"savings? (?:account )?(?:pays?|gives?|earns?) (?:so )?little",
    ],
    "diversify": [
        r"(?:tiny |small )?bits of (?:lots|hundreds|loads) of companies",
        r"(?:lots|loads|hundreds|bunch) of (?:different )?(?:stocks|shares|companies)",
        r"(?:one|a single) (?:company|stock)|all (?:my )?eggs",
    ],
    "crypto": [r"bitcoin|btc|ethereum|dogecoin|memecoin|crypto\w*|(?:wrong|crypto) wallet"],
    "scams teenagers": [
        r"make (?:\d+|money|bank|cash) (?:a|per|every) (?:week|day|month) (?:from|on|with) (?:your|my) phone",
        r"(?:join|dm) (?:his|her|my|their|a|the) (?:group|course|team)",
        r"(?:tiktok|insta|instagram|snap|snapchat|youtube) (?:guy|girl|influencer|account)",
        r"too good to be true|get rich|easy money",
    ],
    "money mule": [
        r"(?:use|borrow|rent|lend) (?:my|your|his|her) (?:bank )?(?:account|card|revolut)",
        r"(?:receive|recieve|get) (?:payments?|money) (?:into|in|to) (?:my|your) (?:bank )?account",
        r"(?:forward|pass|send) (?:them|it|the money|money) (?:on|through)",
        r"(?:pass|passes|go) through (?:my|your) account",
        r"keep \d+ ?%",
    ],
    "identity theft": [
        r"full name|date of birth|home address|(?:my|your) (?:school|birthday) (?:and|,)",
        r"personal (?:info|information|details|data)",
        r"(?:in|on) (?:my|your) (?:insta|instagram|tiktok|snap)? ?bio",
    ],
    "side hustle": [
        r"(?:sell|selling|sold) (?:my )?(?:old )?(?:clothes|stuff|things|trainers|games)",
        r"vinted|depop|ebay",
        r"(?:mow|mowing|cut) (?:the |my )?(?:neighbou?rs?'?s? )?lawns?|babysit\w*|dog walk\w*|walk(?:ing)? dogs",
        r"how much (?:should|do|can) i charge",
    ],
    "gross net": [
        r"before (?:or after )?tax|after tax|take[- ]home",
    ],
    "bank fees": [
        r"(?:bank|they) (?:took|charged|takes|charges) (?:me )?\d*|fee for (?:a )?new card",
    ],
    "currency exchange": [
        r"(?:dollars?|euros?|pounds?|lek) (?:do i get )?for \d+ (?:euros?|dollars?|pounds?|lek)",
        r"how many (?:dollars|euros|pounds|lek)",
        r"(?:going|travel\w*|trip) (?:to|abroad)",
    ],
    "unit price": [
        r"\d+ ?(?:g|kg|ml|l|litres?|liters?|grams?) (?:or|vs|for)",
        r"(?:better|best) (?:deal|value)|bigger pack|per (?:kg|100 ?g|litre|liter)",
    ],
    "subscriptions": [
        r"icloud|disney\+?|prime video|game ?pass|xbox live|ps plus|youtube premium",
        r"charg\w+ me (?:every|each) month|monthly (?:charge|payment)|free trial",
    ],
    "peer pressure": [
        r"(?:can'?t|cannot|cant) afford (?:the|to go|to|it)",
        r"everyone (?:on \w+ |at school |in my class )?(?:has|have|is buying|got)",
        r"(?:my )?(?:squad|friends|mates|crew) (?:want|wants|are|keep)|feel (?:left out|like i need)",
        r"fomo|fit in|fitting in",
    ],
    "insurance": [r"deductible|premium|excess|insur\w+"],
}

# Money words in other senses: read as what they mean there, so "bank holiday" or "the
# end credits" do not make a question about banks or credit.
OTHER_SENSES = {
    "holiday": r"bank holidays?",
    "film": r"(?:end|opening|movie|film) credits",
    "picture": r"stock (?:photos?|images?|pictures?|footage)",
    "button": r"share (?:button|screen|link)",
    "chemistry": r"(?:chemical|covalent|ionic|hydrogen|metallic) bonds?",
    "game level": (
        r"(?:invest )?(?:skill|ability|perk) points?"
        r"|score (?:in|on) (?:a |the )?(?:fortnite|minecraft|roblox|fifa|game|match|test|exam|quiz)"
        r"|deposit (?:a |my |the )?pokemon"
    ),
    "battery": r"charg\w* (?:my |the |your )?(?:phone|airpods|battery|case|laptop|ipad|controller)",
    "file": r"save (?:a|the|my|your) (?:file|game|essay|progress|world|document|doc|pdf|photo)",
}


def _pattern(phrases: list[str]) -> re.Pattern:
    return re.compile(r"(?<!\w)(?:" + "|".join(phrases) + r")(?!\w)")


# Other senses first: "charge my airpods" never reaches the money topics.
_COMPILED = [(_pattern([phrase]), words) for words, phrase in OTHER_SENSES.items()] + [
    (_pattern(phrases), words) for words, phrases in CONCEPTS.items()
]


def rewrite(question: str) -> str:
    """The question with each way of putting a topic replaced by the topic's words.

    Replaced, not added to: "einstein" and "8th wonder" say "compound interest" and
    should weigh as that, not as words no article holds.
    """
    text = question.lower().replace("’", "'")
    for pattern, words in _COMPILED:
        text = pattern.sub(f" {words} ", text)
    return text


# FinBot answers questions about money and staying safe with it: a question without one
# of these words (once read through the topics above) is not one, however many of its
# words an article shares ("can dogs eat chocolate", "how do i train my dog to sit").
MONEY_WORDS = frozenset(
    """
    money cash pay paid payment price cost costs buy bought sell sold spend spent save saving savings bank
    card account euro euros lek dollar dollars pound pounds cent earn earned job work wage salary interest
    loan debt credit owe borrow lend invest investing stock share bond fund etf crypto scam fee fees tax
    budget afford expensive cheap deal discount subscription insurance allowance pocket rich poor coin wallet
    pin password hack hacked phishing fake link personal identity private privacy charity donate bill
    statement payslip profit return risk deposit withdraw atm transfer iban contactless exchange currency
    rate percent mortgage overdraft minimum shop shopping order refund receipt rent wealth income broke
    tip tips worth value apr cashback purchase purchases sale bid auction lottery bet gamble casino
    score dividend dividends shareholder vat customs limit tap contract shift boss employer employee
    hire hired payday overtime pension address scammer fraud steal stolen finance financial economy
    market trading trade tariff charge charged cheque
    """.split()  # noqa: SIM905 — a word list reads better as text
)
