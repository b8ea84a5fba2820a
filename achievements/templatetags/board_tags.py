"""`{% board_rows rows me_id %}`: the rows of a leaderboard table, each rendered once per process.

A row's HTML depends only on its values, the language and whether it is the viewer's, and the
top of a board is the same on every learner's page. Rendering ~60 rows through the template
engine was most of the leaderboard page's time (`make bench`), so each row is a kept fragment
(core.fragments): a row whose rank, name, level or XP changed is a new key, never a stale one.
"""

from django import template
from django.utils.safestring import SafeString, mark_safe

from core.fragments import kept

from ..leaderboards import Row

register = template.Library()

ROW_TEMPLATE = "achievements/_board_row.html"


@register.simple_tag
def board_rows(rows: list[Row], me_id: int | None) -> SafeString:
    return mark_safe("".join(kept(ROW_TEMPLATE, row=row, mine=row.id == me_id) for row in rows))  # noqa: S308 (escaped by the template)
