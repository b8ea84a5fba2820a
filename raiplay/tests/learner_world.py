"""A realistic learner's world for the page-wide browser checks: every learner page shows its real content.

`build()` makes, through the same services the pages use, a learner part-way through the
storyline (a quest passed with rewards, the next one available, one locked), badges earned and in
progress, today's daily quests, videos saved, liked and watched, a FinBot conversation, shop
items in and out of reach and a redeemed code, a class with assignments and its teacher, other
learners on the leaderboard, and a minor whose guardian has a consent link. It returns the
values the page list's URLs are filled from (`{quest_next}`, `{attempt}`...).
"""

from datetime import timedelta

from django.contrib.auth.models import Group

from accounts import consent
from accounts.models import ConsentStatus
from accounts.selectors import TEACHERS
from accounts.tests.factories import UserFactory
from achievements import selectors as reward_selectors
from achievements import services as rewards
from achievements.models import Reason, ShopItem
from achievements.tests.factories import AchievementFactory, DailyQuestTemplateFactory, ShopItemFactory
from achievements.tests.reward_helpers import earn
from chat import services as chat
from chat.tests.factories import KnowledgeArticleFactory
from classrooms import services as classes
from games import services as games
from games.models import Category, Game
from games.tests.factories import ClientGameFactory, QuestFactory, correct_answers, make_game, wrong_answers
from videos import services as videos
from videos.tests.factories import VideoFactory, started_ago

PASSED_BIRTH_YEAR = 2008  # old enough: no guardian's consent needed


def _learner(username: str, display_name: str, **fields):
    return UserFactory(
        username=username,
        display_name=display_name,
        birth_year=PASSED_BIRTH_YEAR,
        consent_status=ConsentStatus.NOT_NEEDED,
        **fields,
    )


def _storyline() -> list[Game]:
    titles = [
        ("budget-basics", "Budget basics", "💰", Category.BUDGETING),
        ("saving-goals", "Saving goals", "🐷", Category.SAVING),
        ("cards-and-credit", "Cards and credit", "💳", Category.CREDIT),
        ("spot-the-scam", "Spot the scam", "🕵️", Category.BANKING),
    ]
    return [
        make_game(
            single=2,
            multiple=1,
            number=1,
            factory=QuestFactory,
            slug=slug,
            title=title,
            icon=icon,
            category=category,
            description=f"{title}: a short story with four questions about money choices you make every week.",
            xp_reward=100,
            coin_reward=20,
        )
        for slug, title, icon, category in titles
    ]


def build() -> dict:
    ana = _learner("ana", "Ana")
    teacher = _learner("msuese", "Ms Hoxha")
    teacher.groups.add(Group.objects.get_or_create(name=TEACHERS)[0])
    friends = [_learner(name, name.title()) for name in ("dritan", "elira", "genti", "luana")]
    for rank, friend in enumerate(friends):
        earn(friend, xp=450 - rank * 90, coins=30)

    AchievementFactory(slug="first-win", title="First win", icon="🥇", metric="games_completed", threshold=1)
    AchievementFactory(slug="quest-hero", title="Quest hero", icon="🗺️", metric="quests_completed", threshold=4)
    AchievementFactory(slug="video-fan", title="Video fan", icon="🎬", metric="videos_watched", threshold=5)
    AchievementFactory(slug="secret", title="Secret", metric="games_completed", threshold=50, is_secret=True)
    for slug, title, metric, target in [
        ("play-one", "Play a game", "games_completed", 1),
        ("watch-two", "Watch two videos", "videos_watched", 2),
        ("ask-finbot", "Ask FinBot a question", "chat_questions", 1),
        ("pass-two", "Pass two quests", "quests_completed", 2),
    ]:
        DailyQuestTemplateFactory(slug=slug, title=title, metric=metric, target=target)
    reward_selectors.todays_daily_quests(user=ana)

    storyline = _storyline()
    passed = games.submit_attempt(user=ana, game=storyline[0], answers=correct_answers(storyline[0]))
    games.submit_attempt(user=friends[0], game=storyline[0], answers=wrong_answers(storyline[0]))
    # A question missed yesterday: due for review today.
    yesterday = reward_selectors.today_for(ana) - timedelta(days=1)
    rewards.schedule_misses(user=ana, questions=[storyline[0].questions.first().pk], missed_on=yesterday)
    minigame = make_game(single=3, slug="needs-or-wants-quiz", title="Needs or wants quiz", icon="🛒")
    web_minigame = ClientGameFactory(slug="needs-or-wants", title="Needs or wants", icon="🧺", difficulty=2)

    watched, saved, liked = (
        VideoFactory(slug=slug, title=title, duration_seconds=40, category=category, tags=tags)
        for slug, title, category, tags in [
            ("needs-vs-wants", "Needs vs wants", "budgeting", ["budget", "needs"]),
            ("debit-vs-credit", "Debit vs credit", "credit", ["cards"]),
            ("opening-your-first-bank-account", "Your first bank account", "banking", ["bank"]),
        ]
    )
    videos.record_progress(user=ana, video=watched, position_seconds=1)
    started_ago(ana, watched, seconds=60)
    videos.record_progress(user=ana, video=watched, position_seconds=40)
    videos.save_video(user=ana, video=saved)
    videos.like_video(user=ana, video=liked)

    KnowledgeArticleFactory(slug="what-is-a-budget", title="What is a budget?", tags=["budgeting"])
    answer = chat.ask(user=ana, text="How do I make a budget for my pocket money?")

    earn(ana, coins=60, reason=Reason.ADJUSTMENT, note="welcome coins")
    ShopItemFactory(slug="streak-freeze", name="Streak freeze", kind=ShopItem.Kind.STREAK_FREEZE, cost_coins=40)
    cinema = ShopItemFactory(slug="cinema", name="Cinema ticket", cost_coins=60, stock=5)
    ShopItemFactory(slug="headphones", name="Headphones", cost_coins=900, stock=3)
    ShopItemFactory(slug="hoodie", name="RaiPlay hoodie", cost_coins=80, stock=0)
    rewards.redeem_item(user=ana, item=cinema)

    classroom = classes.create_classroom(teacher=teacher, name="8A · Money club")
    classes.join_classroom(user=ana, code=classroom.join_code)
    classes.join_classroom(user=friends[1], code=classroom.join_code)
    soon = classes.today() + timedelta(days=2)
    classes.create_assignment(classroom=classroom, game=storyline[1], due_date=soon)
    classes.create_assignment(classroom=classroom, video=saved, due_date=soon + timedelta(days=5))
    classes.create_assignment(classroom=classroom, game=storyline[0], due_date=soon)

    minor = UserFactory(
        username="besa",
        display_name="Besa",
        birth_year=classes.today().year - 13,
        guardian_email="parent@example.com",
        consent_status=ConsentStatus.PENDING,
    )
    # Signed up without a birth year yet: the dashboard asks for it once ("Tell us").
    newcomer = UserFactory(username="dren", display_name="Dren", birth_year=None, consent_status=ConsentStatus.UNKNOWN)
    return {
        "users": {"learner": ana, "teacher": teacher, "newcomer": newcomer},
        "quest_done": storyline[0].slug,
        "quest_next": storyline[1].slug,
        "quest_locked": storyline[2].slug,
        "attempt": passed.attempt.pk,
        "minigame": minigame.slug,
        "web_minigame": web_minigame.slug,
        "video": watched.slug,
        "conversation": answer.question.conversation.pk,
        "friend": friends[0].username,
        "classroom": classroom.pk,
        "consent_token": consent.make_token(minor),
    }
