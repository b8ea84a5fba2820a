"""FinBot in Albanian: found over the Albanian texts, answered in Albanian, linked to Albanian pages.

The questions are written the way Albanian teenagers type them (with and without ë and
ç), and none is one of the demo articles' own `questions_sq`.
"""

import json

import pytest
from django.utils import translation
from django.utils.translation import gettext

from accounts.tests.factories import UserFactory
from chat import retrieval, services
from chat.models import KnowledgeArticle, Message

from .conftest import KNOWLEDGE_FILE
from .test_api import CHAT, STREAM, events

# Questions FinBot answers from their article (the evaluation sets, `chat/eval_sets/`, hold
# many more): here they show the Albanian reply, not the ranking.
QUESTIONS = [
    ("shoku me tha te fus para ne kripto, a ia vlen?", "is-crypto-risky"),
    ("ku ndryshon karta e debitit nga karta e kreditit", "debit-card-vs-credit-card"),
    ("Çfarë ndodh me çmimet kur ka inflacion?", "what-is-inflation"),
    ("si ta kuptoj nese nje mesazh eshte mashtrim", "how-do-i-spot-a-phishing-message"),
    ("a eshte mire te kem nje fond per emergjenca", "what-is-an-emergency-fund"),
    ("si t'i menaxhoj paratë që më japin prindërit çdo javë", "how-should-i-manage-my-pocket-money"),
    ("me vodhen identitetin", "what-is-identity-theft"),
    ("çfarë është paga neto", "what-is-gross-pay-vs-net-pay"),
    ("kush e paguan tvsh", "what-is-vat-or-sales-tax"),
    ("Si rritet kursimi me interes të përbërë?", "what-is-compound-interest"),
]


@pytest.fixture
def arta(db):
    """A learner who picked Albanian."""
    return UserFactory(username="arta", language="sq")


def _first(question: str) -> str | None:
    hits = retrieval.search_articles(question, language="sq")
    return hits[0].article.slug if hits else None


def _english_phrases() -> list[str]:
    """Bits of the offline backend's English phrases that an Albanian reply must not hold."""
    return ["Here's the short version", "Want to dig deeper?", "Practise it", "Watch:", "I don't know"]


# --- retrieval --------------------------------------------------------------------


def test_no_test_question_is_a_demo_question():
    demo = {
        q.lower().strip(" ?") for a in json.loads(KNOWLEDGE_FILE.read_text())["knowledge"] for q in a["questions_sq"]
    }
    assert not [q for q, _slug in QUESTIONS if q.lower().strip(" ?") in demo]


def test_diacritics_make_no_difference(knowledge):
    with_them = retrieval.search_articles("Çfarë ndodh me çmimet kur ka inflacion?", language="sq")
    without = retrieval.search_articles("cfare ndodh me cmimet kur ka inflacion", language="sq")
    assert [hit.article.slug for hit in with_them] == [hit.article.slug for hit in without]


def test_article_without_albanian_is_found_through_its_english(knowledge):
    KnowledgeArticle.objects.filter(slug="what-is-an-overdraft").update(
        title_sq="", body_sq="", tags_sq=[], questions_sq=[]
    )
    assert _first("cfare eshte overdraft") == "what-is-an-overdraft"


def test_the_english_index_ignores_the_active_language(knowledge):
    with translation.override("sq"):
        assert retrieval.search_articles("What is compound interest?")[0].article.slug == "what-is-compound-interest"


def test_context_is_in_albanian(knowledge, games_and_videos):
    context = retrieval.context_for("ku ndryshon karta e debitit nga karta e kreditit", language="sq")
    article = KnowledgeArticle.objects.get(slug="debit-card-vs-credit-card")
    assert context.language == "sq"
    assert context.sentences[0] in article.body_sq
    assert context.suggestions
    assert set(context.suggestions) <= set(KnowledgeArticle.objects.values_list("title_sq", flat=True))
    assert [link.title for link in context.links] == ["Kartë debiti apo kartë krediti?"] * 2


def test_link_language_is_added_to_any_url():
    assert retrieval.with_language("/games/budget-basics/", "sq") == "/games/budget-basics/?lang=sq"
    assert retrieval.with_language("/videos/?q=Buxheti+im", "sq") == "/videos/?q=Buxheti+im&lang=sq"
    assert retrieval.with_language("/videos/x/?lang=en", "sq") == "/videos/x/?lang=sq"
    assert retrieval.with_language("/games/budget-basics/", None) == "/games/budget-basics/"


# --- the service ------------------------------------------------------------------


@pytest.mark.usefixtures("knowledge", "games_and_videos", "offline")
class TestOfflineReply:
    @pytest.mark.parametrize(("question", "slug"), QUESTIONS[:6])
    def test_albanian_question_is_answered_in_albanian_from_its_article(self, arta, question, slug):
        answer = services.ask(user=arta, text=question)
        article = KnowledgeArticle.objects.get(slug=slug)
        text = answer.reply.content
        assert text.startswith(article.body_sq.split(".")[0])  # it answers with the article's own words
        assert f"“{article.title_sq}”" not in text  # no "here's the short version of …" opener
        assert not [phrase for phrase in _english_phrases() if phrase in text]
        assert article.title_en not in text
        albanian_titles = set(KnowledgeArticle.objects.values_list("title_sq", flat=True))
        assert answer.reply.suggestions and set(answer.reply.suggestions) <= albanian_titles

    def test_learner_with_english_settings_asking_in_albanian_gets_albanian(self):
        ben = UserFactory(username="ben", language="en")
        answer = services.ask(user=ben, text="a eshte mire te kem nje fond per emergjenca")
        assert answer.reply.content.startswith("Një fond emergjence është")
        assert all(link["url"].endswith("?lang=sq") for link in answer.reply.links)

    def test_english_question_from_an_albanian_learner_is_answered_in_english(self, arta):
        answer = services.ask(user=arta, text="How can my savings grow with compound interest?")
        text = answer.reply.content
        assert text.startswith("Compound interest")
        assert "Çfarë" not in text
        english_titles = set(KnowledgeArticle.objects.values_list("title_en", flat=True))
        assert set(answer.reply.suggestions) <= english_titles
        assert answer.reply.links
        for link in answer.reply.links:
            assert link["url"].endswith("?lang=en")  # the page opens in English, like the answer

    def test_links_open_the_albanian_pages(self, arta):
        answer = services.ask(user=arta, text="ku ndryshon karta e debitit nga karta e kreditit")
        assert answer.reply.links == [
            {"kind": "game", "title": "Kartë debiti apo kartë krediti?", "url": "/games/debit-vs-credit/?lang=sq"},
            {"kind": "video", "title": "Kartë debiti apo kartë krediti?", "url": "/videos/debit-vs-credit/?lang=sq"},
        ]
        assert "“Kartë debiti apo kartë krediti?”" in answer.reply.content

    def test_english_learner_asking_in_english_gets_plain_links(self):
        answer = services.ask(user=UserFactory(username="ben", language="en"), text="What is a budget?")
        assert answer.reply.links
        assert not [link for link in answer.reply.links if "lang=" in link["url"]]

    def test_albanian_greeting_gets_an_albanian_greeting(self, arta):
        answer = services.ask(user=arta, text="tung si je")
        text = answer.reply.content
        assert "FinBot" in text
        assert not text.startswith("Hi!")
        assert len(answer.reply.suggestions) == 3
        assert all(f"“{topic}”" in text for topic in answer.reply.suggestions)
        assert set(answer.reply.suggestions) <= set(KnowledgeArticle.objects.values_list("title_sq", flat=True))

    def test_unknown_albanian_question_is_honest_in_albanian(self, arta):
        answer = services.ask(user=arta, text="si gatuhen biskota me çokollatë")
        text = answer.reply.content
        assert "gatuhen biskota çokollatë" in text  # the learner's words, as typed
        assert not [phrase for phrase in _english_phrases() if phrase in text]
        assert 2 <= len(answer.reply.suggestions) <= 3
        assert all(f"“{topic}”" in text for topic in answer.reply.suggestions)
        assert set(answer.reply.suggestions) <= set(KnowledgeArticle.objects.values_list("title_sq", flat=True))

    def test_unclear_question_is_answered_in_the_learners_language(self, arta):
        text = services.ask(user=arta, text="ETF?").reply.content
        assert not [phrase for phrase in _english_phrases() if phrase in text]

    def test_private_data_in_albanian_is_explained_in_albanian(self, arta):
        answer = services.ask(user=arta, text="PIN-i im është 4321, a ta ndryshoj?")
        with translation.override("sq"):
            removed, explanation = gettext("[PIN removed]"), gettext("a PIN")
        assert answer.reply.backend == "safety"
        assert explanation in answer.reply.content
        assert "Hold on!" not in answer.reply.content
        stored = Message.objects.get(role="user", conversation=answer.conversation)
        assert stored.content == f"PIN-i im është {removed}, a ta ndryshoj?"
        assert "4321" not in stored.content and stored.flagged
        assert answer.reply.suggestions[0] == "Pse duhet t'i mbaj sekret PIN-in dhe të dhënat e kartës?"

    def test_streamed_answer_is_albanian_and_leaves_the_callers_language_alone(self, arta):
        question = services.ask_question(user=arta, text="ku ndryshon karta e debitit nga karta e kreditit")
        pieces, languages = [], []
        with translation.override("en"):
            for event in services.stream_answer(question):
                languages.append(translation.get_language())
                pieces.append(event.token)
        assert set(languages) == {"en"}  # between pieces the caller's language is active
        text = "".join(pieces).strip()
        assert text.startswith("Duken pothuajse njësoj")
        assert not [phrase for phrase in _english_phrases() if phrase in text]
        assert event.kind == "done"
        assert event.answer is not None and event.answer.reply.content == text


# --- the API ----------------------------------------------------------------------


@pytest.mark.usefixtures("knowledge", "games_and_videos", "offline")
class TestApi:
    @pytest.fixture
    def arta_api(self, arta):
        from conftest import client_for

        return client_for(arta)

    @pytest.mark.parametrize(("question", "slug"), QUESTIONS[6:])
    def test_albanian_question_through_the_api(self, arta_api, question, slug):
        response = arta_api.post(CHAT, {"message": question}, format="json")
        assert response.status_code == 200, response.content
        body = response.json()
        article = KnowledgeArticle.objects.get(slug=slug)
        assert body["reply"].startswith(article.body_sq.split(".")[0])
        assert not [phrase for phrase in _english_phrases() if phrase in body["reply"]]
        assert all(link["url"].endswith("?lang=sq") for link in body["links"])

    def test_default_learner_asking_in_albanian_without_diacritics(self, auth_api):
        body = auth_api.post(CHAT, {"message": "si ta kuptoj nese nje mesazh eshte mashtrim"}, format="json").json()
        assert body["reply"].startswith("Mashtrimi me mesazhe (phishing) ndodh")
        assert body["links"] and all(link["url"].endswith("?lang=sq") for link in body["links"])

    def test_english_question_is_still_answered_in_english(self, arta_api):
        body = arta_api.post(CHAT, {"message": "What is compound interest?"}, format="json").json()
        assert body["reply"].startswith("Compound interest")
        assert all(link["url"].endswith("?lang=en") for link in body["links"])

    def test_stream_answers_in_albanian(self, arta_api):
        response = arta_api.post(STREAM, {"message": "Çfarë ndodh me çmimet kur ka inflacion?"}, format="json")
        received = events(response)
        text = "".join(data["token"] for name, data in received if name == "message")
        assert text.startswith("Inflacion do të thotë")
        name, done = received[-1]
        assert name == "done"
        assert all(link["url"].endswith("?lang=sq") for link in done["links"])


# --- the model ----------------------------------------------------------------------


@pytest.mark.usefixtures("knowledge")
class TestModel:
    def test_model_is_told_to_answer_in_albanian_with_albanian_passages(self, arta, llm):
        services.ask(user=arta, text="Çfarë ndodh me çmimet kur ka inflacion?")
        system = llm.requests[0]["messages"][0]["content"]
        article = KnowledgeArticle.objects.get(slug="what-is-inflation")
        assert "Answer in Albanian" in system
        assert f"### {article.title_sq}\n{article.body_sq}" in system
        assert article.body_en not in system

    def test_model_is_told_to_answer_in_english_for_an_english_question(self, arta, llm):
        services.ask(user=arta, text="What is inflation and why do prices go up?")
        system = llm.requests[0]["messages"][0]["content"]
        assert "Answer in English" in system
        assert "### What is inflation?" in system

    def test_albanian_private_data_never_reaches_the_model(self, arta, llm):
        answer = services.ask(user=arta, text="fjalëkalimi im është Dielli-2024, a është i fortë?")
        assert answer.reply.backend == "safety"
        assert llm.requests == []
        services.ask(user=arta, text="çfarë është inflacioni?", conversation_id=answer.conversation.pk)
        assert "Dielli-2024" not in json.dumps(llm.requests, ensure_ascii=False)
