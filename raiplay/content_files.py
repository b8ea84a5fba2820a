"""The admin's "Import content" flow: an uploaded file, its dry run, then the same file applied.

Between the dry run and "Apply" the file waits in the editor's session, with its digest in
the confirming form: what is applied is exactly what was checked, or nothing.
"""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from core.content import OUTCOMES, ContentError, export_content, import_content, read_document

PENDING = "content_import"
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class Report:
    """What an import did, or a dry run would do: counts per kind, or every error."""

    name: str
    counts: dict[str, Counter] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    digest: str = ""

    @property
    def rows(self) -> list[tuple[str, list[int]]]:
        return [(kind, [counts[outcome] for outcome in OUTCOMES]) for kind, counts in self.counts.items()]

    @property
    def changes(self) -> int:
        return sum(counts["created"] + counts["updated"] for counts in self.counts.values())


def dry_run(session, *, name: str, data: bytes) -> Report:
    """Check an uploaded file without changing anything; keep it for "Apply" when it is clean."""
    session.pop(PENDING, None)
    digest = hashlib.sha256(data).hexdigest()
    try:
        counts = import_content(read_document(data), dry_run=True)
    except ContentError as error:
        return Report(name=name, errors=error.errors)
    session[PENDING] = {"name": name, "digest": digest, "text": data.decode("utf-8-sig")}
    return Report(name=name, counts=counts, digest=digest)


def apply(session, *, digest: str) -> Report | None:
    """Import the file the dry run checked, all or nothing; None when there is none (or another)."""
    pending = session.get(PENDING)
    if not pending or pending["digest"] != digest:
        return None
    try:
        counts = import_content(json.loads(pending["text"]))
    except ContentError as error:  # the content changed since the dry run: nothing was written
        return Report(name=pending["name"], errors=error.errors)
    session.pop(PENDING, None)
    return Report(name=pending["name"], counts=counts, digest=digest)


def export_file() -> tuple[str, bytes]:
    """Today's content as a file import reads again: (file name, UTF-8 JSON)."""
    text = json.dumps(export_content(), indent=2, ensure_ascii=False, default=str) + "\n"
    return f"raiplay-content-{timezone.localdate():%Y-%m-%d}.json", text.encode("utf-8")
