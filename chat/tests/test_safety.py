"""Private data never reaches a model: cards, IBANs, PINs, passwords, phones, emails and ID numbers are spotted."""

import pytest

from chat import safety


@pytest.mark.parametrize(
    "text",
    [
        "my card is 4111 1111 1111 1111 is that ok?",
        "4242424242424242",
        "card: 5555-5555-5555-4444 exp 12/27",
        "amex 3782 822463 10005",
        "number 4111111111111111, cvv 123",
    ],
)
def test_luhn_valid_card_numbers_are_found(text):
    scan = safety.scan(text)
    assert scan.kinds[0] == safety.CARD
    assert "1111 1111" not in scan.redacted and "4242424242" not in scan.redacted and "5555-5555" not in scan.redacted
    assert "[card number removed]" in scan.redacted


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1112",  # fails the Luhn check
        "it costs €1,299.99 or 1 299 lek a month",
        "between 2019 and 2024 prices rose 12.5%",
        "I saved 150000 lek in 2023",
        "0000 0000 0000 0000",
        "12345678901234567890123",  # longer than any card
    ],
)
def test_other_numbers_are_not_card_numbers(text):
    assert safety.scan(text).kinds == []
    assert safety.scan(text).redacted == text


@pytest.mark.parametrize(
    "text",
    [
        "my IBAN is DE89 3704 0044 0532 0130 00",
        "send it to GB82WEST12345698765432 please",
        "AL47 2121 1009 0000 0002 3569 8741 thanks",
        "al47212110090000000235698741",
    ],
)
def test_valid_ibans_are_found(text):
    scan = safety.scan(text)
    assert scan.kinds == [safety.IBAN]
    assert "[IBAN removed]" in scan.redacted
    assert "3704" not in scan.redacted and "WEST" not in scan.redacted and "2121" not in scan.redacted


def test_words_after_an_iban_are_kept():
    assert safety.scan("AL47 2121 1009 0000 0002 3569 8741 thanks").redacted == "[IBAN removed] thanks"


@pytest.mark.parametrize(
    "text",
    [
        "DE89 3704 0044 0532 0130 01",  # wrong check digits
        "GB82 WEST 1234 5698 7654",  # too short for GB
        "ZZ12 3456 7890 1234 5678",  # no such country
        "I got an A+ in ES24 maths",
    ],
)
def test_invalid_ibans_are_not_found(text):
    assert safety.IBAN not in safety.scan(text).kinds


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("my pin is 1234", "my pin is [PIN removed]"),
        ("PIN: 0000", "PIN: [PIN removed]"),
        ("My PIN number is 482913, remember it", "My PIN number is [PIN removed], remember it"),
        ("pin code 7777?", "pin code [PIN removed]?"),
    ],
)
def test_pins_are_found_and_hidden(text, redacted):
    scan = safety.scan(text)
    assert scan.kinds == [safety.PIN]
    assert scan.redacted == redacted


@pytest.mark.parametrize(
    "text",
    [
        "I pinned 2024 goals on my wall",
        "Why should I keep my PIN secret?",
        "Is a 4 digit pin safe enough?",
        "what is a pin code for?",
        "spinning 1234 times",
    ],
)
def test_talking_about_pins_is_fine(text):
    assert safety.scan(text).kinds == []


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("my password is hunter2", "my password is [password removed]"),
        ("My instagram password is Sunny-Day-42!", "My instagram password is [password removed]"),
        ("password: letmein", "password: [password removed]"),
    ],
)
def test_passwords_are_found_and_hidden(text, redacted):
    scan = safety.scan(text)
    assert scan.kinds == [safety.PASSWORD]
    assert scan.redacted == redacted


@pytest.mark.parametrize("text", ["What makes a good password?", "Is my password safe if it is long?"])
def test_talking_about_passwords_is_fine(text):
    assert safety.scan(text).kinds == []


def test_several_kinds_are_all_named_in_the_explanation():
    scan = safety.scan("card 4111 1111 1111 1111 and my pin is 1234")
    assert scan.kinds == [safety.CARD, safety.PIN]
    assert scan.redacted == "card [card number removed] and my pin is [PIN removed]"
    explanation = safety.explanation(scan.kinds)
    assert "a card number and a PIN" in explanation
    assert "never" in explanation.lower()


@pytest.mark.parametrize(
    "text",
    [
        "RU02 0445 2560 0407 0281 0412 3456 7890 1",  # a country the old hand-kept table lacked
        "my iban: BR1800360305000010009795493C1",
        "UA213223130000026007233566001",
        "LY83002048000020100120361",
    ],
)
def test_ibans_of_every_country_are_found(text):
    assert safety.scan(text).kinds == [safety.IBAN]


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("call me on +355 69 212 3456", "call me on [phone number removed]"),
        ("my number is 0044 7911 123456 if you need it", "my number is [phone number removed] if you need it"),
        ("numri im eshte 069 212 3456", "numri im eshte [phone number removed]"),
        ("text me 0692123456 pls", "text me [phone number removed] pls"),
    ],
)
def test_phone_numbers_are_found_and_hidden(text, redacted):
    scan = safety.scan(text)
    assert scan.kinds == [safety.PHONE]
    assert scan.redacted == redacted


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("my email is ana.k+school@gmail.com ok", "my email is [email address removed] ok"),
        ("shkruaj ne arta_98@yahoo.al", "shkruaj ne [email address removed]"),
    ],
)
def test_email_addresses_are_found_and_hidden(text, redacted):
    scan = safety.scan(text)
    assert scan.kinds == [safety.EMAIL]
    assert scan.redacted == redacted


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("my ID is J05101999A", "my ID is [ID number removed]"),
        ("numri personal: i05101999i", "numri personal: [ID number removed]"),
        ("my passport number is 123456789", "my passport number is [ID number removed]"),
        ("nr i leternjoftimit eshte BA1234567", "nr i leternjoftimit eshte [ID number removed]"),
    ],
)
def test_personal_id_numbers_are_found_and_hidden(text, redacted):
    scan = safety.scan(text)
    assert scan.kinds == [safety.ID_NUMBER]
    assert scan.redacted == redacted


@pytest.mark.parametrize(
    "text",
    [
        "how much is a phone with 128 GB, like 45000 lek?",
        "in 2024 i saved 300 euro",
        "what does @ mean in an email address",
        "is a passport needed to open an account",
        "my ID card expired, can i still open an account",
    ],
)
def test_amounts_years_and_talk_about_ids_are_not_private_data(text):
    assert safety.scan(text).kinds == []


def test_personal_details_get_their_own_explanation():
    explanation = safety.explanation([safety.PHONE, safety.EMAIL])
    assert "a phone number and an email address" in explanation
    assert "personal details" in explanation
    assert "keys to your money" not in explanation


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("PIN-i im është 1234", "PIN-i im është [PIN removed]"),
        ("pini im eshte 4321, a eshte i sigurt?", "pini im eshte [PIN removed], a eshte i sigurt?"),
        ("pin-in e kam 1234", "pin-in e kam [PIN removed]"),
        ("PIN-i i kartës sime është 482913", "PIN-i i kartës sime është [PIN removed]"),
    ],
)
def test_albanian_pins_are_found_and_hidden(text, redacted):
    scan = safety.scan(text)
    assert scan.kinds == [safety.PIN]
    assert scan.redacted == redacted


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("fjalëkalimi im është Sunny-42!", "fjalëkalimi im është [password removed]"),
        ("fjalekalimi: letmein", "fjalekalimi: [password removed]"),
        ("passwordi i instagramit eshte abc123", "passwordi i instagramit eshte [password removed]"),
    ],
)
def test_albanian_passwords_are_found_and_hidden(text, redacted):
    scan = safety.scan(text)
    assert scan.kinds == [safety.PASSWORD]
    assert scan.redacted == redacted


@pytest.mark.parametrize(
    "text",
    [
        "Pse duhet ta mbaj sekret PIN-in?",
        "A është i sigurt një PIN me 4 shifra?",
        "fjalekalimi im eshte i gjate, a mjafton?",
        "fjalëkalimi im është shumë i thjeshtë",
    ],
)
def test_talking_about_pins_and_passwords_in_albanian_is_fine(text):
    assert safety.scan(text).kinds == []
