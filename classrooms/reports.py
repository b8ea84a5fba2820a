"""The class progress as CSV, for a teacher's spreadsheet."""

import csv
import io

from .selectors import MemberRow

HEADER = ["username", "display_name", "level", "xp", "week_xp", "last_active_date", "assignments_done"]


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # A display name like "=HYPERLINK(...)" must stay text in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def progress_csv(members: list[MemberRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for m in members:
        writer.writerow(
            [
                _cell(v)
                for v in (
                    m.username,
                    m.display_name,
                    m.level,
                    m.xp,
                    m.week_xp,
                    m.last_active_date.isoformat() if m.last_active_date else "",
                    m.assignments_done,
                )
            ]
        )
    return out.getvalue()
