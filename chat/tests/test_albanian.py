"""Albanian text for retrieval: folding, stop words, endings (chat/albanian.py)."""

import pytest

from chat import albanian


@pytest.mark.parametrize(
    "forms",
    [
        ["kursimi", "kursime", "kursim", "kursimet", "kursimeve", "kursimit"],
        ["kursej", "kursen", "kursesh", "kursim"],  # the verb meets the noun
        ["buxheti", "buxhet", "buxhetin", "buxhetit"],
        ["karta", "kartë", "kartën", "kartës", "karte", "kartat", "kartave"],
        ["llogaria", "llogari", "llogarinë", "llogarisë"],
        ["para", "paratë", "parate", "parat", "parave"],
        ["banka", "bankë", "bankën", "bankës", "bankat"],
        ["mashtrim", "mashtrimi", "mashtrimet", "mashtrues", "mashtruesit"],
        ["nevoja", "nevojë", "nevojat", "nevojave"],
        ["blerje", "blerja", "blerjen", "blerjet"],
    ],
)
def test_forms_of_one_word_share_a_key(forms):
    keys = {albanian.key(albanian.fold(form)) for form in forms}
    assert len(keys) == 1, dict(zip(forms, [albanian.key(albanian.fold(f)) for f in forms], strict=True))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("sigurimi", "siguria"),  # insurance is not safety
        ("kursi", "kursimi"),  # the exchange rate is not saving
        ("pagesa", "paga"),  # a payment is not a salary
        ("buxheti", "bankë"),
    ],
)
def test_different_words_keep_different_keys(one, other):
    assert albanian.key(albanian.fold(one)) != albanian.key(albanian.fold(other))


def test_short_roots_are_not_cut_down():
    assert albanian.stem("vit") == "vit"
    assert len(albanian.stem("shtetit")) >= 3
    assert albanian.stem("2024") == "2024"


def test_folding_drops_the_diacritics_teens_skip():
    assert albanian.fold("Çfarë ËSHTË buxheti?") == "cfare eshte buxheti?"
    assert albanian.terms("Çfarë është buxheti?") == albanian.terms("cfare eshte buxheti")


def test_stop_words_are_left_out_with_and_without_diacritics():
    assert albanian.terms("si të kursej për një biciklete") == albanian.terms("si te kursej per nje biciklete")
    assert albanian.terms("si te kursej per nje biciklete") == [albanian.key("kursej"), albanian.key("biciklete")]
    assert albanian.terms("a është, çfarë, që, në, me, dhe") == []


def test_apostrophes_split_words():
    assert albanian.words("s'kam para t'i kursej") == ["s", "kam", "para", "t", "i", "kursej"]
    assert albanian.terms("s'kam para t'i kursej") == [albanian.key("para"), albanian.key("kursej")]


def test_a_learners_word_stands_for_the_articles_word():
    assert albanian.terms("taksat") == albanian.terms("tatimet")
    assert albanian.terms("bitcoin") == albanian.terms("kripto")
    assert albanian.terms("rroga") == albanian.terms("paga")


def test_query_words_are_shown_as_typed():
    assert albanian.query_words("Si gatuhen biskota me çokollatë?") == ["gatuhen", "biskota", "çokollatë"]


@pytest.mark.parametrize(
    ("typed", "standard"),
    [
        ("cka osht buxheti", "cfare eshte buxheti"),
        ("ska lek", "s'ka para"),
        ("sdi ku me shkojne parat", "s'di ku me shkojne parate"),
        ("a ja vlen me ble", "a ia vlen te blej"),
        ("si me i investu parat", "si t'i investoj parate"),
        ("a duhet me pas plan", "a duhet te kem plan"),
        ("shum pak lekt", "shume pak para"),
    ],
)
def test_colloquial_and_gheg_forms_read_as_standard(typed, standard):
    assert albanian.terms(typed) == albanian.terms(standard)


def test_pas_is_after_unless_it_follows_the_infinitives_me():
    assert albanian.standard("me pas") == ["me", "kam"]
    assert albanian.standard("pas 2 vitesh") == ["pas", "2", "vitesh"]


def test_phrases_name_the_idea():
    assert albanian.key("tejkalim") in albanian.terms("gjendja osht -1500 lek")
    assert albanian.key("bnpl") in albanian.terms("pay in 4 me klarna")
    assert albanian.terms("klarna") == albanian.terms("afterpay") == albanian.terms("bnpl")
    assert albanian.key("inflacion") in albanian.terms("cmimet u rriten shume")
    assert albanian.key("inflacion") in albanian.terms("po shtrenjtohet gjithcka")
    assert albanian.terms("app-in e bankes") == albanian.terms("aplikacioni i bankes")
    assert albanian.terms("zarra-shop.com") == albanian.terms("faqe online")
    assert albanian.key("kripto") in albanian.terms("nje coin i ri")


def test_short_verb_roots_keep_their_family_together():
    assert len({albanian.key(word) for word in ["ble", "blej", "bleva", "blerje", "bli"]}) == 1
    assert albanian.key("paguaj") == albanian.key("pagova") == albanian.key("paguhem")
    assert albanian.key("paguaj") != albanian.key("paga")
    assert albanian.key("leter") == albanian.key("letra") == albanian.key("letren")  # folded


def test_contextual_words_need_a_money_word():
    llogari = albanian.key("llogari")
    assert llogari in albanian.CONTEXTUAL_KEYS
    assert not set(albanian.terms("si ta hap nje llogari ne instagram")) & albanian.MONEY_KEYS
    assert set(albanian.terms("si ta hap nje llogari ne banke")) & albanian.MONEY_KEYS
