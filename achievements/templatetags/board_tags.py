"""`{% board_rows rows me_id %}`: the rows of a leaderboard table, each rendered once per process.

A row's HTML depends only on its values, the language and whether it is the viewer's, and the
top of a board is the same on every learner's page. Rendering ~60 rows through the template
engine was most of the leaderboard page's time (`make bench`), so each rendered row is kept in a
bounded memo keyed by exactly those: a row whose rank, name, level or XP changed is a new key,
never a stale one.
"""

from functools import lru_cache

from django import template
from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from ..leaderboards import Row

register = template.Library()

ROW_TEMPLATE = "achievements/_board_row.html"


@lru_cache(maxsize=4096)  # ~2.5 MB at most: the tops of a few boards and the rows around the learners
def _row_html(language: str | None, row: Row, mine: bool) -> str:
    return get_template(ROW_TEMPLATE).render({"row": row, "mine": mine})


@register.simple_tag
def board_rows(rows: list[Row], me_id: int | None) -> SafeString:
    language = translation.get_language()
    return mark_safe("".join(_row_html(language, row, row.id == me_id) for row in rows))  # noqa: S308 (escaped by the template)
