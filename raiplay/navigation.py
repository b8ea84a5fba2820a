"""The learner's navigation: five main destinations, a "More" menu for the rest, and where the learner is.

Phones show the five as a bottom tab bar and "More" as a menu above it; wider screens show the
same in the top bar. Which destination is current is decided here, on the server, from the
request's path, so the mark (aria-current="page") is right without JavaScript. Pure: no query.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Destination:
    key: str  # stable: the template's data-nav, and tests
    label: str | Promise
    href: str
    icon: str  # a name in templatetags/navigation.py's ICONS
    paths: tuple[str, ...] = ()  # other path prefixes that belong to it (its own href always does)

    def holds(self, path: str) -> bool:
        if self.href == "/":
            return path == "/"  # Home is the start page only, not every page under it
        return any(path.startswith(prefix) for prefix in (self.href, *self.paths))


HOME = Destination("home", _("Home"), "/", "home")
QUESTS = Destination("quests", _("Quests"), "/quests/", "map")
GAMES = Destination("games", _("Games"), "/games/", "gamepad")
VIDEOS = Destination("videos", _("Videos"), "/videos/", "play")
FINBOT = Destination("finbot", "FinBot", "/chat/", "bot")
REVIEW = Destination("review", pgettext_lazy("navigation", "Review"), "/review/", "review")
LEADERBOARD = Destination("leaderboard", _("Leaderboard"), "/leaderboard/", "trophy")
BADGES = Destination("badges", _("Badges"), "/achievements/", "medal")
SHOP = Destination("shop", _("Shop"), "/shop/", "bag")
CLASSES = Destination("classes", _("Classes"), "/classes/", "users")
PROFILE = Destination("profile", _("Profile"), "/profile/", "user")
# allauth's own pages for a signed-in learner (password, emails, Google) are reached from Settings.
SETTINGS = Destination(
    "settings",
    _("Settings"),
    "/settings/",
    "sliders",
    paths=("/accounts/password/change/", "/accounts/password/set/", "/accounts/email/", "/accounts/3rdparty/"),
)
LOG_IN = Destination("login", _("Log in"), "/accounts/login/", "log-in")
SIGN_UP = Destination("signup", _("Sign up"), "/accounts/signup/", "user-plus")

TABS = (HOME, QUESTS, GAMES, VIDEOS, FINBOT)
MORE_SIGNED_IN = (REVIEW, LEADERBOARD, BADGES, SHOP, CLASSES, PROFILE, SETTINGS)  # then "Log out", a form
MORE_SIGNED_OUT = (LEADERBOARD, BADGES, SHOP)
ACCOUNT = (LOG_IN, SIGN_UP)  # signed out: always in the top bar


@dataclass(frozen=True)
class Navigation:
    tabs: Sequence[Destination]
    more: Sequence[Destination]
    current: str | None  # the key of the destination the page belongs to
    account: Sequence[Destination]  # signed out: Log in and Sign up
    signed_in: bool = False

    @property
    def more_current(self) -> bool:
        """The page is one of the More menu's: the menu's button is marked current too."""
        return any(item.key == self.current for item in self.more)


def current_key(path: str, destinations: Sequence[Destination]) -> str | None:
    """The destination `path` belongs to (the longest matching prefix wins), or None."""
    holding = [item for item in destinations if item.holds(path)]
    if not holding:
        return None
    return max(holding, key=lambda item: len(item.href)).key


def for_request(*, path: str, signed_in: bool) -> Navigation:
    more = MORE_SIGNED_IN if signed_in else MORE_SIGNED_OUT
    account = () if signed_in else ACCOUNT
    current = current_key(path, (*TABS, *more, *account))
    return Navigation(tabs=TABS, more=more, current=current, account=account, signed_in=signed_in)
