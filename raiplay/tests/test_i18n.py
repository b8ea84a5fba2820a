"""The Albanian (sq) interface: pages render in Albanian, the switcher works, the catalog is complete."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from accounts.tests.factories import UserFactory
from videos.tests.factories import VideoFactory

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "sq" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"
# django-allauth ships no Albanian: its pages (sign in, sign up, password reset…) get theirs from here.
ALLAUTH_LOCALE = Path(settings.BASE_DIR) / "locale_allauth"
ALLAUTH_PO_FILE = ALLAUTH_LOCALE / "sq" / "LC_MESSAGES" / "django.po"
ALLAUTH_MO_FILE = ALLAUTH_LOCALE / "sq" / "LC_MESSAGES" / "django.mo"
CATALOGS = [(PO_FILE, MO_FILE), (ALLAUTH_PO_FILE, ALLAUTH_MO_FILE)]

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")
TAG = re.compile(r"</?\w+[^>]*>")


def parse_po(path: Path) -> list[dict]:
    """The live entries of a .po file: msgid, msgid_plural, msgstr (index -> text) and flags."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry = {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}, "flags": set()}
        current = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif match := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])? (".*")$', line):
                key, index, text = match.group(1), match.group(2), ast.literal_eval(match.group(3))
                if key == "msgstr":
                    current = ("msgstr", int(index or 0))
                    entry["msgstr"][current[1]] = text
                else:
                    current = (key, None)
                    entry[key] = text
            elif line.startswith('"'):
                text = ast.literal_eval(line)
                if current[0] == "msgstr":
                    entry["msgstr"][current[1]] += text
                else:
                    entry[current[0]] += text
        if entry["msgid"] is not None and not entry.get("obsolete"):
            entries.append(entry)
    return entries


def messages(path: Path = PO_FILE) -> list[dict]:
    return [entry for entry in parse_po(path) if entry["msgid"] != ""]


def albanian_client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="sq")


@pytest.mark.django_db
def test_landing_page_speaks_albanian_to_an_albanian_browser():
    html = albanian_client().get("/").content.decode()

    assert '<html lang="sq">' in html
    assert "Ngri nivelin e aftësive të tua financiare" in html
    assert "Fillo të luash — është falas" in html
    assert "Pyet çfarëdo për paratë. Asnjë pyetje nuk është e kotë." in html
    assert "Level up your money skills" not in html
    assert "Start playing" not in html


@pytest.mark.django_db
def test_landing_page_stays_english_by_default():
    html = Client().get("/").content.decode()

    assert '<html lang="en">' in html
    assert "Level up your money skills" in html
    assert "Ngri nivelin" not in html


@pytest.mark.django_db
def test_login_page_navigation_and_footer_are_albanian():
    response = albanian_client().get("/accounts/login/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "Kalo te përmbajtja" in html
    assert ">Regjistrohu<" in html
    assert "Misionet" in html
    assert "menaxhosh paratë duke luajtur." in html
    assert "Skip to content" not in html
    assert ">Sign up<" not in html


@pytest.mark.django_db
def test_language_switcher_turns_the_site_albanian_and_back():
    client = Client()
    assert "Level up your money skills" in client.get("/").content.decode()

    switched = client.post("/i18n/setlang/", {"language": "sq", "next": "/"})

    assert switched.status_code == 302
    assert switched["Location"] == "/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sq"
    html = client.get("/").content.decode()
    assert "Ngri nivelin e aftësive të tua financiare" in html
    assert "Level up your money skills" not in html

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Level up your money skills" in client.get("/").content.decode()


@pytest.mark.django_db
def test_switcher_marks_albanian_as_the_current_language():
    html = albanian_client().get("/").content.decode()

    assert re.search(r'<option value="sq"\s+selected>', html)
    assert ">Gjuha<" in html
    assert ">Ndrysho<" in html


@pytest.mark.django_db
def test_albanian_plural_forms_follow_the_count():
    client = albanian_client()
    client.force_login(UserFactory(coins=1))
    one = client.get("/shop/").content.decode()
    client.force_login(UserFactory(coins=5))
    many = client.get("/shop/").content.decode()

    assert "Ke <strong>1</strong> monedhë." in one
    assert "Ke <strong>5</strong> monedha." in many


@pytest.mark.django_db
def test_script_texts_keep_their_placeholders_in_albanian():
    # {% translate %} strings with a literal %(...)s go through the catalog escaped as %%;
    # the page must still hand videos.js a usable placeholder.
    VideoFactory()
    html = albanian_client().get("/videos/").content.decode()

    assert 'data-text-xp="+%(xp)s XP"' in html
    assert 'data-text-level-up="Kalove nivel! Tani je në nivelin %(level)s."' in html


@pytest.mark.django_db
def test_allauth_pages_are_albanian(settings):
    assert ALLAUTH_LOCALE in settings.LOCALE_PATHS
    client = albanian_client()

    login = client.get("/accounts/login/").content.decode()
    signup = client.get("/accounts/signup/").content.decode()
    reset = client.get("/accounts/password/reset/").content.decode()

    assert "<h1>Mirë se u ktheve</h1>" in login
    assert '<label for="id_login">Emri i përdoruesit ose email-i</label>' in login
    assert "Ke harruar fjalëkalimin?" in login
    assert "Më mbaj mend në këtë pajisje" in login
    assert "Forgot your password?" not in login
    assert "Sign In" not in login
    assert "<h1>Krijo llogarinë tënde</h1>" in signup
    assert "Fjalëkalimi përsëri" in signup
    assert "Sign Up" not in signup
    assert "<h1>Ke harruar fjalëkalimin?</h1>" in reset


@pytest.mark.django_db
def test_project_catalog_wins_over_the_allauth_catalog(settings):
    assert settings.LOCALE_PATHS.index(ALLAUTH_LOCALE) > 0

    html = albanian_client().get("/").content.decode()

    assert "Ngri nivelin e aftësive të tua financiare" in html
    assert ">Regjistrohu<" in html


@pytest.mark.parametrize("po_file", [PO_FILE, ALLAUTH_PO_FILE], ids=["raiplay", "allauth"])
def test_catalog_declares_albanian_plural_rule(po_file):
    header = parse_po(po_file)[0]

    assert header["msgid"] == ""
    assert "Language: sq\n" in header["msgstr"][0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"][0]
    assert "fuzzy" not in header["flags"]


@pytest.mark.parametrize("po_file", [PO_FILE, ALLAUTH_PO_FILE], ids=["raiplay", "allauth"])
def test_every_catalog_entry_is_translated_and_not_fuzzy(po_file):
    entries = messages(po_file)
    untranslated = [e["msgid"] for e in entries if not e["msgstr"] or not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    incomplete_plurals = [e["msgid"] for e in entries if e["msgid_plural"] is not None and len(e["msgstr"]) != 2]

    assert len(entries) > 100
    assert untranslated == []
    assert fuzzy == []
    assert incomplete_plurals == []


@pytest.mark.parametrize("po_file", [PO_FILE, ALLAUTH_PO_FILE], ids=["raiplay", "allauth"])
def test_translations_keep_every_placeholder_and_html_tag(po_file):
    broken = []
    for entry in messages(po_file):
        singular, plural = entry["msgid"], entry["msgid_plural"]
        if plural is None:
            pairs = [(singular, entry["msgstr"][0])]
        else:
            # Albanian form 0 is "one", like English: it may leave the count out ("Daily quest completed").
            pairs = [(plural, entry["msgstr"][1])]
            if set(PLACEHOLDER.findall(entry["msgstr"][0])) - set(PLACEHOLDER.findall(singular + plural)):
                broken.append(("unknown placeholder", singular))
        for source, translated in pairs:
            if sorted(PLACEHOLDER.findall(translated)) != sorted(PLACEHOLDER.findall(source)):
                broken.append(("placeholders differ", source))
        if sorted(TAG.findall(entry["msgstr"][0])) != sorted(TAG.findall(singular)):
            broken.append(("html differs", singular))

    assert broken == []


@pytest.mark.parametrize(("po_file", "mo_file"), CATALOGS, ids=["raiplay", "allauth"])
def test_compiled_catalog_matches_the_po_file(po_file, mo_file):
    # The .mo files are committed so the app speaks Albanian where gettext is not installed.
    with mo_file.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    stale = []
    for entry in messages(po_file):
        key = entry["msgid"] if entry.get("msgctxt") is None else f"{entry['msgctxt']}\x04{entry['msgid']}"
        if entry["msgid_plural"] is None:
            if compiled.gettext(key) != entry["msgstr"][0]:
                stale.append(entry["msgid"])
        elif (
            compiled.ngettext(key, entry["msgid_plural"], 1) != entry["msgstr"][0]
            or compiled.ngettext(key, entry["msgid_plural"], 2) != entry["msgstr"][1]
        ):
            stale.append(entry["msgid"])

    assert stale == []
