"""This app's kinds in content files (see core.content): FinBot's knowledge articles."""

from core.content import ContentKind

from .models import KnowledgeArticle


class KnowledgeKind(ContentKind):
    key = "knowledge"
    model = KnowledgeArticle
    required = ("slug", "title", "body")
    translated = ("title", "body", "tags", "questions")
    fields = {name: name for name in ("slug", "title", "body", "tags", "questions", "published")}


KINDS = [KnowledgeKind()]
