"""Albanian text for FinBot's retrieval: folding, stop words and a light stemmer.

Pure functions, the Albanian counterpart of `textsearch.terms`. Teenagers often type
without ë and ç ("si te kursej per nje biciklete"), so both the question and the
articles are folded first (ë → e, ç → c); then the article, case and plural endings
are stripped, so "kursimi", "kursime", "kursim" and "kursimet" meet, and so do
"buxheti" and "buxhet".
"""

import re

_FOLD = str.maketrans({"ë": "e", "ç": "c", "Ë": "e", "Ç": "c"})
# Words; an apostrophe splits them ("t'i" → "t", "i"; "s'kam" → "s", "kam").
_WORD_RE = re.compile(r"[^\W_]+")

# Endings, longest first: definite and indefinite articles, cases and plurals of nouns
# (-i, -a, -ja, -t, -ve, -në, -it, -in, -et, -ët, -ave, -sh …), and the verb and
# derivation endings that tie "kursej", "kursen", "kursim" together.
SUFFIXES = sorted(
    """
    ave eve ive ove ash esh ish ojme ejme ojne ejne uar yer shem shme shmi ues
    jen jes jet jat jeve jave jash jesh
    it in ut un at es se en et ne te ve ja je sh im ej oj on ur me em hem
    i a e u
    """.split(),  # noqa: SIM905 — a word list reads better as text
    key=len,
    reverse=True,
)
# After a vowel, a bare -t or -n is an ending too ("parat", "pagen"); after a consonant
# it is part of the word ("sigurt", "telefon").
AFTER_VOWEL = ("t", "n")
# What an ending may leave behind: shorter roots would run different words together.
MIN_STEM = 4
# A last single vowel may still go down to three letters: "para"/"parat" → "par",
# "paga"/"pagen" → "pag" ("pagesa" keeps "pages": -es would leave too little).
MIN_VOWEL_STEM = 3
VOWELS = "aeiou"

# Folded (no ë, ç), so "është" and "eshte" are one stop word.
STOPWORDS = frozenset(
    """
    a e i u o t s m c q kush
    si te ta ti tu me ma mi mu ne nje ni per pa prej nga mbi nen ndaj tek deri
    dhe edhe ose apo por se qe sepse nese nqs kur ku pse sa cfare cka cila cili cilat cilet cilen cilin cilit
    eshte jane jam je jemi jeni ishte ishin isha ke kam ka kemi keni kane kisha kishte kishim kem kesh jesh
    kete keto ky kjo ai ajo ata ato ketij kesaj atij asaj atyre tyre tij saj ketu atje
    une mua ty neve juve im ime imi tim time tend tende jot jote yt yne jone ju juaj
    nuk mos jo po do duhet duhen mund dua duan doja deshiroj bej ben bejme behet bere thote thone tha
    dicka dikush gje gjera gjithcka asgje ndonje cdo disa shume pak me vetem vertet thjesht akoma ende
    ja pra ok okej hej pershendetje tung ckemi faleminderit flm rrofsh lutem finbot
    dmth di dihet ia vlen neper nepermjet sot tani neser dje
    pas gjithe tjeter tjera tjetri tjetren tjetra njera mia tua tuaj tuat tija vlla vella bro lol pls plz be
    na fare hic tilla tille here heren diku dikujt kaq aq shumica gjithmone gjithmon gjithnje
    sime tona tone tuaja vet vete bashke brenda ndoshta permes mije qind tip tipi tipin qene
    """.split()  # noqa: SIM905 — a word list reads better as text
)

# Words the endings would run into another word, kept apart by how they begin (longest
# first): insurance (sigurim) is not safety (siguri, i sigurt), the exchange rate (kursi
# i këmbimit) is not saving (kursim, kursej). And verbs whose root is too short for the
# endings rule, held together the same way: "ble", "bleva", "blej", "blerje" are one
# word, and paying (paguaj, pagova) is not the salary (paga).
KEEP_APART = {
    "sigurim": "sigurim",
    "sigurue": "sigurim",
    "kursim": "kurs",
    "kursi": "kursi",
    "ble": "blej",
    "bli": "blej",
    "fit": "fitim",
    "pagu": "paguaj",
    "pago": "paguaj",
    "faq": "faqe",
    "shkru": "shkruaj",
    "shit": "shes",
}
_KEEP_APART = sorted(KEEP_APART.items(), key=lambda item: -len(item[0]))

# A learner's words mapped onto the words the articles use (matched by their stems).
SYNONYMS = {
    "taksa": "tatim",
    "rroga": "paga",
    "hua": "kredi",
    "leke": "para",
    "bitcoin": "kripto",
    "btc": "kripto",
    "crypto": "kripto",
    "kriptomonedha": "kripto",
    "iphone": "telefon",
    "smartphone": "telefon",
    "celular": "telefon",
    "cel": "telefon",
    "app": "aplikacion",
    "mashtrues": "mashtrim",
    "sigurt": "siguri",
    "qejf": "argetim",
    "mujore": "muaj",
    "mujor": "muaj",
    "shtohen": "rriten",
    "shtohet": "rritet",
    "azhornoj": "perditesoj",
    "azhornuar": "perditesoj",
    "kilogram": "kg",
    "kile": "kg",
    "kilo": "kg",
    "kartele": "karte",
    "coj": "dergoj",
    "shef": "punedhenes",
    "bos": "punedhenes",
    "pazar": "blerje",
    # English words in an Albanian question.
    "shopping": "blerje",
    "scam": "mashtrim",
    "budget": "buxhet",
    "savings": "kursim",
    "loan": "kredi",
    "discount": "ulje",
    "salary": "paga",
    "tax": "tatim",
    "vat": "tvsh",
    "insurance": "sigurim",
    "subscription": "abonim",
    # Brands and slang, read as the idea the articles name (the glossary's term).
    "bucks": "monedha",
    "vbucks": "monedha",
    "robux": "monedha",
    "kriptovaluta": "kripto",
    "nft": "kripto",
    "coin": "kripto",
    "coins": "kripto",
    "memecoin": "kripto",
    "token": "kripto",
    "ethereum": "kripto",
    "binance": "kripto",
    "minus": "tejkalim",
    "overdraft": "tejkalim",
    "klarna": "bnpl",
    "afterpay": "bnpl",
    "paylater": "bnpl",
    "stock": "aksion",
    "shares": "aksion",
    "revolut": "bank",
    "paypal": "bank",
    "tiktok": "sociale",
    "instagram": "sociale",
    "snapchat": "sociale",
    "discord": "sociale",
    "facebook": "sociale",
    "youtube": "sociale",
    "shein": "dyqan",
    "temu": "dyqan",
    "amazon": "dyqan",
    "aliexpress": "dyqan",
    "vinted": "dyqan",
}


# Question words and filler around a topic ("cili është ndryshimi midis", "a është mirë
# të", "si ta filloj"): weighed down in a question, as in English (folded).
WEAK_WORDS = [
    "ndryshim",
    "ndryshon",
    "ndryshimi",
    "midis",
    "mire",
    "keq",
    "ide",
    "menyre",
    "menyra",
    "fillo",
    "filloj",
    "para",
    "leke",
    "lek",
    "re",
    "ri",
    "ndodh",
    "kuptim",
    "flas",
    "normale",
    "mjafton",
    "gabim",
    "dalloj",
    "dallim",
    "vjec",
    # Where it happens ("në shkollë", "në klasë") is not what it is about either.
    "shkolle",
    "klase",
    # Who is in the story ("mami thotë", "shoku më tha") is not what it is about.
    "mami",
    "mama",
    "nena",
    "babi",
    "baba",
    "motra",
    "vellai",
    "gjyshi",
    "gjyshja",
    "tezja",
    "halla",
    "xhaxhai",
    "kusheriri",
    "kusherira",
    "shoku",
    "shoqja",
]


# How teens type, read as the standard (folded) words the articles use, before stop words
# and stemming. Gheg and chat spellings ("osht", "jan", "kom", "bo", "ma", "shum"), a
# dropped apostrophe ("ska" is "s'ka", "sdi" is "s'di"), and the ways of saying money
# ("lek", "lekt", "pare", "parat"): once standard, most are stop words, so they no longer
# dilute a question. Articles go through the same table, so a form must mean the same
# there ("ma" and "me" are both stop words, as pronoun or as "more").
COLLOQUIAL = {
    "osht": "eshte",
    "asht": "eshte",
    "esht": "eshte",
    "jan": "jane",
    "jon": "jane",
    "kom": "kam",
    "ki": "ke",
    "kena": "kemi",
    "bo": "bej",
    "boj": "bej",
    "bon": "ben",
    "bojne": "bejne",
    "bone": "bere",
    "ba": "bere",
    "bohet": "behet",
    "bahet": "behet",
    "bohen": "behen",
    "bahen": "behen",
    "bahem": "behem",
    "bohem": "behem",
    "ma": "me",
    "cka": "cfare",
    "qka": "cfare",
    "ca": "cfare",
    "shum": "shume",
    "vec": "vetem",
    "veq": "vetem",
    "femi": "femije",
    "krejt": "gjithe",
    "thot": "thote",
    "thojne": "thone",
    "munet": "mund",
    "mundet": "mund",
    "munem": "mund",
    "mundem": "mund",
    "mujm": "mund",
    "ska": "s ka",
    "skam": "s kam",
    "ske": "s ke",
    "skemi": "s kemi",
    "sdi": "s di",
    "sduhet": "s duhet",
    "spo": "s po",
    "sma": "s me",
    "sjam": "s jam",
    "smund": "s mund",
    "sme": "s me",
    "lek": "para",
    "leke": "para",
    "lekt": "para",
    "lekun": "para",
    "lekesh": "para",
    "pare": "para",
    "paret": "para",
    "parat": "para",
    "parash": "para",
    "jom": "jam",
    "kan": "kane",
    "jena": "jemi",
    "qysh": "si",
    "tash": "tani",
    "najsen": "dicka",
    "diqka": "dicka",
    "kurgjo": "asgje",
    "nashta": "ndoshta",
    "qdo": "cdo",
    "leket": "para",
    "lekve": "para",
    "lekeve": "para",
    "cash": "para",
    # Gheg participles, which are no other word: "kam kursy", "me i fut".
    "kursy": "kursej",
    "fut": "fus",
    "mbajt": "mbaj",
    "lujt": "luaj",
    "kthy": "kthej",
    "kembye": "kembej",
    "pyt": "pyes",
    "hjek": "heq",
    "dhane": "jap",
    "dhene": "jap",
    # Irregular forms the endings cannot join.
    "shet": "shes",
    "shesin": "shes",
    "lesh": "le",
    "lon": "le",
    "lane": "le",
    "du": "dua",
    "mori": "marr",
    "mora": "marr",
    "moren": "marr",
    "morri": "marr",
    "morren": "marr",
    "dal": "del",
    "dalin": "del",
    "vjet": "vite",
    "vjetesh": "vitesh",
    "ra": "bie",
    "rane": "bien",
    "insta": "instagram",
    "ig": "instagram",
    "snap": "snapchat",
    "fb": "facebook",
}
# Gheg's infinitive, "me" + participle ("me ble", "me i investu", "me pas"), is standard
# "të" + verb, and its perfect ("e kam ble", "i kam fut") the standard perfect: the
# participle is read as the verb. One in -u ("investu", "rregullu") meets its verb
# through the endings, the others are in COLLOQUIAL; these few are other words too, so
# they are read so only right after "me" or "kam" (and object pronouns): "pas" alone is
# "after", "pa" is "without".
PARTICIPLES = {"pas": "kam", "pa": "shoh", "la": "le", "nda": "ndaj", "cu": "coj", "qit": "nxjerr"}
_OBJECT_PRONOUNS = frozenset("i e u t m ta te ia ja ma na ju ua jua".split())  # noqa: SIM905
_BEFORE_PARTICIPLE = frozenset("me kam ke ka kemi keni kane kom kena kisha kishe kishte".split())  # noqa: SIM905
# Phrases read as the one idea they name (on folded text): a minus sign before an
# amount is an overdraft's "minus", "pay in 4" is "buy now, pay later", prices rising
# (or what something "used to cost" now) is inflation, "x100" is the promise of a gain,
# "interest on interest" is compound, buying "without thinking" is impulsive.
PHRASES = [
    (re.compile(r"\bqmim"), "cmim"),  # Kosovo's q for ç
    (re.compile(r"(?<![\w-])-(?=\d)"), " minus "),
    # A foreign word's Albanian ending after a hyphen ("app-in", "PIN-i", "Klarna-s").
    (re.compile(r"(?<=\w)-(?:i|in|it|ja|je|ne|n|s|t|te|ve|et|at|a|e)\b"), ""),
    # An address is a website ("zarra-shop.com").
    (re.compile(r"\b[\w-]+\.(?:com|al|net|org|shop|store|info|eu)\b"), " faqe online "),
    (re.compile(r"\b(?:gjithe|gjate gjithe) koh\w*"), " gjithmone "),
    (re.compile(r"\bkushton(?:te|in)\b(?=.*\b(?:tani|sot)\b)"), " inflacion "),
    (re.compile(r"\bpay (?:in )?\d\b|\bbli tani,? paguaj me vone\b|\bbuy now,? pay later\b"), " bnpl "),
    (re.compile(r"\bcmim\w* (?:\w+ ){0,3}(?:rrit|shtrenjt)\w*"), " inflacion "),
    (re.compile(r"\binteres\w* mbi (?:interes|interesin|interesat)\b"), " interes i perbere "),
    (re.compile(r"\bpa (?:e |i )?mendu(?:ar)?\b"), " impulsive "),
    (re.compile(r"\brritj\w* e cmim\w*|\bshtrenjto\w*|\bshtrenjtim\w*|\bshtrenjtesi\w*"), " inflacion "),
    (re.compile(r"\bx\d{2,}\b"), " fitim "),
]


def fold(text: str) -> str:
    """Lower-cased, with ë → e and ç → c, as teens type without them."""
    return text.lower().translate(_FOLD)


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return _WORD_RE.findall(fold(text))


def stem(word: str) -> str:
    """Strip endings while enough of the word is left: kursimet → kursim → kurs, buxheti → buxh."""
    if word.isdigit():
        return word
    for start, kept in _KEEP_APART:
        if word.startswith(start):
            return kept
    stripped = True
    while stripped:
        stripped = False
        for suffix in SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
                word = word[: -len(suffix)]
                stripped = True
                break
        else:
            if word[-1:] in AFTER_VOWEL and word[-2:-1] in VOWELS and len(word) > MIN_STEM:
                word = word[:-1]
                stripped = True
    if word[-1:] in VOWELS and len(word) - 1 >= MIN_VOWEL_STEM:
        word = word[:-1]
    if len(word) >= MIN_STEM + 1 and word.endswith("er") and word[-3] not in VOWELS:
        word = word[:-2] + "r"  # "letër" loses its ë in "letra", "numër" in "numri"
    return word


_SYNONYM_STEMS = {stem(word): stem(meant) for word, meant in SYNONYMS.items()}


def key(word: str) -> str:
    """A folded word's matching key: its stem, or the stem of the article word it stands for."""
    stemmed = stem(word)
    return _SYNONYM_STEMS.get(stemmed, stemmed)


WEAK_KEYS = frozenset(key(word) for word in WEAK_WORDS)

# Words that are about money only beside a money word: an account (bank or Instagram),
# points (credit or Fortnite), hours (paid or slept), holidays, homework and maths (a
# sum on interest, or on triangles), interest (a rate, or in books), opening (an account
# or an app), a code (a PIN or the wifi's), a phone (saved for, or broken). In a question
# with no money word they count as filler (`textsearch.Language`).
CONTEXTUAL_WORDS = [
    "llogari",
    "pike",
    "ore",
    "pushime",
    "vere",
    "detyre",
    "matematike",
    "vjecar",
    "interes",
    "hap",
    "kod",
    "telefon",
]
# Words that make a question about money (folded, as typed or standard).
MONEY_WORDS = """
    para lek euro dollar cent bank banke karte kartela kursim kursej kursy buxhet kredi borxh hua
    invest investim aksion obligacion fond bnpl tejkalim inflacion tatim taksa tvsh paga rroga
    pagese paguaj blej blerje shes shitje shpenzim shpenzoj harxhoj cmim kushton lire shtrenjte
    fitim humbje rrezik mashtrim abonim sigurim tarife fature keste xhep pune punoj fitoj kripto
    bitcoin pasuri ulje oferte zbritje depozite bankomat atm iban pin bankare financiare transferte
"""  # a list reads better as text


def standard(text: str) -> list[str]:
    """The folded words of a text, colloquial and Gheg forms read as standard Albanian."""
    folded = fold(text)
    for pattern, meant in PHRASES:
        folded = pattern.sub(meant, folded)
    typed = _WORD_RE.findall(folded)
    result: list[str] = []
    for position, word in enumerate(typed):
        before = typed[max(0, position - 3) : position]
        if word in PARTICIPLES and _after_me_or_kam(before):
            result.append(PARTICIPLES[word])
        else:
            result.extend(COLLOQUIAL.get(word, word).split())
    return result


def _after_me_or_kam(before: list[str]) -> bool:
    """Whether the words before a participle end in "me" or "kam", maybe with object pronouns after it."""
    for word in reversed(before):
        if word in _BEFORE_PARTICIPLE:
            return True
        if word not in _OBJECT_PRONOUNS:
            return False
    return False


def terms(text: str) -> list[str]:
    """The meaningful, stemmed words of an Albanian text, in order (repeats kept)."""
    return [key(word) for word in standard(text) if word not in STOPWORDS and (len(word) > 1 or word.isdigit())]


def query_words(text: str) -> list[str]:
    """The meaningful words of an Albanian question as typed (lower-cased), without repeats."""
    typed = _WORD_RE.findall(text.lower())
    return list(dict.fromkeys(word for word in typed if fold(word) not in STOPWORDS and len(word) > 1))


CONTEXTUAL_KEYS = frozenset(key(word) for word in CONTEXTUAL_WORDS)
MONEY_KEYS = frozenset(key(word) for word in MONEY_WORDS.split()) - CONTEXTUAL_KEYS
# What FinBot answers about besides MONEY_WORDS: keeping money and yourself safe, needs and
# wants, work. A question with none of either is not one ("sa orë duhet të flejë një 14-vjeçar",
# "kur fillojnë pushimet"): `textsearch.Language.domain`.
TOPIC_WORDS = """
    monedhe pagesa ardhura oferta terheq aksione komision tatime dogane perballoj varfer portofol
    fjalekalim hakuar phishing link identitet privatesi personale bamiresi dhuroj kembim valute
    perqindje hipoteke dyqan porosi rimbursim qira punedhenes kontrate turn pension bakshish vlere
    ekonomi treg tregti bast kazino llotari loto apple pay nevoje deshire dividend norme pako dergese
    garanci kthim ditelindje hoodie atlete rroba marke samsung playstation ps5 skin koncert ekskursion
    """  # a list reads better as text
DOMAIN_KEYS = MONEY_KEYS | (frozenset(terms(TOPIC_WORDS)) - CONTEXTUAL_KEYS)
