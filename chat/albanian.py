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
    it in ut un at es se en et ne te ve ja je sh im ej oj on ur me
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
    eshte jane jam je jemi jeni ishte ishin isha ke kam ka kemi keni kane kisha kishte kishim
    kete keto ky kjo ai ajo ata ato ketij kesaj atij asaj atyre tyre tij saj ketu atje
    une mua ty neve juve im ime imi tim time tend tende jot jote yt yne jone ju juaj
    nuk mos jo po do duhet duhen mund dua duan doja deshiroj bej ben bejme behet bere thote thone tha
    dicka dikush gje gjera gjithcka asgje ndonje cdo disa shume pak me vetem vertet thjesht akoma ende
    ja pra ok okej hej pershendetje tung ckemi faleminderit flm rrofsh lutem finbot
    dmth di dihet ia vlen neper nepermjet sot tani neser dje
    """.split()  # noqa: SIM905 — a word list reads better as text
)

# Words the endings would run into another word, kept apart by how they begin (longest
# first): insurance (sigurim) is not safety (siguri, i sigurt), the exchange rate (kursi
# i këmbimit) is not saving (kursim, kursej).
KEEP_APART = {"sigurim": "sigurim", "sigurue": "sigurim", "kursim": "kurs", "kursi": "kursi"}
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
    return word


_SYNONYM_STEMS = {stem(word): stem(meant) for word, meant in SYNONYMS.items()}


def key(word: str) -> str:
    """A folded word's matching key: its stem, or the stem of the article word it stands for."""
    stemmed = stem(word)
    return _SYNONYM_STEMS.get(stemmed, stemmed)


WEAK_KEYS = frozenset(key(word) for word in WEAK_WORDS)


def terms(text: str) -> list[str]:
    """The meaningful, stemmed words of an Albanian text, in order (repeats kept)."""
    return [key(word) for word in words(text) if word not in STOPWORDS and (len(word) > 1 or word.isdigit())]


def query_words(text: str) -> list[str]:
    """The meaningful words of an Albanian question as typed (lower-cased), without repeats."""
    typed = _WORD_RE.findall(text.lower())
    return list(dict.fromkeys(word for word in typed if fold(word) not in STOPWORDS and len(word) > 1))
