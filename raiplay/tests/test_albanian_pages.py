"""A learner who chose Albanian walks every learner page in a real browser and meets no English.

One browser, one learner, the demo content (`manage.py seed_demo`). On each page the visible
text (`document.body.innerText`, plus the placeholders and labels a screen reader reads) must
hold none of these:

- an English text of the demo content (content/demo/*.json and the web mini-game's round
  file: titles, descriptions, prompts, explanations, choices, bodies…) of three words or
  more, whole or any one of its sentences, unless its Albanian version is the same;
- an English interface message (a msgid of our catalogs) of three words or more whose
  Albanian differs from the English; messages with placeholders are checked piece by piece;
- a line that reads as English (three or more English function words), whatever its source:
  Django's, allauth's and DRF's own messages, texts written by scripts.

A failure names the page and the English text found there. Beside the walk: the catalogs kept by
hand (DRF's and Django's messages, allauth's English wording) are complete and compiled, and the
API, the 500 and the 503 answer an Albanian learner in Albanian.
"""

import gettext
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client, RequestFactory, override_settings
from rest_framework.test import APIClient

from accounts.models import User
from achievements import services as rewards
from achievements.models import ShopItem
from conftest import sign_in
from games.models import Game

from .test_i18n import parse_po

BASE = Path(settings.BASE_DIR)
DEMO = BASE / "content" / "demo"
ROUNDS = BASE / "static" / "minigames"
DRF_PO = BASE / "locale_drf" / "sq" / "LC_MESSAGES" / "django.po"
ALLAUTH_ENGLISH_PO = BASE / "locale_allauth" / "en" / "LC_MESSAGES" / "django.po"
CATALOGS = [
    BASE / "locale" / "sq" / "LC_MESSAGES" / "django.po",
    DRF_PO,
    BASE / "locale_allauth" / "sq" / "LC_MESSAGES" / "django.po",
]
# The content fields that carry English text, with their Albanian twins (DESIGN.md, "Commands").
TEXT_FIELDS = ("title", "description", "prompt", "explanation", "text", "name", "body", "questions")
# Pieces that are not words of either language: placeholders, tags, format codes.
NOT_WORDS = re.compile(r"%\(\w+\)[sd]|%[sd%]|\{\w*\}|<[^>]+>|\n+")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# Words that occur in almost every English sentence and in no Albanian one.
ENGLISH_WORDS = frozenset(
    {
        *("the", "your", "you", "and", "is", "are", "of", "for", "with", "this", "that", "have", "has"),
        *("will", "can", "not", "what", "how", "to", "it", "be", "on", "in", "at", "by", "from", "or"),
        *("an", "was", "were", "there", "their", "they", "yet", "been", "here"),
    }
)
# Everything a learner reads on the page: the rendered text, then what sits in attributes.
VISIBLE_TEXT = """() => [
  document.body.innerText,
  ...[...document.querySelectorAll('[placeholder], [aria-label], img[alt], [title]')]
    .filter((el) => el.offsetParent !== null || el === document.body)
    .flatMap((el) => ['placeholder', 'aria-label', 'alt', 'title'].map((name) => el.getAttribute(name)))
    .filter(Boolean),
].join('\\n')"""


def words(text: str) -> int:
    return len(WORD.findall(text))


def sentences(text: str) -> list[str]:
    """The text and each of its sentences (a page may show a part of a long text)."""
    parts = [text, *re.split(r"(?<=[.!?:])\s+|\n+", text)]
    return [part.strip() for part in parts if words(part) >= 3]


def _content_texts(node, found: set[str]) -> None:
    """English texts of a content file whose Albanian twin (`<key>_sq`) differs."""
    if isinstance(node, list):
        for item in node:
            _content_texts(item, found)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key in TEXT_FIELDS:
            albanian = node.get(f"{key}_sq")
            english = value if isinstance(value, list) else [value]
            twins = albanian if isinstance(albanian, list) else [albanian]
            for text in english:
                if isinstance(text, str) and text not in twins:
                    found.update(sentences(text))
        elif isinstance(value, (dict, list)):
            _content_texts(value, found)


def english_content() -> set[str]:
    found: set[str] = set()
    for file in sorted(DEMO.glob("*.json")):
        _content_texts(json.loads(file.read_text(encoding="utf-8")), found)
    for file in sorted(ROUNDS.glob("*.json")):
        # A round file: {"bins": [...], "items": [{"text", "text_sq"}...]}.
        _content_texts(json.loads(file.read_text(encoding="utf-8")), found)
    return found


def english_messages() -> set[str]:
    """Pieces of 3+ words of every msgid whose Albanian says something else."""
    found: set[str] = set()
    for path in CATALOGS:
        if not path.exists():
            continue
        for entry in parse_po(path):
            translations = " ".join(entry["msgstr"].values())
            for msgid in filter(None, (entry["msgid"], entry["msgid_plural"])):
                if not msgid or msgid in translations:
                    continue
                for piece in NOT_WORDS.split(msgid):
                    piece = piece.strip(" .,:;·—–-()“”\"'")
                    if words(piece) >= 3 and piece not in translations:
                        found.add(piece)
    return found


def _pattern(text: str) -> re.Pattern:
    body = r"\s+".join(re.escape(part) for part in text.split())
    start = r"(?<![\w])" if text[:1].isalnum() else ""
    end = r"(?![\w])" if text[-1:].isalnum() else ""
    return re.compile(start + body + end, re.IGNORECASE)  # innerText applies text-transform


@dataclass
class EnglishFinder:
    """Finds the English a page shows; `found` keeps (page, text) for the failure message."""

    phrases: list[tuple[str, re.Pattern]] = field(default_factory=list)
    found: list[tuple[str, str]] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)

    @classmethod
    def build(cls) -> "EnglishFinder":
        texts = english_content() | english_messages()
        # Longest first, so a failure names the whole sentence rather than a piece of it.
        return cls(phrases=[(text, _pattern(text)) for text in sorted(texts, key=len, reverse=True)])

    def english_in(self, text: str) -> list[str]:
        """The English phrases, then the lines that read as English, in this text."""
        found = []
        for phrase, pattern in self.phrases:
            if pattern.search(text):
                found.append(phrase)
                text = pattern.sub(" ", text)
        for line in text.splitlines():
            if len({word.lower() for word in WORD.findall(line)} & ENGLISH_WORDS) >= 3:
                found.append(line.strip())
        return found

    def check(self, page, name: str) -> None:
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.lang") == "sq", f"{name}: <html lang> is not sq"
        self.pages.append(name)
        self.found.extend((name, text) for text in self.english_in(page.evaluate(VISIBLE_TEXT)))


def demo_quest(slug: str) -> dict:
    games = json.loads((DEMO / "games.json").read_text(encoding="utf-8"))["games"]
    return next(game for game in games if game["slug"] == slug)


def submit(page, form: str) -> None:
    """Press the form's submit button and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").click()


def play_perfectly(page, quest: dict, finder: "EnglishFinder") -> None:
    """Answer every question right, one at a time, by the Albanian texts the learner sees; each
    answer's feedback (from the API) is checked for English too. Ends on the results page."""
    questions = page.locator("fieldset.question")
    assert questions.count() == len(quest["questions"])
    for index, question in enumerate(quest["questions"]):
        box = questions.nth(index)
        if question["kind"] == "number":
            box.locator("input").fill(str(question["answer_value"]))
        else:
            for choice in question["choices"]:
                if choice["correct"]:
                    box.locator("label.choice", has_text=choice["text_sq"]).locator("input").check()
        page.get_by_role("button", name="Kontrollo", exact=True).click()
        page.locator("[data-feedback]").wait_for(state="visible")
        finder.check(page, f"quest play (feedback {index + 1})")
        if index < len(quest["questions"]) - 1:
            page.get_by_role("button", name="Tjetra").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Shiko rezultatet e mia").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_albanian_learner_meets_no_english_on_any_page(browser, live_server, settings):
    settings.CHAT_API_KEY = ""  # FinBot answers offline, from the demo knowledge base
    call_command("seed_demo", verbosity=0)
    learner = User.objects.get(username="learner")
    User.objects.filter(pk=learner.pk).update(language="sq")
    with transaction.atomic():  # enough coins for the shop's confirm step and a code
        rewards.grant(user=learner, key="test:albanian-walk", reason="adjustment", coins=500, note="test")
    quests = list(Game.objects.filter(type=Game.Type.QUEST, is_published=True).order_by("quest_step__position"))
    first, last = quests[0], quests[-1]
    video = json.loads((DEMO / "videos.json").read_text(encoding="utf-8"))["videos"][0]
    item = ShopItem.objects.filter(active=True, cost_coins__lte=500).order_by("cost_coins").first()
    assert item is not None
    finder = EnglishFinder.build()

    # Signed in with an English browser: the learner's own choice must win.
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 390, "height": 844})
    sign_in(context, live_server, learner)
    page = context.new_page()
    page.set_default_timeout(15_000)

    def visit(path: str, name: str | None = None, status: int = 200) -> None:
        response = page.goto(path)
        assert response is not None and response.status == status, (path, response and response.status)
        finder.check(page, name or path)

    visit("/", "dashboard")
    visit("/quests/", "quest map")
    visit(f"/games/{first.slug}/", "quest play")
    play_perfectly(page, demo_quest(first.slug), finder)
    assert re.search(r"/results/\d+/$", page.url), page.url
    finder.check(page, "quest results")
    visit(f"/games/{last.slug}/", "locked quest", status=403)
    visit("/games/", "games library")
    visit("/games/?type=minigame", "games library (mini-games)")
    visit("/games/needs-or-wants/", "mini-game")
    page.locator("[data-start]").first.click()
    page.locator("[data-card]").filter(has_text=re.compile(r"\w")).wait_for()
    finder.check(page, "mini-game (playing)")
    visit("/videos/", "videos feed")
    visit(f"/videos/{video['slug']}/", "video page")
    visit("/videos/saved/", "saved videos")
    visit("/chat/", "FinBot chat")
    page.locator("#chat-form textarea").fill("Si të kursej për një telefon të ri?")
    page.locator("#chat-send").click()
    page.wait_for_url(re.compile(r"/chat/\d+/$"))
    page.locator(".bubble.assistant:not([aria-busy])").last.wait_for()
    finder.check(page, "FinBot chat (answered)")
    visit("/achievements/", "achievements")
    visit("/leaderboard/", "leaderboard (week)")
    visit("/leaderboard/?period=all", "leaderboard (all time)")
    visit("/shop/", "shop")
    card = page.locator(f"[data-testid=shop-item-{item.slug}]")
    card.locator("summary").click()
    card.locator(".confirm-form").wait_for()
    finder.check(page, "shop (confirm step)")
    submit(page, f"[data-testid=shop-item-{item.slug}] .confirm-form")
    assert re.search(r"/shop/codes/[^/]+/$", page.url), page.url
    finder.check(page, "shop (code after redeem)")
    visit("/shop/codes/", "shop codes")
    visit("/profile/", "profile")
    visit("/u/arta/", "public profile")
    visit("/u/nobody-of-that-name/", "404 page", status=404)
    visit("/settings/", "settings")
    context.close()

    # Signed out, with an Albanian browser.
    context = browser.new_context(base_url=live_server.url, locale="sq", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    visit("/", "landing page")
    visit("/accounts/signup/", "sign-up")
    page.locator("input[name=email]").fill("new@example.com")
    page.locator("input[name=username]").fill("newcomer")
    page.locator("select[name=birth_year]").select_option("2000")
    page.locator("input[name=password1]").fill("1234")
    page.locator("input[name=password2]").fill("12345")
    submit(page, "form[action$='/signup/']")
    finder.check(page, "sign-up (with mistakes)")
    visit("/accounts/login/", "login")
    page.locator("input[name=login]").fill("learner")
    page.locator("input[name=password]").fill("not-the-password")
    submit(page, "form[action$='/login/']")
    finder.check(page, "login (wrong password)")
    visit("/accounts/password/reset/", "password reset")
    page.locator("input[name=email]").fill("learner@example.com")
    submit(page, "form[action$='/password/reset/']")
    assert page.url.endswith("/password/reset/done/"), page.url
    finder.check(page, "password reset (sent)")
    context.close()

    assert len(finder.pages) >= 30
    report = "\n".join(f"  {name}: {text!r}" for name, text in finder.found)
    assert not finder.found, f"English on Albanian pages:\n{report}"


def test_the_finder_knows_the_english_it_looks_for():
    finder = EnglishFinder.build()
    budget = json.loads((DEMO / "knowledge.json").read_text(encoding="utf-8"))["knowledge"][0]
    first_sentence = budget["body"].split(". ")[0]

    page = f"Ngri nivelin\nLevel up your money skills\n{first_sentence}.\nThe page you asked for is gone"
    found = set(finder.english_in(page))

    assert found == {f"{first_sentence}.", "Level up your money skills", "The page you asked for is gone"}
    assert finder.english_in(f"{budget['title_sq']}\n{budget['body_sq']}\nKe harruar fjalëkalimin?") == []


# ---- the hand-kept catalogs and what they give the API and the error pages ------------------

# %(name)s, %s, %d and DRF's {name} / {name:X}.
PLACEHOLDERS = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*(?::\w+)?\}")


@pytest.mark.parametrize("po_file", [DRF_PO, ALLAUTH_ENGLISH_PO], ids=["drf-sq", "allauth-en"])
def test_hand_kept_catalog_is_complete_and_keeps_its_placeholders(po_file):
    entries = [entry for entry in parse_po(po_file) if entry["msgid"]]
    header = parse_po(po_file)[0]

    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"][0]
    assert [e["msgid"] for e in entries if not all(e["msgstr"].values()) or "fuzzy" in e["flags"]] == []
    broken = []
    for entry in entries:
        source = entry["msgid_plural"] or entry["msgid"]
        translated = entry["msgstr"][1 if entry["msgid_plural"] else 0]
        if sorted(PLACEHOLDERS.findall(translated)) != sorted(PLACEHOLDERS.findall(source)):
            broken.append(entry["msgid"])
    assert broken == []


@pytest.mark.parametrize("po_file", [DRF_PO, ALLAUTH_ENGLISH_PO], ids=["drf-sq", "allauth-en"])
def test_hand_kept_catalog_is_compiled(po_file):
    with po_file.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    stale = []
    for entry in parse_po(po_file):
        if not entry["msgid"]:
            continue
        key = entry["msgid"] if entry["msgctxt"] is None else f"{entry['msgctxt']}\x04{entry['msgid']}"
        if entry["msgid_plural"] is None:
            found = [compiled.gettext(key)]
        else:
            found = [compiled.ngettext(key, entry["msgid_plural"], n) for n in (1, 2)]
        if found != [entry["msgstr"][index] for index in sorted(entry["msgstr"])]:
            stale.append(entry["msgid"])
    assert stale == []


def test_drf_catalog_is_a_locale_path_after_ours(settings):
    paths = [Path(path) for path in settings.LOCALE_PATHS]

    assert paths.index(BASE / "locale_drf") == paths.index(BASE / "locale") + 1


@pytest.mark.django_db
def test_the_api_answers_an_albanian_learner_in_albanian(learner):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="sq")
    signed_in = APIClient(HTTP_ACCEPT_LANGUAGE="sq")
    signed_in.force_authenticate(learner)

    assert api.post("/api/v1/auth/signup", {}, format="json").json()["username"] == ["Kjo fushë duhet plotësuar."]
    assert api.get("/api/v1/users/me").json() == {"detail": "Duhet të hysh në llogari për ta bërë këtë."}
    assert api.delete("/api/v1/games/").json() == {"detail": 'Metoda "DELETE" nuk lejohet.'}
    assert api.get("/api/v1/users/leaderboard?period=year").json() == {
        "period": ['"year" nuk është një zgjedhje e vlefshme.']
    }
    assert signed_in.get("/api/v1/games/?page=99").json() == {"detail": "Kjo faqe nuk ekziston."}
    bearer = APIClient(HTTP_ACCEPT_LANGUAGE="sq", HTTP_AUTHORIZATION="Bearer not.a.token")
    assert bearer.get("/api/v1/users/me").json()["detail"] == "Ky token nuk vlen për asnjë lloj tokeni"


@pytest.mark.django_db
def test_password_rules_speak_to_a_learner_as_ti():
    html = Client(HTTP_ACCEPT_LANGUAGE="sq").get("/accounts/signup/").content.decode()

    assert "Fjalëkalimi yt duhet të ketë të paktën 8 shenja." in html
    assert "juaj" not in html


@override_settings(DEBUG=False)
def test_the_500_and_503_pages_speak_the_request_language(learner, monkeypatch):
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.utils import OperationalError
    from django.utils import translation

    from core import handlers

    with translation.override("sq"):
        crash = handlers.server_error(RequestFactory().get("/games/")).content.decode()
    assert '<html lang="sq">' in crash
    assert "Diçka shkoi keq" in crash
    assert "Something went wrong" not in crash

    client = Client(HTTP_ACCEPT_LANGUAGE="sq", raise_request_exception=False)
    client.force_login(learner)

    def refuse(self):
        raise OperationalError("connection refused: the server is restarting")

    with monkeypatch.context() as patch:
        patch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)
        down = client.get("/games/")

    assert down.status_code == 503
    assert "RaiPlay po merr frymë" in down.content.decode()
    assert "taking a breath" not in down.content.decode()
