"""Videos in content files (see core.content).

`url` and `thumbnail` are addresses; `file` and `thumbnail_file` name files already in
the media storage (uploaded in the admin), so an export imports back unchanged.
"""

from django.db.models.fields.files import FieldFile

from core.content import ContentKind, Problems, item_label

from .models import Video

FILE_KEYS = ("file", "thumbnail_file")


class VideoKind(ContentKind):
    key = "videos"
    model = Video
    required = ("slug", "title", "duration_seconds", "category")
    translated = ("title", "description", "tags")
    fields = {
        name: name
        for name in (
            "slug",
            "title",
            "description",
            "url",
            "file",
            "thumbnail",
            "thumbnail_file",
            "duration_seconds",
            "category",
            "tags",
            "xp_reward",
            "is_published",
        )
    }

    def check(self, items, problems: Problems):
        if isinstance(items, list):
            # A stored file's name must be text; anything else is reported and left out, so
            # the model's file validators never see it.
            kept = []
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    bad = [name for name in FILE_KEYS if name in item and not isinstance(item[name], str)]
                    for name in bad:
                        problems.add(f"{item_label(self.key, index, item)}.{name}", "must be the name of a stored file")
                    item = {key: value for key, value in item.items() if key not in bad}
                kept.append(item)
            items = kept
        return super().check(items, problems)

    def export(self) -> list[dict]:
        return [
            {key: (value.name or "") if isinstance(value, FieldFile) else value for key, value in item.items()}
            for item in super().export()
        ]


KINDS = [VideoKind()]
